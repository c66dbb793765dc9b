from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "yiwang.cases"
    label = "cases"
    verbose_name = _("办件")

    def ready(self):
        from yiwang.core.storage import register_file_holder

        from . import consumers  # noqa: F401  (registers the event consumers)
        from .models import CaseMaterial

        register_file_holder(CaseMaterial, "file_key")
