"""网上预约 pages of the portal; included in the portal's namespace (portal:appointment_*)."""

from django.urls import path

from . import appointments_views as views

urlpatterns = [
    path("", views.appointment_list, name="appointment_list"),
    path("new/<str:code>/", views.appointment_new, name="appointment_new"),
    path("<str:code>/", views.appointment_detail, name="appointment_detail"),
    path("<str:code>/cancel/", views.appointment_cancel, name="appointment_cancel"),
]
