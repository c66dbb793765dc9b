from django.urls import path

from . import grid_views, hotspot_views, public_views, record_views, views

app_name = "hotline"
urlpatterns = [
    path("workbench/hotline/", views.operator, name="operator"),
    path("workbench/hotline/queue/<slug:key>/", views.queue, name="queue"),
    path("workbench/hotline/inbox/", views.inbox, name="inbox"),
    path("workbench/hotline/hotspots/", hotspot_views.hotspots, name="hotspots"),
    path("workbench/hotline/hotspots/<int:pk>/", hotspot_views.hotspot, name="hotspot"),
    path("workbench/hotline/hotspots/<int:pk>/assign/", hotspot_views.assign, name="hotspot_assign"),
    path("workbench/hotline/hotspots/<int:pk>/milestones/", hotspot_views.milestone_add, name="hotspot_milestone_add"),
    path("workbench/hotline/hotspots/<int:pk>/resolve/", hotspot_views.resolve, name="hotspot_resolve"),
    path(
        "workbench/hotline/hotspot-milestones/<int:pk>/done/",
        hotspot_views.milestone_done,
        name="hotspot_milestone_done",
    ),
    path("workbench/hotline/grid-report/", grid_views.grid_report, name="grid_report"),
    path("workbench/hotline/process-changes/", record_views.process_changes, name="process_changes"),
    path("workbench/hotline/reports/", views.reports, name="reports"),
    path("workbench/hotline/reports/generate/", views.report_generate, name="report_generate"),
    path("workbench/hotline/reports/<str:region_code>/<str:month>/", views.report_page, name="report"),
    path("workbench/hotline/reports/<str:region_code>/<str:month>/xlsx/", views.report_xlsx, name="report_xlsx"),
    path("workbench/hotline/reports/<str:region_code>/<str:month>/pdf/", views.report_pdf, name="report_pdf"),
    path("workbench/hotline/orders/<str:number>/", views.order, name="order"),
    path("workbench/hotline/orders/<str:number>/attachments/<int:pk>/", record_views.attachment, name="attachment"),
    path("workbench/hotline/orders/<str:number>/dispatch/", views.dispatch, name="dispatch"),
    path("workbench/hotline/orders/<str:number>/sign/", views.sign, name="sign"),
    path("workbench/hotline/orders/<str:number>/return/", views.give_back, name="return"),
    path("workbench/hotline/orders/<str:number>/transfer/", views.transfer, name="transfer"),
    path("workbench/hotline/orders/<str:number>/extension/", views.extension, name="extension"),
    path("workbench/hotline/extensions/<int:pk>/", views.extension_decision, name="extension_decide"),
    path("workbench/hotline/orders/<str:number>/reply/", views.reply, name="reply"),
    path("workbench/hotline/orders/<str:number>/callback/", views.callback, name="callback"),
    path("workbench/hotline/orders/<str:number>/callback-sms/", views.callback_sms, name="callback_sms"),
    path("workbench/hotline/orders/<str:number>/supervise/", views.supervise, name="supervise"),
    path("workbench/hotline/supervisions/<int:pk>/answer/", views.supervision_answer, name="supervision_answer"),
    path("workbench/hotline/orders/<str:number>/close/", views.close, name="close"),
    path("12345/", public_views.submit, name="public_submit"),
    path("12345/track/", public_views.track, name="track"),
    path("12345/callback/<str:token>/", public_views.callback_link, name="callback_link"),
]
