from django.urls import path

from . import views

app_name = "coordination"
urlpatterns = [
    path("workbench/claims/", views.claims, name="claims"),
    path("workbench/claims/<int:pk>/claim/", views.claim, name="claim"),
    path("workbench/decisions/", views.decisions, name="decisions"),
    path("workbench/decisions/subscribe/", views.subscribe, name="subscribe"),
    path("workbench/decisions/subscriptions/<int:pk>/cancel/", views.unsubscribe, name="unsubscribe"),
    path("dual-notifications/<str:number>/", views.told, name="told"),
]
