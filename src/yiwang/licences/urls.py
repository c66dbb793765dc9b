from django.urls import path

from . import renewal_views, views

app_name = "licences"
urlpatterns = [
    path("licences/", views.wallet, name="wallet"),
    path("licences/verify/<str:number>/", views.verify, name="verify"),
    path("licences/manage/", views.manage, name="manage"),
    path("licences/manage/<str:number>/", views.manage_detail, name="manage_detail"),
    path("licences/seals/", views.seals, name="seals"),
    path("licences/seals/<int:department_id>/rotate/", views.seal_rotate, name="seal_rotate"),
    path("licences/<str:number>/pdf/", views.pdf, name="pdf"),
    path("licences/<str:number>/renew/", renewal_views.renew, name="renew"),
]
