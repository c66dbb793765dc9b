from django.urls import path

from . import renewal_views, views

app_name = "licences"
urlpatterns = [
    path("licences/", views.wallet, name="wallet"),
    path("licences/verify/<str:number>/", views.verify, name="verify"),
    path("licences/verify/<str:number>/bundle.zip", views.public_bundle, name="public_bundle"),
    path("licences/issuers/", views.issuers, name="issuers"),
    path("licences/issuers.json", views.issuers_json, name="issuers_json"),
    path("licences/issuers/root.pem", views.root_pem, name="root_pem"),
    path("licences/issuers/<str:key_id>.pem", views.issuer_pem, name="issuer_pem"),
    path("licences/manage/", views.manage, name="manage"),
    path("licences/manage/<str:number>/", views.manage_detail, name="manage_detail"),
    path("licences/seals/", views.seals, name="seals"),
    path("licences/seals/<int:department_id>/rotate/", views.seal_rotate, name="seal_rotate"),
    path("licences/seals/keys/<int:pk>/revoke/", views.seal_revoke, name="seal_revoke"),
    path("licences/<str:number>/pdf/", views.pdf, name="pdf"),
    path("licences/<str:number>/bundle.zip", views.bundle, name="bundle"),
    path("licences/<str:number>/renew/", renewal_views.renew, name="renew"),
]
