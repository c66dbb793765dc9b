from django.contrib import admin

from .models import GridCell, GridWorker


class ReadOnly(admin.ModelAdmin):
    """Cells are drawn and workers assigned through grid.services (validated, audited); the admin only shows."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(GridCell)
class GridCellAdmin(ReadOnly):
    list_display = ("code", "name", "community", "area")
    search_fields = ("code", "name", "community__name")
    list_select_related = ("community",)


@admin.register(GridWorker)
class GridWorkerAdmin(ReadOnly):
    list_display = ("user", "cell", "active", "assigned_at")
    list_filter = ("active",)
    search_fields = ("user__username", "cell__code")
    list_select_related = ("user", "cell")
