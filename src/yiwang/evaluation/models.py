"""Third-party evaluation (第三方评估): an indicator system as data, and rounds in which evaluators score subjects.

A system has weighted dimensions, each with weighted indicators. An indicator is computed from the platform's data
(a source of sources.py, a fraction 0–1) or scored by evaluators (0 to its maximum, with evidence when required).
An indicator's points are its dimension's weight shared among the dimension's indicators by their weights, so
the dimensions' weights are the system's full marks (100 in the seeded systems).

A round evaluates departments and/or districts of one region for one period: draft → scoring (the computed values
are snapshotted when it opens) → closed (snapshotted again, totals and rankings written).
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from yiwang.core.errors import Conflict, InvalidTransition

from .sources import SOURCES, source_choices

POSITIVE = [MinValueValidator(Decimal("0.01"))]


class EvaluationSystem(models.Model):
    code = models.SlugField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=80)
    description = models.TextField(_("说明"), blank=True)
    # Where the dimensions and indicators come from (a study, a standard), cited for whoever reads the report.
    basis = models.TextField(_("依据与出处"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("评估指标体系")
        verbose_name_plural = _("评估指标体系")
        ordering = ["code"]

    def __str__(self):
        return self.name

    @property
    def in_use(self) -> bool:
        """Scoring has begun in one of its rounds: its weights and indicators stand as they were scored."""
        return self.rounds.exclude(status=EvaluationRound.Status.DRAFT).exists()

    def ensure_editable(self) -> None:
        if self.pk and self.in_use:
            raise Conflict(_("该指标体系已用于评估轮次，不可修改；请新建指标体系"))


class Dimension(models.Model):
    system = models.ForeignKey(
        EvaluationSystem, verbose_name=_("指标体系"), on_delete=models.CASCADE, related_name="dimensions"
    )
    position = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("维度"), max_length=60)
    # The dimension's share of full marks, in points.
    weight = models.DecimalField(_("权重（分值）"), max_digits=6, decimal_places=2, validators=POSITIVE)
    description = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("评估维度")
        verbose_name_plural = _("评估维度")
        ordering = ["system", "position"]
        constraints = [models.UniqueConstraint(fields=["system", "position"], name="dimension_position_unique")]

    def __str__(self):
        return f"{self.system.name} · {self.name}"

    def save(self, *args, **kwargs):
        self.system.ensure_editable()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self.system.ensure_editable()
        return super().delete(*args, **kwargs)


class Indicator(models.Model):
    class Method(models.TextChoices):
        COMPUTED = "computed", _("平台数据计算")
        SCORED = "scored", _("评估人员打分")

    dimension = models.ForeignKey(
        Dimension, verbose_name=_("维度"), on_delete=models.CASCADE, related_name="indicators"
    )
    position = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("指标"), max_length=80)
    # Relative within the dimension: the indicator's points are dimension.weight × weight ÷ Σ weights.
    weight = models.DecimalField(_("权重"), max_digits=6, decimal_places=2, validators=POSITIVE)
    method = models.CharField(_("评价方式"), max_length=10, choices=Method.choices)
    source = models.CharField(
        _("数据来源"), max_length=40, blank=True, choices=source_choices, help_text=_("平台数据计算的指标必填")
    )
    max_score = models.DecimalField(
        _("满分"), max_digits=6, decimal_places=2, null=True, blank=True, help_text=_("评估人员打分的指标必填")
    )
    guidance = models.TextField(_("评分指引"), blank=True)
    evidence_required = models.BooleanField(_("须附佐证材料"), default=False)

    class Meta:
        verbose_name = _("评估指标")
        verbose_name_plural = _("评估指标")
        ordering = ["dimension__system", "dimension__position", "position"]
        constraints = [models.UniqueConstraint(fields=["dimension", "position"], name="indicator_position_unique")]

    def __str__(self):
        return self.name

    @property
    def computed(self) -> bool:
        return self.method == self.Method.COMPUTED

    def clean(self):
        if self.computed:
            if self.source not in SOURCES:
                raise ValidationError({"source": _("平台数据计算的指标须选择数据来源")})
            if self.max_score is not None or self.evidence_required:
                raise ValidationError({"method": _("平台数据计算的指标不设满分，也不要求佐证材料")})
        else:
            if self.source:
                raise ValidationError({"source": _("评估人员打分的指标不选择数据来源")})
            if self.max_score is None or self.max_score <= 0:
                raise ValidationError({"max_score": _("评估人员打分的指标须设满分（大于 0）")})

    def save(self, *args, **kwargs):
        self.dimension.system.ensure_editable()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self.dimension.system.ensure_editable()
        return super().delete(*args, **kwargs)


class EvaluationRound(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SCORING = "scoring", _("评分中")
        CLOSED = "closed", _("已结束")

    # What each move may start from, and where it leads.
    TRANSITIONS = {"open": (Status.DRAFT, Status.SCORING), "close": (Status.SCORING, Status.CLOSED)}

    system = models.ForeignKey(
        EvaluationSystem, verbose_name=_("指标体系"), on_delete=models.PROTECT, related_name="rounds"
    )
    name = models.CharField(_("名称"), max_length=120)
    # The region that commissions the round: its subjects lie within it, and so do the reach of who may see it.
    region = models.ForeignKey("org.Region", verbose_name=_("组织区划"), on_delete=models.PROTECT, related_name="+")
    # The statistical period of the computed indicators, as insights.periods.Period writes it (2026, 2026-Q4 …).
    period = models.CharField(_("统计周期"), max_length=10)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    evaluators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("评估人员"), blank=True, related_name="evaluation_rounds"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    opened_at = models.DateTimeField(_("开始评分时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    scope_region = "region"
    scope_department = None

    class Meta:
        verbose_name = _("评估轮次")
        verbose_name_plural = _("评估轮次")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.name

    def move(self, action: str) -> None:
        source, target = self.TRANSITIONS[action]
        if self.status != source:
            raise InvalidTransition(_("评估轮次当前为「%(s)s」，不能进行此操作") % {"s": self.get_status_display()})
        self.status = target

    @property
    def scoring(self) -> bool:
        return self.status == self.Status.SCORING

    @property
    def closed(self) -> bool:
        return self.status == self.Status.CLOSED


class RoundSubject(models.Model):
    """One department or one district evaluated in a round, with its result once the round is closed."""

    round = models.ForeignKey(
        EvaluationRound, verbose_name=_("评估轮次"), on_delete=models.CASCADE, related_name="subjects"
    )
    department = models.ForeignKey(
        "org.Department", verbose_name=_("部门"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    district = models.ForeignKey(
        "org.Region", verbose_name=_("区划"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Written when the round closes: the weighted total out of full marks, the rank among subjects of the same kind,
    # and the breakdown (scoring.Result.as_dict: points per dimension and indicator, missing scores, no-data ones).
    total = models.DecimalField(_("总分"), max_digits=7, decimal_places=2, null=True, blank=True)
    rank = models.PositiveSmallIntegerField(_("排名"), null=True, blank=True)
    result = models.JSONField(_("评估结果"), default=dict, blank=True)

    class Meta:
        verbose_name = _("评估对象")
        verbose_name_plural = _("评估对象")
        ordering = ["round", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(department__isnull=True, district__isnull=False)
                | models.Q(department__isnull=False, district__isnull=True),
                name="round_subject_one_kind",
            ),
            models.UniqueConstraint(fields=["round", "department"], name="round_subject_department_unique"),
            models.UniqueConstraint(fields=["round", "district"], name="round_subject_district_unique"),
        ]

    def __str__(self):
        return str(self.department) if self.department_id else self.district.name

    @property
    def kind(self) -> str:
        return "department" if self.department_id else "district"


class ComputedValue(models.Model):
    """A computed indicator's value for one subject, as read when the round opened, and again when it closed."""

    subject = models.ForeignKey(
        RoundSubject, verbose_name=_("评估对象"), on_delete=models.CASCADE, related_name="values"
    )
    indicator = models.ForeignKey(Indicator, verbose_name=_("指标"), on_delete=models.PROTECT, related_name="+")
    # A fraction 0–1; null when the subject had nothing to measure (no case, no claim): the indicator does not apply.
    value = models.FloatField(_("计算值"), null=True, blank=True)
    computed_at = models.DateTimeField(_("计算时间"))

    class Meta:
        verbose_name = _("计算指标值")
        verbose_name_plural = _("计算指标值")
        constraints = [models.UniqueConstraint(fields=["subject", "indicator"], name="computed_value_unique")]


class Score(models.Model):
    """One evaluator's score of one scored indicator for one subject, with their comment and evidence."""

    subject = models.ForeignKey(
        RoundSubject, verbose_name=_("评估对象"), on_delete=models.CASCADE, related_name="scores"
    )
    indicator = models.ForeignKey(Indicator, verbose_name=_("指标"), on_delete=models.PROTECT, related_name="+")
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("评估人员"), on_delete=models.PROTECT, related_name="+"
    )
    value = models.DecimalField(_("得分"), max_digits=6, decimal_places=2)
    comment = models.TextField(_("评分说明"), blank=True)
    # The evidence file in the material store (core.storage), under its SM3 digest; "" for none.
    evidence_key = models.CharField(_("佐证材料"), max_length=64, blank=True)
    evidence_name = models.CharField(_("佐证材料文件名"), max_length=200, blank=True)
    evidence_type = models.CharField(max_length=60, blank=True)
    updated_at = models.DateTimeField(_("评分时间"), auto_now=True)

    scope_region = "subject__round__region"
    scope_department = None

    class Meta:
        verbose_name = _("评分")
        verbose_name_plural = _("评分")
        ordering = ["subject", "indicator__position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["subject", "indicator", "evaluator"], name="score_once_per_evaluator")
        ]

    def __str__(self):
        return f"{self.subject} · {self.indicator} · {self.value}"
