from django.urls import path

from . import views

app_name = "supervision"
urlpatterns = [
    path("workbench/penalties/", views.penalties, name="penalties"),
]
