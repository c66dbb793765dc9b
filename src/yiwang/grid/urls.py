from django.urls import path

from . import views

app_name = "grid"
urlpatterns = [
    path("workbench/grid/", views.mine, name="mine"),
    path("workbench/grid/map/", views.grid_map, name="map"),
    path("workbench/grid/cells.geojson", views.cells_geojson, name="cells_geojson"),
    path("workbench/grid/cells/<str:code>/", views.cell, name="cell"),
    path("workbench/grid/layers/<str:key>.geojson", views.layer, name="layer"),
    path("workbench/grid/home-service/", views.home_service, name="home_service"),
    path("workbench/grid/home-service/consents/new/", views.consent_new, name="consent_new"),
    path("workbench/grid/home-service/consents/<int:pk>/", views.consent, name="consent"),
    path("workbench/grid/home-service/consents/<int:pk>/scan/", views.consent_scan, name="consent_scan"),
    path("workbench/grid/home-service/consents/<int:pk>/revoke/", views.consent_revoke, name="consent_revoke"),
    path("workbench/grid/home-service/consents/<int:pk>/apply/<str:code>/", views.home_apply, name="home_apply"),
]
