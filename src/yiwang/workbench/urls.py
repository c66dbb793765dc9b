from django.urls import include, path

from . import queue_views, views

app_name = "workbench"
urlpatterns = [
    path("", queue_views.index, name="index"),
    path("start/", queue_views.after_login, name="after_login"),
    path("acceptance/", queue_views.acceptance, name="acceptance"),
    path("acceptance/<str:number>/accept/", queue_views.case_accept, name="case_accept"),
    path("acceptance/<str:number>/correction/", queue_views.case_correction, name="case_correction"),
    path("acceptance/<str:number>/refuse/", queue_views.case_refuse, name="case_refuse"),
    # 待审批 lives at signing/: workbench/decisions/ is coordination's 审批结果推送 page, mounted at the root.
    path("signing/", queue_views.decisions, name="decisions"),
    path("signing/<str:number>/", queue_views.decision, name="decision"),
    path("signing/<str:number>/sign/", queue_views.decision_sign, name="decision_sign"),
    path("cases/<str:number>/propose/", queue_views.case_propose, name="case_propose"),
    path("warnings/", queue_views.warnings, name="warnings"),
    path("orders/", queue_views.orders, name="orders"),
    path("implementations/", views.implementations, name="implementations"),
    path("implementations/<str:code>/", views.implementation, name="implementation"),
    path("", include("yiwang.workbench.cases_urls")),
]
