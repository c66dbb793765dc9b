from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from yiwang.core.views import display_mode

from .api import api

admin.site.site_header = "一网通办 · 管理后台"
admin.site.site_title = "一网通办"
admin.site.index_title = "平台管理"

urlpatterns = [
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("display/", display_mode, name="display_mode"),
    path("admin/", admin.site.urls),
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
]
urlpatterns += i18n_patterns(
    path("accounts/", include("yiwang.accounts.urls")),
    path("workbench/", include("yiwang.workbench.urls")),
    path("desk/", include("yiwang.desk.urls")),
    path("", include("yiwang.licences.urls")),
    path("", include("yiwang.registry.urls")),
    path("", include("yiwang.credit.urls")),
    path("", include("yiwang.coordination.urls")),
    path("", include("yiwang.supervision.urls")),
    path("", include("yiwang.webhooks.urls")),
    path("", include("yiwang.portal.cases_urls")),
    path("", include("yiwang.portal.urls")),
    prefix_default_language=False,
)
