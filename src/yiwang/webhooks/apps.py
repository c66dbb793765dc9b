from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "yiwang.webhooks"
    label = "webhooks"
    verbose_name = _("事件推送")

    def ready(self):
        from . import consumers  # noqa: F401  (registers the event consumers)
