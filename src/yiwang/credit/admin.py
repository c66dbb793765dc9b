"""Rules are data an administrator edits here; records and hits are written only through the services."""

from django.contrib import admin

from yiwang.core.admin import ReadOnlyAdmin

from .models import CreditRecord, CreditRule, RuleHit


@admin.register(CreditRule)
class CreditRuleAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "list_kind", "effect", "at_acceptance", "at_decision", "active")
    list_filter = ("list_kind", "effect", "active")
    search_fields = ("code", "name")
    filter_horizontal = ("items",)


@admin.register(CreditRecord)
class CreditRecordAdmin(ReadOnlyAdmin):
    list_display = ("entity", "list_kind", "department", "starts_on", "ends_on", "repaired_at")
    list_filter = ("list_kind", "department__kind")
    search_fields = ("entity__name", "entity__uscc")
    list_select_related = ("entity", "department__region")
    date_hierarchy = "starts_on"


@admin.register(RuleHit)
class RuleHitAdmin(ReadOnlyAdmin):
    list_display = ("case", "rule", "checkpoint", "effect", "created_at")
    list_filter = ("checkpoint", "effect")
    search_fields = ("case__number",)
    list_select_related = ("case", "rule")
