"""政务公开 pages of the portal; included in the portal's namespace (portal:publicity, portal:publication_*, …)."""

from django.urls import path

from . import transparency_views as views

urlpatterns = [
    path("", views.index, name="publicity"),
    path("decisions/", views.publications, name="publications"),
    path("decisions/<int:pk>/", views.publication, name="publication"),
    path("credit/", views.credit_lists, name="credit_lists"),
    path("powers/", views.powers, name="powers"),
    path("powers/<str:code>/", views.power_list, name="power_list"),
]
