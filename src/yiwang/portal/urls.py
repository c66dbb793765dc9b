from django.urls import include, path

from . import progress_views, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("search/suggest/", views.suggest, name="suggest"),
    path("person/", views.audience, {"audience": "person"}, name="person"),
    path("enterprise/", views.audience, {"audience": "enterprise"}, name="enterprise"),
    path("topics/<str:code>/", views.topic, name="topic"),
    path("departments/", views.departments, name="departments"),
    path("departments/<str:code>/", views.department, name="department"),
    path("items/<str:code>/", views.item_detail, name="item"),
    path("items/<str:code>/v/<int:number>/", views.item_detail, name="item_version"),
    path("items/<str:code>/form.pdf", views.item_form_pdf, name="item_form_pdf"),
    path("items/<str:code>/form-example.pdf", views.item_form_pdf, {"example": True}, name="item_form_example_pdf"),
    path("bundles/", views.bundles, name="bundles"),
    path("bundles/<str:code>/", views.bundle, name="bundle"),
    path("progress/", progress_views.progress, name="progress"),
    path("appointments/", include("yiwang.portal.appointments_urls")),
    path("publicity/", include("yiwang.portal.transparency_urls")),
]
