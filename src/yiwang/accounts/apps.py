from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "yiwang.accounts"
    label = "accounts"
    verbose_name = _("用户与办事主体")

    def ready(self):
        from yiwang.core.auth import register_token_check

        from .auth import token_user

        register_token_check(token_user)
