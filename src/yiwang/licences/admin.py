"""Licences and seals in the admin are for looking up: issuing, status changes and rotation go through services."""

from django.contrib import admin

from yiwang.core.admin import ReadOnlyAdmin

from . import renewal_admin  # noqa: F401  (registers the renewal screens, which live beside the renewal module)
from .models import Licence, SealKey


@admin.register(Licence)
class LicenceAdmin(ReadOnlyAdmin):
    list_display = ("number", "licence_type", "department", "issued_on", "valid_until", "status")
    list_filter = ("status", "licence_type", "department__region")
    search_fields = ("number", "holder_entity__name", "holder_entity__uscc", "holder_person__name")
    list_select_related = ("licence_type", "department__region")
    exclude = ("signature",)


@admin.register(SealKey)
class SealKeyAdmin(ReadOnlyAdmin):
    list_display = ("department", "key_id", "valid_from", "retired_at", "revoked_at")
    list_filter = ("department__region",)
    list_select_related = ("department__region",)
    search_fields = ("key_id", "department__name")
    exclude = ("private_key_encrypted", "certificate")
