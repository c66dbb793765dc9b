from django.urls import path, re_path
from django.views.generic import RedirectView

from . import views

app_name = "open311"
FMT = r"\.(?P<fmt>json|xml)$"
urlpatterns = [
    path("open311/v2/", RedirectView.as_view(url="discovery.json"), name="root"),
    re_path(r"^open311/v2/discovery" + FMT, views.discovery, name="discovery"),
    re_path(r"^open311/v2/services" + FMT, views.service_list, name="services"),
    re_path(r"^open311/v2/services/(?P<code>[A-Za-z0-9_-]{1,20})" + FMT, views.service_definition, name="service"),
    re_path(r"^open311/v2/requests" + FMT, views.request_list, name="requests"),
    re_path(r"^open311/v2/requests/(?P<number>[0-9A-Za-z-]{1,40})" + FMT, views.request_detail, name="request"),
    re_path(r"^open311/v2/tokens/(?P<token>[0-9a-fA-F-]{1,40})" + FMT, views.token, name="token"),
]
