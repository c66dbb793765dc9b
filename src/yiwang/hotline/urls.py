from django.urls import path

from .views import hotspots, intake, orders, public, queues, records, reporting

app_name = "hotline"
urlpatterns = [
    path("workbench/hotline/", intake.operator, name="operator"),
    path("workbench/hotline/queue/<slug:key>/", queues.queue, name="queue"),
    path("workbench/hotline/inbox/", queues.inbox, name="inbox"),
    path("workbench/hotline/hotspots/", hotspots.hotspots, name="hotspots"),
    path("workbench/hotline/hotspots/<int:pk>/", hotspots.hotspot, name="hotspot"),
    path("workbench/hotline/hotspots/<int:pk>/assign/", hotspots.assign, name="hotspot_assign"),
    path("workbench/hotline/hotspots/<int:pk>/milestones/", hotspots.milestone_add, name="hotspot_milestone_add"),
    path("workbench/hotline/hotspots/<int:pk>/resolve/", hotspots.resolve, name="hotspot_resolve"),
    path(
        "workbench/hotline/hotspot-milestones/<int:pk>/done/",
        hotspots.milestone_done,
        name="hotspot_milestone_done",
    ),
    path("workbench/hotline/grid-report/", intake.grid_report, name="grid_report"),
    path("workbench/hotline/process-changes/", records.process_changes, name="process_changes"),
    path("workbench/hotline/reports/", reporting.reports, name="reports"),
    path("workbench/hotline/reports/generate/", reporting.report_generate, name="report_generate"),
    path("workbench/hotline/reports/<str:region_code>/<str:month>/", reporting.report_page, name="report"),
    path("workbench/hotline/reports/<str:region_code>/<str:month>/xlsx/", reporting.report_xlsx, name="report_xlsx"),
    path("workbench/hotline/reports/<str:region_code>/<str:month>/pdf/", reporting.report_pdf, name="report_pdf"),
    path("workbench/hotline/orders/<str:number>/", orders.order, name="order"),
    path("workbench/hotline/orders/<str:number>/attachments/<int:pk>/", records.attachment, name="attachment"),
    path("workbench/hotline/orders/<str:number>/dispatch/", orders.dispatch, name="dispatch"),
    path("workbench/hotline/orders/<str:number>/sign/", orders.sign, name="sign"),
    path("workbench/hotline/orders/<str:number>/return/", orders.give_back, name="return"),
    path("workbench/hotline/orders/<str:number>/transfer/", orders.transfer, name="transfer"),
    path("workbench/hotline/orders/<str:number>/extension/", orders.extension, name="extension"),
    path("workbench/hotline/extensions/<int:pk>/", orders.extension_decision, name="extension_decide"),
    path("workbench/hotline/orders/<str:number>/reply/", orders.reply, name="reply"),
    path("workbench/hotline/orders/<str:number>/callback/", orders.callback, name="callback"),
    path("workbench/hotline/orders/<str:number>/callback-sms/", orders.callback_sms, name="callback_sms"),
    path("workbench/hotline/orders/<str:number>/supervise/", orders.supervise, name="supervise"),
    path("workbench/hotline/supervisions/<int:pk>/answer/", orders.supervision_answer, name="supervision_answer"),
    path("workbench/hotline/orders/<str:number>/close/", orders.close, name="close"),
    path("12345/", public.submit, name="public_submit"),
    path("12345/track/", public.track, name="track"),
    path("12345/callback/<str:token>/", public.callback_link, name="callback_link"),
]
