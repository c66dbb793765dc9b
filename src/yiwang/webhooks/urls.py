from django.urls import path

from . import views

app_name = "webhooks"
urlpatterns = [
    path("webhooks/deliveries/", views.deliveries, name="deliveries"),
    path("webhooks/deliveries/<int:pk>/replay/", views.replay, name="replay"),
]
