from django.contrib import admin

from .models import Department, Region, ServiceCenter, StaffRole, Window


class DepartmentKindFilter(admin.AllValuesFieldListFilter):
    """A department kind is a code (SAMR); the filter shows its department's name (市场监督管理局) instead."""

    def choices(self, changelist):
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


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")
    autocomplete_fields = ("parent",)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "region")
    list_filter = ("kind", "region__level")
    search_fields = ("code", "name", "region__name")
    autocomplete_fields = ("region",)


class WindowInline(admin.TabularInline):
    model = Window
    extra = 0
    autocomplete_fields = ("department",)


@admin.register(ServiceCenter)
class ServiceCenterAdmin(admin.ModelAdmin):
    list_display = ("name", "region", "address", "hours")
    search_fields = ("name",)
    inlines = [WindowInline]


@admin.register(StaffRole)
class StaffRoleAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "department", "region", "active")
    list_filter = ("role", "active", "department__kind")
    search_fields = ("user__username", "user__display_name", "department__name")
    autocomplete_fields = ("user", "department", "region")
