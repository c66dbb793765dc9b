"""Maintaining indicator systems (维度、指标、权重) in the admin; rounds and scores are looked at here, written only
by evaluation.services. A system some round has begun scoring under is read-only: its scores were given against
those weights."""

from django.contrib import admin
from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from yiwang.core.admin import ReadOnlyAdmin

from .models import Dimension, EvaluationRound, EvaluationSystem, Indicator, RoundSubject, Score


def _system_of(obj):
    if isinstance(obj, EvaluationSystem):
        return obj
    if isinstance(obj, Dimension):
        return obj.system
    if isinstance(obj, Indicator):
        return obj.dimension.system
    return None


class UnlessInUse:
    """Change and delete only while no round of the system has begun scoring."""

    def _editable(self, obj) -> bool:
        system = _system_of(obj)
        return system is None or system.pk is None or not system.in_use

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._editable(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._editable(obj)

    def has_add_permission(self, request, obj=None):
        args = (request, obj) if isinstance(self, admin.options.InlineModelAdmin) else (request,)
        return super().has_add_permission(*args) and self._editable(obj)


class DimensionInline(UnlessInUse, admin.TabularInline):
    model = Dimension
    fields = ("position", "name", "weight", "description")
    extra = 0
    show_change_link = True


class IndicatorInline(UnlessInUse, admin.StackedInline):
    model = Indicator
    fields = (("position", "name", "weight"), ("method", "source", "max_score", "evidence_required"), "guidance")
    extra = 0


@admin.register(EvaluationSystem)
class EvaluationSystemAdmin(UnlessInUse, admin.ModelAdmin):
    list_display = ("name", "code", "dimension_count", "full_marks")
    search_fields = ("name", "code")
    inlines = [DimensionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_dimensions=Count("dimensions"), full=Sum("dimensions__weight"))

    @admin.display(description=_("维度数"))
    def dimension_count(self, obj):
        return obj.n_dimensions

    @admin.display(description=_("满分"))
    def full_marks(self, obj):
        return obj.full


@admin.register(Dimension)
class DimensionAdmin(UnlessInUse, admin.ModelAdmin):
    list_display = ("name", "system", "position", "weight")
    list_filter = ("system",)
    list_select_related = ("system",)
    inlines = [IndicatorInline]


@admin.register(Indicator)
class IndicatorAdmin(UnlessInUse, admin.ModelAdmin):
    list_display = ("name", "dimension", "weight", "method", "source", "max_score", "evidence_required")
    list_filter = ("dimension__system", "method", "evidence_required")
    list_select_related = ("dimension__system",)
    search_fields = ("name",)


class RoundSubjectInline(admin.TabularInline):
    model = RoundSubject
    fields = ("department", "district", "total", "rank")
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EvaluationRound)
class EvaluationRoundAdmin(ReadOnlyAdmin):
    list_display = ("name", "system", "region", "period", "status", "created_at", "closed_at")
    list_filter = ("status", "system")
    list_select_related = ("system", "region")
    inlines = [RoundSubjectInline]


@admin.register(Score)
class ScoreAdmin(ReadOnlyAdmin):
    list_display = ("subject", "indicator", "evaluator", "value", "updated_at")
    list_select_related = ("subject__department__region", "subject__district", "indicator", "evaluator")
