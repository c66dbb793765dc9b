from django.urls import path

from . import views

app_name = "licences"
urlpatterns = [
    path("licences/", views.wallet, name="wallet"),
    path("licences/verify/<str:number>/", views.verify, name="verify"),
    path("licences/<str:number>/pdf/", views.pdf, name="pdf"),
]
