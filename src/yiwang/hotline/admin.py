"""The category tree, the knowledge base and the routing rules are maintained here; work orders are for looking up,
and change only through hotline.services."""

from django.contrib import admin

from yiwang.core.admin import ReadOnlyAdmin

from .models import Category, FaqEntry, RoutingRule, WorkOrder


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "parent", "department_kind", "active")
    list_filter = ("active", "department_kind")
    search_fields = ("code", "name")


@admin.register(FaqEntry)
class FaqEntryAdmin(admin.ModelAdmin):
    list_display = ("question", "category", "item_code", "active")
    list_filter = ("active",)
    search_fields = ("question", "keywords", "answer")


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ("category", "area_prefix", "target", "department_kind", "priority", "active")
    list_filter = ("active", "target", "department_kind")
    search_fields = ("category__name", "category__code", "area_prefix")
    list_select_related = ("category__parent",)
    autocomplete_fields = ("category",)


@admin.register(WorkOrder)
class WorkOrderAdmin(ReadOnlyAdmin):
    list_display = ("number", "kind", "category", "status", "urgency", "created_at")
    list_filter = ("status", "kind", "channel")
    search_fields = ("number", "title")
    list_select_related = ("category__parent",)
    exclude = ("caller_id_number", "query_code")
