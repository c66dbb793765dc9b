"""Open311 keys are issued here: the secret is shown once, on the page after saving, and only its hash is kept."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from yiwang.core.admin import ReadOnlyAdmin
from yiwang.org.models import Region

from . import services
from .models import ApiKey, Submission


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("name", "prefix", "region", "active", "issued_at", "revoked_at")
    list_filter = ("active", "region")
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        return ("name", "region") if obj is None else ("name", "prefix", "region", "active", "issued_by", "issued_at")

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else ("name", "prefix", "region", "active", "issued_by", "issued_at")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "region":
            kwargs["queryset"] = Region.objects.filter(level=Region.Level.COUNTY).order_by("code")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            return
        key, secret = services.api_key_issue(
            actor=request.user, name=form.cleaned_data["name"], region=form.cleaned_data["region"]
        )
        obj.pk = key.pk
        messages.warning(request, _("接口密钥（仅显示这一次，请立即交给客户端保存）：%(s)s") % {"s": secret})

    @admin.action(description=_("停用所选密钥"))
    def revoke(self, request, queryset):
        for key in queryset:
            services.api_key_revoke(actor=request.user, key=key)


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = ("order", "api_key", "received_at")
