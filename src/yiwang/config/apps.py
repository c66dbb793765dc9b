from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    """The platform as a whole: settings, URLs, the `yiwang` CLI, and the operator commands that span apps
    (`yiwang demo` loads every app's demo data), which would otherwise make the kernel import the domain."""

    name = "yiwang.config"
    label = "config"
    verbose_name = _("平台")
