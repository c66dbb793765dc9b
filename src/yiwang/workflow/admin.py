"""Process definitions in the admin: a new version is written from a short text, validated by the service.

A definition that cases may have pinned is never edited in place, so the change page only shows it; to
change a process, add a new version. One line per stage:
    环节名称 | 方式 | 牵头部门编码 天数 | 协办部门编码 天数 | …
where 方式 is 单部门, 会签 or 征求意见, e.g.
    材料审查与现场核查 | 会签 | 440105-SAMR 4 | 440105-URBAN 3
"""

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yiwang.core.admin import ReadOnlyAdmin
from yiwang.core.errors import DomainError
from yiwang.org.models import Department

from .models import ProcessDefinition, Stage, Task
from .services import process_define

MODES = {"单部门": Stage.Mode.SINGLE, "会签": Stage.Mode.COUNTERSIGN, "征求意见": Stage.Mode.CONSULT}


def parse_stages(text: str) -> list[dict]:
    """The admin's stage lines as process_define's stage dicts; a bad line raises ValidationError naming it."""
    stages = []
    for number, line in enumerate((ln for ln in text.splitlines() if ln.strip()), start=1):
        parts = [p.strip() for p in line.split("|")]
        if len(parts) < 3 or parts[1] not in MODES:
            raise forms.ValidationError(
                gettext("第 %(n)d 行：格式应为「名称 | 单部门/会签/征求意见 | 部门编码 天数 …」") % {"n": number}
            )
        refs = []
        for ref in parts[2:]:
            try:
                code, days = ref.split()
                refs.append((Department.objects.get(code=code), int(days)))
            except (ValueError, Department.DoesNotExist):
                raise forms.ValidationError(
                    gettext("第 %(n)d 行：「%(ref)s」应为已有部门编码和天数") % {"n": number, "ref": ref}
                ) from None
        (lead, lead_days), *participants = refs
        stages.append(
            {
                "name": parts[0],
                "mode": MODES[parts[1]],
                "lead_department": lead,
                "days": lead_days,
                "participants": participants,
            }
        )
    return stages


class ProcessDefinitionForm(forms.ModelForm):
    stages_text = forms.CharField(
        label=_("环节（每行一个）"),
        widget=forms.Textarea(attrs={"rows": 6, "cols": 90}),
        help_text=_("名称 | 单部门/会签/征求意见 | 牵头部门编码 天数 | 协办部门编码 天数 …"),
    )

    class Meta:
        model = ProcessDefinition
        fields = ("implementation", "handling", "note")

    def clean_stages_text(self):
        return parse_stages(self.cleaned_data["stages_text"])


class StageInline(admin.TabularInline):
    model = Stage
    fields = ("position", "name", "mode", "lead_department", "days", "participants_list")
    readonly_fields = fields
    extra = 0
    can_delete = False

    @admin.display(description=_("协办部门（时限）"))
    def participants_list(self, obj):
        return "、".join(f"{p.department}（{p.days}）" for p in obj.participants.select_related("department__region"))

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ProcessDefinition)
class ProcessDefinitionAdmin(admin.ModelAdmin):
    list_display = ("implementation", "number", "handling", "note", "created_at")
    search_fields = ("implementation__code", "implementation__item__name", "note")
    autocomplete_fields = ("implementation",)
    inlines = [StageInline]

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []  # a new version's stages come from the text field

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ProcessDefinitionForm
        return super().get_form(request, obj, change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return ("implementation", "number", "handling", "note", "created_at") if obj else ()

    def get_fields(self, request, obj=None):
        if obj:
            return ("implementation", "number", "handling", "note", "created_at")
        return ("implementation", "handling", "note", "stages_text")

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        definition = process_define(
            actor=request.user,
            implementation=form.cleaned_data["implementation"],
            stages=form.cleaned_data["stages_text"],
            note=form.cleaned_data["note"],
            handling=form.cleaned_data["handling"],
        )
        obj.pk, obj.number, obj._state.adding = definition.pk, definition.number, False

    def save_related(self, request, form, formsets, change):
        """The service wrote the stages; nothing else to save."""

    def add_view(self, request, form_url="", extra_context=None):
        try:
            return super().add_view(request, form_url, extra_context)
        except DomainError as exc:
            details = "；".join(m for msgs in exc.fields.values() for m in msgs)
            self.message_user(request, f"{exc.message}：{details}" if details else exc.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    """Tasks move only through the workbench's services."""

    list_display = ("case", "department", "role", "status", "due_on", "warning")
    list_filter = ("status", "role", "warning", "department__kind")
    search_fields = ("case__number",)
    list_select_related = ("case", "department__region")
