from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "yiwang.org"
    label = "org"
    verbose_name = _("组织机构")

    def ready(self):
        from yiwang.core.permissions import register_role_lookup

        from .selectors import active_roles

        register_role_lookup(active_roles)
