from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "yiwang.insights"
    label = "insights"
    verbose_name = _("效能评价")
