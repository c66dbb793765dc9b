"""Penalties in the admin are for looking up: one is recorded only through supervision.services.penalty_record."""

from django.contrib import admin

from yiwang.core.admin import ReadOnlyAdmin

from .models import Penalty


@admin.register(Penalty)
class PenaltyAdmin(ReadOnlyAdmin):
    list_display = ("number", "entity", "department", "decided_on", "amount", "serious", "licence")
    list_filter = ("serious", "department__kind")
    search_fields = ("number", "entity__name", "entity__uscc")
    list_select_related = ("entity", "department__region", "licence")
    date_hierarchy = "decided_on"
