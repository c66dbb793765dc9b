from csp.decorators import csp_replace
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from oauth2_provider import urls as oauth2_urls

from yiwang.accounts.oidc import OwnTokenIntrospectView
from yiwang.core.views import display_mode

from .api import api

# The OpenID Connect provider's protocol endpoints only. The package also mounts pages where any signed-in user
# registers a client (with any grant type, under any name) and an open dynamic client registration endpoint;
# department systems are registered by platform administrators in the admin instead, so those are not routed.
# Introspection answers a client about its own tokens only (accounts.oidc.OwnTokenIntrospectView).
OAUTH2_ENDPOINTS = {"authorize", "token", "revoke-token"}

# The consent form posts to /o/authorize/, whose answer redirects to the department system's own address; browsers
# hold that redirect to the CSP's form-action, so this page alone lifts it.
authorize = csp_replace({"form-action": None})

oidc_provider = (
    [
        *oauth2_urls.metadata_urlpatterns,
        *(
            path(str(p.pattern), authorize(p.callback), name=p.name) if p.name == "authorize" else p
            for p in oauth2_urls.base_urlpatterns
            if p.name in OAUTH2_ENDPOINTS
        ),
        path("introspect/", OwnTokenIntrospectView.as_view(), name="introspect"),
        *oauth2_urls.oidc_urlpatterns,
    ],
    "oauth2_provider",
)

admin.site.site_header = "一网通办 · 管理后台"
admin.site.site_title = "一网通办"
admin.site.index_title = "平台管理"

urlpatterns = [
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("display/", display_mode, name="display_mode"),
    path("admin/", admin.site.urls),
    path("o/", include(oidc_provider, namespace="oauth2_provider")),
]
urlpatterns += i18n_patterns(
    path("accounts/", include("yiwang.accounts.urls")),
    path("workbench/", include("yiwang.workbench.urls")),
    path("desk/", include("yiwang.desk.urls")),
    path("", include("yiwang.licences.urls")),
    path("", include("yiwang.registry.urls")),
    path("", include("yiwang.credit.urls")),
    path("", include("yiwang.coordination.urls")),
    path("", include("yiwang.evaluation.urls")),
    path("", include("yiwang.supervision.urls")),
    path("", include("yiwang.grid.urls")),
    path("", include("yiwang.webhooks.urls")),
    path("", include("yiwang.hotline.urls")),
    path("", include("yiwang.insights.urls")),
    path("", include("yiwang.open311.urls")),
    path("", include("yiwang.catalog.urls")),
    path("", include("yiwang.portal.cases_urls")),
    path("", include("yiwang.portal.urls")),
    prefix_default_language=False,
)
