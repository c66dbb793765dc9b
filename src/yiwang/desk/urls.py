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
    path("rate/<str:number>/code/", views.rating_code, name="rating_code"),
    path("kiosk/<int:center>/", views.kiosk, name="kiosk"),
    path("appointments/", views.appointments, name="appointments"),
    path("appointments/<int:center>/", views.appointment_center, name="appointment_center"),
    path("appointments/<int:center>/checkin/", views.appointment_checkin, name="appointment_checkin"),
    path("appointments/<int:center>/slots/", views.appointment_slot_new, name="appointment_slot_new"),
    path("appointments/<int:center>/generate/", views.appointment_generate, name="appointment_generate"),
    path("appointments/slots/<int:pk>/toggle/", views.appointment_slot_toggle, name="appointment_slot_toggle"),
]
