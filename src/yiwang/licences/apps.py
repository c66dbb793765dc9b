from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LicencesConfig(AppConfig):
    name = "yiwang.licences"
    label = "licences"
    verbose_name = _("电子证照")

    def ready(self):
        from . import consumers, renewal  # noqa: F401  (registers the event consumers)
