from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from yiwang.org.models import StaffRole

from .models import ApiToken, Entity, EntityAgent, Person, User
from .tokens import token_revoke


class StaffRoleInline(admin.TabularInline):
    model = StaffRole
    extra = 0
    autocomplete_fields = ("department", "region")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "display_name", "identity_level", "is_staff", "is_active")
    list_filter = ("identity_level", "is_staff", "is_active")
    search_fields = ("username", "display_name", "phone")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("平台信息"), {"fields": ("display_name", "phone", "identity_level")}),
    )
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


class EntityAgentInline(admin.TabularInline):
    model = EntityAgent
    fk_name = "entity"
    extra = 0
    autocomplete_fields = ("user", "granted_by")


@admin.register(Entity)
class EntityAdmin(admin.ModelAdmin):
    list_display = ("name", "uscc", "legal_representative", "status", "region")
    list_filter = ("status",)
    search_fields = ("name", "uscc")
    autocomplete_fields = ("region",)
    inlines = [EntityAgentInline]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are minted by `yiwang token create` (the secret is shown once); here they are seen and revoked."""

    list_display = ("prefix", "name", "user", "scopes", "created_at", "expires_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at", "expires_at")
    search_fields = ("prefix", "name", "user__username")
    fields = ("prefix", "name", "user", "scopes", "created_at", "expires_at", "last_used_at", "revoked_at")
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("吊销所选令牌"))
    def revoke(self, request, queryset):
        for token in queryset.filter(revoked_at__isnull=True):
            token_revoke(actor=request.user, prefix=token.prefix)
        self.message_user(request, _("已吊销"))
