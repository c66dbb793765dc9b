"""Items, their versions and materials, implementations, and the devolution check's findings."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yiwang.core.admin import ReadOnlyAdmin
from yiwang.core.errors import DomainError

from ..models import (
    DevolutionFinding,
    ItemImplementation,
    ItemVersion,
    MaterialSpec,
    ServiceItem,
)
from ..services import (
    ITEM_FIELDS,
    MATERIAL_FIELDS,
    SIGN_OFF_FIELDS,
    VERSION_FIELDS,
    devolution_recheck,
    item_create,
    item_update,
    item_version_discard,
    item_version_draft,
    item_version_publish,
    item_version_update,
)
from .base import ReferenceAdmin, ServiceDeletes, ServiceWriteAdmin, kept_rows, refusal_message


def _open_drafts(modeladmin, request, items) -> None:
    for item in items:
        try:
            draft = item_version_draft(actor=request.user, item=item)
        except DomainError as exc:
            modeladmin.message_user(request, f"{item.code}：{refusal_message(exc, ItemVersion)}", messages.ERROR)
            continue
        url = reverse("admin:catalog_itemversion_change", args=[draft.pk])
        modeladmin.message_user(
            request,
            format_html(gettext('已为 {} 打开草稿 <a href="{}">v{}</a>，修改后请发布'), item.code, url, draft.number),
            messages.SUCCESS,
        )


@admin.register(ServiceItem)
class ServiceItemAdmin(ServiceWriteAdmin):
    """An item's code is fixed when it is created (一事一码); its content lives in its versions."""

    list_display = ("code", "name", "kind", "department_kind", "level", "current_version_link", "versions_link")
    list_filter = ("kind", "level", "audience", "department_kind")
    search_fields = ("code", "name")
    list_select_related = ("current_version",)
    fields = ("code", "name", "name_en", "keywords_en", "kind", "department_kind", "level", "audience")
    actions = ["open_draft"]

    def get_fields(self, request, obj=None):
        shown = ("current_version_link", "versions_link", "devolution_findings")
        return self.fields if obj is None else (*self.fields, *shown)

    def get_readonly_fields(self, request, obj=None):
        return ("code", "current_version_link", "versions_link", "devolution_findings") if obj is not None else ()

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("现行版本"), ordering="current_version__number")
    def current_version_link(self, obj):
        version = obj.current_version
        if version is None:
            return "—"
        return format_html(
            '<a href="{}">v{}</a>', reverse("admin:catalog_itemversion_change", args=[version.pk]), version.number
        )

    @admin.display(description=_("全部版本"))
    def versions_link(self, obj):
        url = reverse("admin:catalog_itemversion_changelist")
        return format_html('<a href="{}?item__id__exact={}">{}</a>', url, obj.pk, gettext("查看版本"))

    @admin.display(description=_("放权同步"))
    def devolution_findings(self, obj):
        rows = obj.devolution_findings.all()
        if not rows:
            return gettext("未发现放权不同步")
        return format_html(
            '{}<div><a href="{}?item__id__exact={}">{}</a></div>',
            format_html_join("", "<div>{}：{}</div>", ((f.get_kind_display(), f.message) for f in rows)),
            reverse("admin:catalog_devolutionfinding_changelist"),
            obj.pk,
            gettext("在放权同步检查报告中查看"),
        )

    def save_model(self, request, obj, form, change):
        if change:
            item_update(actor=request.user, item=obj, **{f: form.cleaned_data[f] for f in ITEM_FIELDS})
            return
        item = item_create(actor=request.user, **{f: form.cleaned_data[f] for f in self.fields})
        # The admin goes on to log and redirect with the object it passed in; give it the saved row's identity.
        obj.pk, obj.created_at, obj._state.adding = item.pk, item.created_at, False

    @admin.action(description=_("新建草稿"), permissions=["change"])
    def open_draft(self, request, queryset):
        _open_drafts(self, request, queryset)


class MaterialSpecInline(admin.TabularInline):
    model = MaterialSpec
    extra = 0
    fields = (
        "position",
        "name",
        "required",
        "form",
        "source",
        "licence_type",
        "shared_source",
        "tolerable",
        "commitment",
    )
    autocomplete_fields = ("licence_type",)

    def _editable(self, obj) -> bool:
        return obj is not None and not obj.is_published

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)


@admin.register(ItemVersion)
class ItemVersionAdmin(ServiceWriteAdmin, ServiceDeletes):
    """Drafts are edited here and published by the action; a published version is shown, never changed."""

    list_display = ("item", "number", "status", "promised_days", "sign_off", "online_depth", "published_at")
    list_filter = ("status", "item__kind", "item__department_kind")
    search_fields = ("item__code", "item__name")
    list_select_related = ("item",)
    autocomplete_fields = ("result_licence_type", "prerequisites")
    fields = (
        "item",
        "number",
        "status",
        *VERSION_FIELDS,
        *SIGN_OFF_FIELDS,
        "prerequisites",
        "created_by",
        "created_at",
        "published_by",
        "published_at",
    )
    inlines = [MaterialSpecInline]
    actions = ["publish", "open_draft"]

    def get_readonly_fields(self, request, obj=None):
        meta = ("item", "number", "status", "created_by", "created_at", "published_by", "published_at")
        return meta if obj is not None and not obj.is_published else self.fields

    def has_add_permission(self, request):
        return False  # a draft is opened from its item ("新建草稿"), numbered by the service

    def has_change_permission(self, request, obj=None):
        return (obj is None or not obj.is_published) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Only a draft can be thrown away; the changelist's bulk delete is checked per row by the service.
        return (obj is None or not obj.is_published) and super().has_delete_permission(request, obj)

    def delete_with_service(self, request, obj):
        item_version_discard(actor=request.user, version=obj)

    def save_model(self, request, obj, form, change):
        """Nothing here: the version and its materials are written together in save_related."""

    def save_related(self, request, form, formsets, change):
        rows = kept_rows(formsets)
        materials = [{k: row[k] for k in MATERIAL_FIELDS} for row in sorted(rows, key=lambda r: r["position"])]
        item_version_update(
            actor=request.user,
            version=form.instance,
            materials=materials,
            prerequisites=list(form.cleaned_data["prerequisites"]),
            **{f: form.cleaned_data[f] for f in (*VERSION_FIELDS, *SIGN_OFF_FIELDS)},
        )

    @admin.action(description=_("发布"), permissions=["change"])
    def publish(self, request, queryset):
        for version in queryset.select_related("item").order_by("item__code", "number"):
            label = f"{version.item.code} v{version.number}"
            if version.is_published:
                self.message_user(request, gettext("%(v)s 已发布，无需再发布") % {"v": label}, messages.WARNING)
                continue
            try:
                item_version_publish(actor=request.user, version=version)
            except DomainError as exc:
                self.message_user(request, f"{label}：{refusal_message(exc, ItemVersion)}", messages.ERROR)
            else:
                self.message_user(request, gettext("已发布 %(v)s") % {"v": label}, messages.SUCCESS)

    @admin.action(description=_("新建草稿"), permissions=["change"])
    def open_draft(self, request, queryset):
        _open_drafts(self, request, ServiceItem.objects.filter(versions__in=queryset).distinct())


@admin.register(ItemImplementation)
class ItemImplementationAdmin(ReferenceAdmin):
    list_display = ("code", "item", "department", "promised_days", "active")
    list_filter = ("active", "department__kind", "department__region")
    search_fields = ("code", "item__code", "item__name", "department__name")
    list_select_related = ("item", "department__region")
    autocomplete_fields = ("item", "department")
    readonly_fields = ("code",)


@admin.register(DevolutionFinding)
class DevolutionFindingAdmin(ReadOnlyAdmin):
    """The 放权同步 report: what the last checks found, kept current by the catalog's write services; the button
    checks the whole catalog again after changes they do not see (a department or a region moved)."""

    list_display = ("item", "kind", "message", "found_at")
    list_filter = ("kind", "item__level", "item__department_kind")
    search_fields = ("item__code", "item__name", "message")
    list_select_related = ("item",)
    change_list_template = "admin/catalog/devolutionfinding/change_list.html"

    def get_urls(self):
        recheck = self.admin_site.admin_view(self.recheck_view)
        return [path("recheck/", recheck, name="catalog_devolutionfinding_recheck"), *super().get_urls()]

    def recheck_view(self, request):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            standing = devolution_recheck(actor=request.user)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
        else:
            done = gettext("已重新检查全部已发布事项：现有 %(n)d 处放权不同步") % {"n": standing}
            self.message_user(request, done, messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:catalog_devolutionfinding_changelist"))
