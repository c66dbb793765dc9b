from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "yiwang.registry"
    label = "registry"
    verbose_name = _("一台四库与数据共享")

    def ready(self):
        from . import consumers  # noqa: F401  (registers the event consumers)
