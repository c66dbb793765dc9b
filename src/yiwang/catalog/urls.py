from django.urls import path

from . import views

app_name = "catalog"
urlpatterns = [
    path("workbench/catalog/search-misses/", views.search_misses, name="search_misses"),
]
