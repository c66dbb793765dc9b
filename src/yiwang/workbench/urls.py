from django.urls import include, path

from . import views

app_name = "workbench"
urlpatterns = [
    path("", views.index, name="index"),
    path("implementations/", views.implementations, name="implementations"),
    path("implementations/<str:code>/", views.implementation, name="implementation"),
    path("", include("yiwang.workbench.cases_urls")),
]
