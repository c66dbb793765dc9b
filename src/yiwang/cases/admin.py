"""Cases in the admin are for looking up, never for changing: a case moves only through its services."""

from django.contrib import admin

from yiwang.core.admin import ReadOnlyAdmin

from .models import Case, CaseLog


class CaseLogInline(admin.TabularInline):
    model = CaseLog
    fields = ("at", "actor_label", "action", "status_from", "status_to", "note")
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ("number", "item", "department", "status", "warning", "accepted_on", "due_on", "due_provisional")
    list_filter = ("status", "warning", "channel", "department__kind", "region")
    search_fields = ("number", "item__name", "applicant_entity__name", "applicant_entity__uscc")
    list_select_related = ("item", "department__region")
    date_hierarchy = "received_on"
    inlines = [CaseLogInline]
