from django.contrib import admin

from yiwang.core.admin import ReadOnlyAdmin

from .models import Rating, Rectification


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin):
    list_display = ("case", "score", "channel", "created_at")
    list_filter = ("score", "channel")
    search_fields = ("case__number",)
    list_select_related = ("case",)


@admin.register(Rectification)
class RectificationAdmin(ReadOnlyAdmin):
    list_display = ("rating", "department", "due_on", "answered_at")
    list_filter = ("department__kind",)
    list_select_related = ("rating__case", "department__region")
