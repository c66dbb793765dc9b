from django.urls import path

from . import views

app_name = "credit"
urlpatterns = [
    path("credit/", views.records, name="records"),
    # before credit/<str:uscc>/, which would take "mine" for a USCC
    path("credit/mine/", views.mine, name="mine"),
    path("credit/<str:uscc>/", views.entity, name="entity"),
    path("credit/records/<int:pk>/repair/", views.repair, name="repair"),
]
