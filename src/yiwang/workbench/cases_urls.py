"""The reviewer workbench's pages, mounted inside the workbench namespace."""

from django.urls import path

from . import cases_views as views

urlpatterns = [
    path("tasks/", views.inbox, name="tasks"),
    path("tasks/<int:pk>/claim/", views.task_claim, name="task_claim"),
    path("tasks/<int:pk>/complete/", views.task_complete, name="task_complete"),
    path("cases/<str:number>/", views.case_detail, name="case"),
    path("cases/<str:number>/materials/<int:pk>/", views.material_download, name="material"),
    path("cases/<str:number>/decide/", views.case_decide, name="case_decide"),
    path("cases/<str:number>/suspension/", views.case_suspension_request, name="case_suspension"),
    path("cases/<str:number>/extension/", views.case_extension_request, name="case_extension"),
    path("cases/<str:number>/resume/", views.case_resume, name="case_resume"),
    path("cases/<str:number>/suspensions/<int:pk>/notice.pdf", views.suspension_notice, name="suspension_notice"),
    path("cases/<str:number>/supervise/", views.case_supervise, name="case_supervise"),
    path("deliveries/", views.deliveries, name="deliveries"),
    path("deliveries/<str:number>/post/", views.delivery_post, name="delivery_post"),
    path("approvals/", views.approvals, name="approvals"),
    path("approvals/suspensions/<int:pk>/", views.suspension_approve, name="suspension_approve"),
    path("approvals/extensions/<int:pk>/", views.extension_approve, name="extension_approve"),
    path("supervision/", views.supervision, name="supervision"),
    path("orders/<int:pk>/answer/", views.order_answer, name="order_answer"),
    path("rectifications/", views.rectifications, name="rectifications"),
    path("rectifications/<int:pk>/answer/", views.rectification_answer_view, name="rectification_answer"),
]
