"""Coordination rows in the admin are for looking up; they change only through coordination.services."""

from django.contrib import admin

from yiwang.core.admin import ReadOnlyAdmin

from .models import ClaimNotice, DecisionNotice, DualNotification, Subscription


class ClaimNoticeInline(admin.TabularInline):
    model = ClaimNotice
    fields = ("department", "item", "activities", "due_on", "warning", "claimed_at", "claimed_by")
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DualNotification)
class DualNotificationAdmin(ReadOnlyAdmin):
    list_display = ("licence_number", "entity", "created_at")
    search_fields = ("licence_number", "entity__name", "entity__uscc")
    inlines = [ClaimNoticeInline]


@admin.register(ClaimNotice)
class ClaimNoticeAdmin(ReadOnlyAdmin):
    list_display = ("entity", "department", "item", "issued_on", "due_on", "warning", "claimed_at")
    list_filter = ("warning", "department__kind")
    search_fields = ("entity__name", "entity__uscc")
    list_select_related = ("entity", "department__region", "item")


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    list_display = ("department", "item", "active", "created_at")
    list_filter = ("active", "department__kind")


@admin.register(DecisionNotice)
class DecisionNoticeAdmin(ReadOnlyAdmin):
    list_display = ("case", "department", "granted", "decided_at")
    list_filter = ("granted", "department__kind")
    list_select_related = ("case", "department__region")
