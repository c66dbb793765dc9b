from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "yiwang.catalog"
    label = "catalog"
    verbose_name = _("事项目录")

    def ready(self):
        from yiwang.core.cache import bump_on_change
        from yiwang.org.models import Department, Region

        from .models import ItemImplementation, ItemVersion, MaterialSpec, ServiceItem

        # The cached implementations carry their department and region (names shown on every case).
        bump_on_change("catalog", ServiceItem, ItemVersion, ItemImplementation, MaterialSpec, Department, Region)
