from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from . import events
from .errors import DomainError
from .models import AuditEntry, CalendarYear, ConsumerFailure, Event, WorkdayOverride


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


@admin.register(ConsumerFailure)
class ConsumerFailureAdmin(ReadOnlyAdmin):
    """Consumers that failed on an event; filter by 已放弃 for dead letters and retry them once the cause is fixed."""

    list_display = (
        "event_type",
        "event_id",
        "consumer",
        "attempts",
        "last_error",
        "first_failed_at",
        "next_attempt_at",
        "dead",
        "dead_at",
    )
    list_filter = ("dead", "consumer", "event__type")
    search_fields = ("event__id", "consumer")
    list_select_related = ("event",)
    actions = ["retry_now"]

    @admin.display(description=_("事件类型"), ordering="event__type")
    def event_type(self, obj):
        return obj.event.type

    @admin.action(description=_("立即重试"))
    def retry_now(self, request, queryset):
        applied = failed = 0
        for failure in queryset:
            try:
                if events.consumer_failure_retry(actor=request.user, failure=failure):
                    applied += 1
                else:
                    failed += 1
            except DomainError as exc:
                messages.error(request, f"{failure}：{exc.message}")
        if applied:
            messages.success(request, _("已重试成功 %(n)d 条") % {"n": applied})
        if failed:
            messages.warning(request, _("%(n)d 条重试仍失败，已按退避时间重新排期") % {"n": failed})


class DepartmentKindFilter(admin.AllValuesFieldListFilter):
    """A department kind is a code (SAMR); the filter shows its department's name (市场监督管理局) instead."""

    def choices(self, changelist):
        from yiwang.org.models import Department

        names = dict(Department.objects.order_by("-region__level").values_list("kind", "name"))
        for choice in super().choices(changelist):
            if choice["display"] in names:
                choice = {**choice, "display": names[choice["display"]]}
            yield choice


# Every list filtered by department kind, in every app (department__kind, an item's department_kind).
admin.FieldListFilter.register(
    lambda field: (
        field.name == "department_kind" or (field.name == "kind" and field.model._meta.label == "org.Department")
    ),
    DepartmentKindFilter,
    take_priority=True,
)
