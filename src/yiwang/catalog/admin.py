"""The catalog's maintenance screens (管理后台).

Every write goes through a catalog service, so the admin's own save and delete are replaced by service
calls, and a refusal (a prerequisite cycle, a published version) reaches the user as an error message
instead of a 500. The reference tables (implementations, licence types, topics …) use reference_save and
reference_delete, which validate, save and audit in one transaction.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yiwang.core.admin import ReadOnlyAdmin
from yiwang.core.errors import DomainError

from .models import (
    Bundle,
    BundleItem,
    ConstructionStage,
    DevolutionFinding,
    DualNotificationRule,
    ItemImplementation,
    ItemVersion,
    LicenceType,
    MaterialSpec,
    Referral,
    ServiceItem,
    Synonym,
    Topic,
)
from .services import (
    ITEM_FIELDS,
    MATERIAL_FIELDS,
    SIGN_OFF_FIELDS,
    VERSION_FIELDS,
    bundle_delete,
    bundle_save,
    devolution_recheck,
    item_create,
    item_update,
    item_version_discard,
    item_version_draft,
    item_version_publish,
    item_version_update,
    reference_delete,
    reference_save,
)


def _refusal(exc: DomainError, model) -> str:
    """A refused service call as one line: its message, then each field it names by its Chinese name."""
    names = {f.name: str(f.verbose_name) for f in model._meta.get_fields() if hasattr(f, "verbose_name")}
    details = [f"{names.get(name, name)}：{'；'.join(msgs)}" for name, msgs in exc.fields.items()]
    return "；".join([exc.message, *details])


class ServiceWriteAdmin(admin.ModelAdmin):
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The admin's change view runs in one transaction, so a refusal raised from the service rolls back
        # everything the request did before it is turned into a message.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as exc:
            self.message_user(request, _refusal(exc, self.model), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def construct_change_message(self, request, form, formsets, add=False):
        # The inline rows were written by the service, not by formset.save(), which is what the admin's
        # history reads them from; the history notes the form's own changes.
        return super().construct_change_message(request, form, [], add)


class ServiceDeletes(admin.ModelAdmin):
    """Deletes, one or "delete selected", go through the model's delete service, all in one transaction."""

    def delete_with_service(self, request, obj):
        raise NotImplementedError

    def delete_model(self, request, obj):
        self.delete_with_service(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self.delete_with_service(request, obj)


class ReferenceAdmin(ServiceWriteAdmin, ServiceDeletes):
    """Reference tables: saved by reference_save; their many-to-many lists follow in the admin's transaction."""

    def save_model(self, request, obj, form, change):
        reference_save(actor=request.user, obj=obj, changed=form.changed_data)

    def delete_with_service(self, request, obj):
        reference_delete(actor=request.user, obj=obj)


def _open_drafts(modeladmin, request, items) -> None:
    for item in items:
        try:
            draft = item_version_draft(actor=request.user, item=item)
        except DomainError as exc:
            modeladmin.message_user(request, f"{item.code}：{_refusal(exc, ItemVersion)}", messages.ERROR)
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
        rows = [
            f.cleaned_data
            for formset in formsets
            for f in formset.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
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
                self.message_user(request, f"{label}：{_refusal(exc, ItemVersion)}", messages.ERROR)
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
        rows = [
            f.cleaned_data
            for formset in formsets
            for f in formset.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
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


@admin.register(Synonym)
class SynonymAdmin(ReferenceAdmin):
    list_display = ("term", "expansions")
    search_fields = ("term", "expansions")


@admin.register(Referral)
class ReferralAdmin(ReferenceAdmin):
    list_display = ("code", "need", "where", "phone")
    search_fields = ("code", "need", "keywords", "where")
