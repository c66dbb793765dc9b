from django.urls import path

from . import views

app_name = "registry"
urlpatterns = [
    path("registry/access-log/", views.my_access_log, name="access_log"),
]
