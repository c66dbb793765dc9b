from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotlineConfig(AppConfig):
    name = "yiwang.hotline"
    label = "hotline"
    verbose_name = _("12345热线")

    def ready(self):
        from yiwang.core.storage import register_file_holder
        from yiwang.grid.layers import register_layer

        from . import places
        from .models import WorkOrderAttachment

        register_file_holder(WorkOrderAttachment, "file_key")

        register_layer("orders", label=_("12345 在办工单"), colour="#1f77b4", points=places.open_orders_geojson)
        register_layer("overdue", label=_("12345 超期工单"), colour="#d62728", points=places.overdue_orders_geojson)
        register_layer("hotspots", label=_("老大难热点"), colour="#ff7f0e", points=places.hotspots_geojson)
