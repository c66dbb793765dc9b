"""Bundles (一件事), topics, construction stages, 双告知 rules and licence types."""

from django.contrib import admin

from ..models import (
    Bundle,
    BundleItem,
    ConstructionStage,
    DualNotificationRule,
    LicenceType,
    Topic,
)
from ..services import (
    bundle_delete,
    bundle_save,
)
from .base import ReferenceAdmin, ServiceDeletes, ServiceWriteAdmin, kept_rows


class BundleItemInline(admin.TabularInline):
    model = BundleItem
    extra = 1
    fields = ("position", "item")
    autocomplete_fields = ("item",)


@admin.register(Bundle)
class BundleAdmin(ServiceWriteAdmin, ServiceDeletes):
    list_display = ("code", "name", "audience", "popular")
    list_filter = ("audience", "popular")
    search_fields = ("code", "name", "keywords")
    fields = ("code", "name", "name_en", "audience", "promise", "description", "keywords", "keywords_en", "popular")
    inlines = [BundleItemInline]

    def get_readonly_fields(self, request, obj=None):
        # bundle_save finds the bundle by its code: a changed code would make a second bundle.
        return ("code",) if obj is not None else ()

    def save_model(self, request, obj, form, change):
        """Nothing here: bundle_save writes the bundle and its items together in save_related."""

    def save_related(self, request, form, formsets, change):
        rows = kept_rows(formsets)
        obj = form.instance
        bundle = bundle_save(
            actor=request.user,
            code=obj.code,
            name=obj.name,
            audience=obj.audience,
            promise=obj.promise,
            description=obj.description,
            keywords=obj.keywords,
            keywords_en=obj.keywords_en,
            name_en=obj.name_en,
            popular=obj.popular,
            items=[row["item"] for row in sorted(rows, key=lambda r: r["position"])],
        )
        obj.pk, obj._state.adding = bundle.pk, False

    def delete_with_service(self, request, obj):
        bundle_delete(actor=request.user, bundle=obj)


@admin.register(Topic)
class TopicAdmin(ReferenceAdmin):
    list_display = ("code", "name", "audience", "position")
    list_filter = ("audience",)
    search_fields = ("code", "name")
    autocomplete_fields = ("items",)


@admin.register(ConstructionStage)
class ConstructionStageAdmin(ReferenceAdmin):
    list_display = ("position", "name")
    search_fields = ("name",)
    autocomplete_fields = ("items",)


@admin.register(DualNotificationRule)
class DualNotificationRuleAdmin(ReferenceAdmin):
    list_display = ("activity", "item", "department_kind")
    list_filter = ("department_kind",)
    search_fields = ("activity", "item__code", "item__name")
    list_select_related = ("item",)
    autocomplete_fields = ("item",)


@admin.register(LicenceType)
class LicenceTypeAdmin(ReferenceAdmin):
    list_display = ("code", "name", "validity_years")
    search_fields = ("code", "name")
