"""Publications in the admin are for looking up, and for finding the late ones (超期公示): each is written only
through publicity.services."""

from django.contrib import admin

from yiwang.core.admin import ReadOnlyAdmin

from .models import Publication


@admin.register(Publication)
class PublicationAdmin(ReadOnlyAdmin):
    list_display = (
        "decision_number",
        "kind",
        "holder_name",
        "department",
        "decided_on",
        "publish_due",
        "published_at",
        "late",
    )
    list_filter = ("late", "kind", "department__kind")
    search_fields = ("decision_number", "licence_number", "holder_name", "holder_code")
    list_select_related = ("department__region",)
    date_hierarchy = "decided_on"
