from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Open311Config(AppConfig):
    name = "yiwang.open311"
    verbose_name = _("开放接口")
