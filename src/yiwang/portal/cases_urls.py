from django.urls import path

from . import cases_views as views

app_name = "cases"
urlpatterns = [
    path("apply/<str:code>/", views.apply, name="apply"),
    path("cases/", views.case_list, name="list"),
    path("cases/<str:number>/", views.case_detail, name="detail"),
    path("cases/<str:number>/resubmit/", views.resubmit, name="resubmit"),
    path("cases/<str:number>/withdraw/", views.withdraw, name="withdraw"),
    path("cases/<str:number>/materials/<int:spec>/supply/", views.supply, name="supply"),
    path("cases/<str:number>/rate/", views.rate, name="rate"),
    path("cases/<str:number>/rating-code/", views.rating_code, name="rating_code"),
    path("cases/<str:number>/delivery/", views.delivery, name="delivery"),
    path("cases/<str:number>/decision.pdf", views.decision_document, name="decision_pdf"),
    path("cases/<str:number>/suspensions/<int:pk>/notice.pdf", views.suspension_notice, name="suspension_notice"),
    path("notifications/", views.notifications, name="notifications"),
]
