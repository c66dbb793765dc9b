from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry, CalendarYear, Event, WorkdayOverride


class ReadOnlyAdmin(admin.ModelAdmin):
    """For rows that only services write (cases, tasks, events, the audit chain): looked at, never edited."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """The chain is append-only and verified by `yiwang audit verify`."""

    list_display = ("seq", "at", "actor_label", "action", "target_type", "target_id")
    list_filter = ("action",)
    search_fields = ("actor_label", "action", "target_id")


@admin.register(WorkdayOverride)
class WorkdayOverrideAdmin(admin.ModelAdmin):
    list_display = ("date", "is_workday", "region", "note")
    list_filter = ("is_workday", "region")
    date_hierarchy = "date"
    autocomplete_fields = ("region",)


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ("year", "source", "entered_at")
    fieldsets = ((_("录入某年节假日安排后，请在此登记该年度，临时期限标记随之解除"), {"fields": ("year", "source")}),)


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    """The outbox, with which consumers have applied each event; read-only."""

    list_display = ("type", "id", "created_at", "consumers")
    list_filter = ("type",)
    search_fields = ("id", "type")

    @admin.display(description=_("已处理的消费者"))
    def consumers(self, obj):
        return "、".join(obj.deliveries.values_list("consumer", flat=True)) or "—"
