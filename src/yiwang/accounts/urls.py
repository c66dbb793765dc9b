from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("", views.account, name="account"),
    path("login/", auth_views.LoginView.as_view(template_name="accounts/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("register/", views.register, name="register"),
    path("password/reset/", views.password_reset, name="password_reset"),
    path("password/change/", views.password_change, name="password_change"),
    path("entities/bind/", views.entity_bind, name="entity_bind"),
    path("entities/<int:entity_id>/agents/", views.entity_agents, name="entity_agents"),
    path("entities/<int:entity_id>/agents/<int:grant_id>/revoke/", views.agent_revoke, name="agent_revoke"),
]
