from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoordinationConfig(AppConfig):
    name = "yiwang.coordination"
    label = "coordination"
    verbose_name = _("双告知与审管联动")

    def ready(self):
        from . import consumers  # noqa: F401  (registers the event consumers)
