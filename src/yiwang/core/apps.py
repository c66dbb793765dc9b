from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "yiwang.core"
    label = "core"
    verbose_name = _("平台基础")

    def ready(self):
        from .cache import bump_on_change
        from .models import CalendarYear, WorkdayOverride
        from .third_party import name_third_party_apps

        name_third_party_apps()
        bump_on_change("calendar", WorkdayOverride, CalendarYear)
