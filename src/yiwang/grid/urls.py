from django.urls import path

from . import views

app_name = "grid"
urlpatterns = [
    path("workbench/grid/", views.mine, name="mine"),
    path("workbench/grid/map/", views.grid_map, name="map"),
    path("workbench/grid/cells.geojson", views.cells_geojson, name="cells_geojson"),
    path("workbench/grid/cells/<str:code>/", views.cell, name="cell"),
    path("workbench/grid/layers/<str:key>.geojson", views.layer, name="layer"),
]
