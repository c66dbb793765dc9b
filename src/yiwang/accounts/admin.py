from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from yiwang.org.models import StaffRole

from .models import Entity, Person, User


class StaffRoleInline(admin.TabularInline):
    model = StaffRole
    extra = 0
    autocomplete_fields = ("department", "region")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "display_name", "is_staff", "is_active")
    search_fields = ("username", "display_name")
    fieldsets = (*DjangoUserAdmin.fieldsets, (_("平台信息"), {"fields": ("display_name", "phone")}))
    inlines = [StaffRoleInline]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    """Lists show the masked number; the full number is on the change form, which only admins reach."""

    list_display = ("name", "masked_id_number", "birth_date", "region")
    search_fields = ("name", "id_number")
    readonly_fields = ("birth_date",)
    autocomplete_fields = ("user", "region")

    @admin.display(description=_("居民身份证号码"))
    def masked_id_number(self, obj):
        return obj.masked_id_number


@admin.register(Entity)
class EntityAdmin(admin.ModelAdmin):
    list_display = ("name", "uscc", "legal_representative", "status", "region")
    list_filter = ("status",)
    search_fields = ("name", "uscc")
    autocomplete_fields = ("region", "agents")
