from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import GridCell, GridWorker, HomeServiceConsent


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


@admin.register(HomeServiceConsent)
class HomeServiceConsentAdmin(ReadOnly):
    """Consents are recorded and revoked by the 网格员 through grid.services; the resident's number shows masked."""

    list_display = ("pk", "resident", "cell", "item", "method", "given_on", "expires_on", "revoked_at")
    list_filter = ("reason", "method")
    search_fields = ("cell__code", "person__name")
    list_select_related = ("person", "cell", "item")
    exclude = ("person",)
    readonly_fields = ("resident",)

    @admin.display(description=_("居民"))
    def resident(self, obj):
        return str(obj.person)
