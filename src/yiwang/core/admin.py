from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import events
from .errors import DomainError, ValidationFailed
from .holidays import holiday_schedule_import
from .models import AuditAnchor, AuditEntry, CalendarYear, ConsumerFailure, Event, WorkdayOverride


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

    list_display = ("shard", "seq", "at", "actor_label", "action", "target_type", "target_id")
    list_filter = ("action",)
    search_fields = ("actor_label", "action", "target_id")


@admin.register(AuditAnchor)
class AuditAnchorAdmin(ReadOnlyAdmin):
    """Signed checkpoints of every shard's head, written by the worker; `yiwang audit verify` checks them."""

    list_display = ("seq", "at", "root", "key_id")


@admin.register(WorkdayOverride)
class WorkdayOverrideAdmin(admin.ModelAdmin):
    list_display = ("date", "is_workday", "region", "note")
    list_filter = ("is_workday", "region")
    date_hierarchy = "date"
    autocomplete_fields = ("region",)


# A schedule file is a few hundred bytes; anything near this is not one.
HOLIDAY_FILE_MAX_BYTES = 256 * 1024


class HolidayScheduleForm(forms.Form):
    file = forms.FileField(
        label=_("节假日安排文件（YAML）"),
        help_text=_("按国务院办公厅当年通知填写：year、holidays（放假）、workdays（调休上班）"),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > HOLIDAY_FILE_MAX_BYTES:
            raise forms.ValidationError(_("文件过大，节假日安排文件应只有几 KB"))
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("文件应为 UTF-8 编码的文本")) from None


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    """A year is entered by importing its schedule file, so the year and its days arrive together."""

    list_display = ("year", "source", "entered_at")
    fieldsets = ((_("录入某年节假日安排后，请在此登记该年度，临时期限标记随之解除"), {"fields": ("year", "source")}),)
    change_list_template = "admin/core/calendaryear/change_list.html"

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name="core_calendaryear_import"), *super().get_urls()]

    def import_view(self, request):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        form = HolidayScheduleForm(request.POST or None, request.FILES or None)
        problems: list[str] = []
        if request.method == "POST" and form.is_valid():
            try:
                entered = holiday_schedule_import(actor=request.user, text=form.cleaned_data["file"])
            except ValidationFailed as exc:
                problems = [exc.message, *exc.fields.get("file", [])]
            else:
                messages.success(
                    request,
                    _("已导入 %(y)d 年节假日安排（%(s)s），此后计算的期限不再是临时的")
                    % {"y": entered.year, "s": entered.source},
                )
                return redirect("admin:core_calendaryear_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("导入节假日安排"),
            "form": form,
            "problems": problems,
        }
        return TemplateResponse(
            request, "admin/core/calendaryear/import.html", context, status=422 if request.method == "POST" else 200
        )


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
