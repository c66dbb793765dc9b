from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicityConfig(AppConfig):
    name = "yiwang.publicity"
    label = "publicity"
    verbose_name = _("政务公开")

    def ready(self):
        from . import consumers  # noqa: F401  (registers the event consumers)
