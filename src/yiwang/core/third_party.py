"""Chinese names for what third-party apps show in the admin.

Their field labels and choices are gettext strings, translated by config/third_party_locale (no zh_Hans catalogue
ships with django-oauth-toolkit or django-tasks-db, and Django's own lacks a few admin strings). What gettext cannot
reach is set here: app names (plain strings in their AppConfig) and plural model names (their default, the
singular + "s", would read 访问令牌s), and model names its models leave to Django (derived from the class name).
"""

from django.apps import apps
from django.utils.translation import gettext_lazy as _

APP_NAMES = {
    "oauth2_provider": _("单点登录（OpenID Connect）"),
    "django_tasks_database": _("后台任务队列"),
    "axes": _("登录防护"),
}
MODEL_NAMES = {
    "oauth2_provider.application": _("接入应用"),
    "oauth2_provider.accesstoken": _("访问令牌"),
    "oauth2_provider.refreshtoken": _("刷新令牌"),
    "oauth2_provider.grant": _("授权码"),
    "oauth2_provider.idtoken": _("身份令牌"),
    "oauth2_provider.devicegrant": _("设备授权"),
    "axes.accessattempt": _("登录失败记录"),
    "axes.accessfailurelog": _("登录失败日志"),
    "axes.accessattemptexpiration": _("登录锁定到期"),
    "axes.accesslog": _("登录日志"),
}


def name_third_party_apps() -> None:
    for label, name in APP_NAMES.items():
        if label in apps.app_configs:
            apps.get_app_config(label).verbose_name = name
    # Only the display names: migrations read a model's original Meta, so no migration sees a change.
    for model, name in MODEL_NAMES.items():
        app_label, model_name = model.split(".")
        if found := apps.all_models.get(app_label, {}).get(model_name):
            found._meta.verbose_name = found._meta.verbose_name_plural = name
