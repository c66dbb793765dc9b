from django.urls import path

from . import views

app_name = "desk"
urlpatterns = [
    path("", views.index, name="index"),
    path("call/", views.call, name="call"),
    path("tickets/<int:pk>/finish/", views.finish, name="finish"),
    path("applicant/", views.applicant, name="applicant"),
    path("applicant/clear/", views.applicant_clear, name="applicant_clear"),
    path("intake/<str:code>/", views.intake, name="intake"),
    path("cases/<str:number>/", views.case_detail, name="case"),
    path("cases/<str:number>/notice.pdf", views.notice, name="notice"),
    path("cases/<str:number>/materials/<int:spec>/supply/", views.supply, name="supply"),
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/<str:number>/deliver/", views.deliver, name="deliver"),
    path("rate/<str:number>/", views.rate, name="rate"),
    path("kiosk/<int:center>/", views.kiosk, name="kiosk"),
]
