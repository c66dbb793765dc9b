"""The category tree, the knowledge base and the routing rules are maintained here; work orders are for looking up,
and change only through hotline.services. The tree also goes out to Excel and comes back from it
(hotline.categories_excel)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

from yiwang.core.admin import ReadOnlyAdmin
from yiwang.core.excel import XLSX_TYPE

from .categories_excel import CategoryImportFailed, categories_export, categories_import, require_category_admin
from .models import Category, FaqEntry, RoutingRule, WorkOrder

# The tree is a few hundred rows at most; anything far larger is not a category sheet.
CATEGORY_FILE_MAX_BYTES = 2 * 1024 * 1024


class CategoryWorkbookForm(forms.Form):
    file = forms.FileField(label=_("工单分类工作簿（.xlsx）"), help_text=_("先导出现有分类，在其中修改后导入"))
    dry_run = forms.BooleanField(label=_("只校验，不写入"), required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > CATEGORY_FILE_MAX_BYTES:
            raise forms.ValidationError(_("文件过大：工单分类工作簿不应超过 2 MB"))
        return upload


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "parent", "department_kind", "active")
    list_filter = ("active", "department_kind")
    search_fields = ("code", "name")
    change_list_template = "admin/hotline/category/change_list.html"

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("excel/export/", wrap(self.export_view), name="hotline_category_export"),
            path("excel/import/", wrap(self.import_view), name="hotline_category_import"),
            *super().get_urls(),
        ]

    def _require_maintainer(self, request) -> None:
        if not self.has_change_permission(request):
            raise PermissionDenied
        require_category_admin(request.user)

    def export_view(self, request):
        self._require_maintainer(request)
        response = HttpResponse(content_type=XLSX_TYPE)
        response["Content-Disposition"] = content_disposition_header(True, "工单分类.xlsx")
        categories_export(file=response)
        return response

    def import_view(self, request):
        self._require_maintainer(request)
        form = CategoryWorkbookForm(request.POST or None, request.FILES or None)
        failure = None
        if request.method == "POST" and form.is_valid():
            dry_run = form.cleaned_data["dry_run"]
            try:
                summary = categories_import(actor=request.user, file=form.cleaned_data["file"], dry_run=dry_run)
            except CategoryImportFailed as exc:
                failure = exc
            else:
                prefix = _("校验通过（未写入）：") if dry_run else _("导入完成：")
                messages.success(request, f"{prefix}{summary}")
                return redirect("admin:hotline_category_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("从 Excel 导入工单分类"),
            "form": form,
            "failure": failure,
        }
        status = 422 if request.method == "POST" else 200
        return TemplateResponse(request, "admin/hotline/category/import.html", context, status=status)


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
