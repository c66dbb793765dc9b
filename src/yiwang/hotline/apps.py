from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotlineConfig(AppConfig):
    name = "yiwang.hotline"
    label = "hotline"
    verbose_name = _("12345热线")

    def ready(self):
        from yiwang.core.storage import register_file_holder
        from yiwang.grid.layers import register_layer

        from .models import WorkOrderAttachment
        from .selectors import hotspots_geojson, open_orders_geojson, overdue_orders_geojson

        register_file_holder(WorkOrderAttachment, "file_key")

        register_layer("orders", label=_("12345 在办工单"), colour="#1f77b4", points=open_orders_geojson)
        register_layer("overdue", label=_("12345 超期工单"), colour="#d62728", points=overdue_orders_geojson)
        register_layer("hotspots", label=_("老大难热点"), colour="#ff7f0e", points=hotspots_geojson)
