"""The admin screen for OpenID Connect and OAuth2 clients (django-oauth-toolkit's Application).

Named by OAUTH2_PROVIDER["APPLICATION_ADMIN_CLASS"], so the package registers it in place of its own. A client
receives any staff member's identity and roles once that member clicks through, so only platform administrators
(superusers) register or change one, whatever model permissions a department's administrator was given.
"""

from django.utils.translation import gettext_lazy as _
from oauth2_provider.admin import ApplicationAdmin as PackageApplicationAdmin
from oauth2_provider.models import Application

# Department systems log staff in (authorization code, with PKCE) and read the sharing API (client credentials).
# The password grant hands a client the user's password and the implicit and hybrid grants put tokens in a URL
# (RFC 9700 §2.1.2, §2.4); the device flow has no use here.
ALLOWED_GRANT_TYPES = (Application.GRANT_AUTHORIZATION_CODE, Application.GRANT_CLIENT_CREDENTIALS)


class ApplicationForm(PackageApplicationAdmin.form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("authorization_grant_type")
        if field is not None:
            field.choices = [(value, label) for value, label in field.choices if value in ALLOWED_GRANT_TYPES]

    def clean(self):
        cleaned = super().clean()
        grant = cleaned.get("authorization_grant_type")
        if grant and grant not in ALLOWED_GRANT_TYPES:
            self.add_error("authorization_grant_type", _("只允许授权码模式或客户端凭证模式"))
        if (
            grant == Application.GRANT_CLIENT_CREDENTIALS
            and cleaned.get("client_type") != Application.CLIENT_CONFIDENTIAL
        ):
            self.add_error("client_type", _("客户端凭证模式只用于能保管密钥的机密客户端"))
        return cleaned


class ApplicationAdmin(PackageApplicationAdmin):
    form = ApplicationForm

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser
