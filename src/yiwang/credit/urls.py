from django.urls import path

from . import views

app_name = "credit"
urlpatterns = [
    path("credit/", views.records, name="records"),
    path("credit/<str:uscc>/", views.entity, name="entity"),
    path("credit/records/<int:pk>/repair/", views.repair, name="repair"),
]
