"""The register's history and the access log are looked at, never edited. Sharing clients are registered
and changed here, through the services (the new client's secret is shown once, in the confirmation message)."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext as _

from yiwang.core.admin import ReadOnlyAdmin

from .models import AccessLog, EntityChange, SharingClient
from .services import sharing_client_register, sharing_client_update


@admin.register(EntityChange)
class EntityChangeAdmin(ReadOnlyAdmin):
    list_display = ("at", "entity", "kind", "case")
    list_filter = ("kind",)
    search_fields = ("entity__uscc", "entity__name", "case__number")
    list_select_related = ("entity", "case")


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    list_display = ("at", "client", "store", "subject", "purpose", "outcome")
    list_filter = ("outcome", "store", "client")
    search_fields = ("subject", "purpose", "client__name")
    list_select_related = ("client",)
    date_hierarchy = "at"


class SharingClientForm(forms.ModelForm):
    class Meta:
        model = SharingClient
        fields = ("name", "department", "scopes", "rate_per_minute", "active")


@admin.register(SharingClient)
class SharingClientAdmin(admin.ModelAdmin):
    form = SharingClientForm
    list_display = ("name", "department", "rate_per_minute", "active", "created_at")
    list_filter = ("active",)
    search_fields = ("name", "application__client_id")
    autocomplete_fields = ("department",)

    def get_readonly_fields(self, request, obj=None):
        return ("name", "department") if obj else ()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            sharing_client_update(
                actor=request.user,
                client=obj,
                scopes=data["scopes"],
                rate_per_minute=data["rate_per_minute"],
                active=data["active"],
            )
            return
        client, client_id, secret = sharing_client_register(
            actor=request.user,
            name=data["name"],
            department=data["department"],
            scopes=data["scopes"],
            rate_per_minute=data["rate_per_minute"],
        )
        obj.pk = client.pk
        messages.warning(
            request,
            _("客户端已登记。client_id：%(id)s；client_secret：%(secret)s（仅显示这一次，请立即妥善保存）")
            % {"id": client_id, "secret": secret},
        )
