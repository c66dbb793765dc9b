"""效能: the staff's dashboards under workbench/insights/, and the public's pages under xiaoneng/."""

from django.urls import path

from .views import dashboard, exports, public

app_name = "insights"
urlpatterns = [
    path("workbench/insights/", dashboard.overview, name="overview"),
    path("workbench/insights/regions/<str:code>/", dashboard.region, name="region"),
    path("workbench/insights/regions/<str:code>/export/", exports.region_export, name="region_export"),
    path("workbench/insights/departments/<str:code>/", dashboard.department, name="department"),
    path("workbench/insights/departments/<str:code>/export/", exports.department_export, name="department_export"),
    path(
        "workbench/insights/departments/<str:code>/monthly/<str:month>/",
        exports.department_report,
        name="department_report",
    ),
    path("workbench/insights/departments/<str:code>/items/<str:item_code>/", dashboard.item, name="item"),
    path(
        "workbench/insights/departments/<str:code>/items/<str:item_code>/export/",
        exports.item_export,
        name="item_export",
    ),
    path("workbench/insights/departments/<str:code>/items/<str:item_code>/cases/", dashboard.cases, name="cases"),
    path("workbench/insights/publications/", dashboard.publications, name="publications"),
    path("xiaoneng/", public.index, name="public_index"),
    path("xiaoneng/regions/<str:code>/", public.region, name="public_region"),
    path("xiaoneng/departments/<str:code>/", public.department, name="public_department"),
]
