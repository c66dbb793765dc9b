from django.contrib import admin

from .models import Department, Region, ServiceCenter, StaffRole, Window


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
