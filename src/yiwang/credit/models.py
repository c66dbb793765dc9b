"""Credit records (红名单, 经营异常名录, 严重违法失信名单) and the joint punishment / incentive rules kept as data,
with every rule hit recorded on the case it was evaluated for."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ListKind(models.TextChoices):
    RED = "red", _("红名单")
    ABNORMAL = "abnormal", _("经营异常名录")
    SERIOUS = "serious", _("严重违法失信名单")


# How an entity on each list gets off it (信用修复), as the public credit-list search tells it.
REPAIR_PATHS = {
    ListKind.RED: _("守信激励名单，不涉及信用修复；有效期届满或者出现失信行为时移出。"),
    ListKind.ABNORMAL: _(
        "纠正失信行为（如补报年度报告、更正公示信息、履行行政处罚决定）后，可随时向认定部门申请移出"
        "（《市场监督管理信用修复管理办法》）。"
    ),
    ListKind.SERIOUS: _(
        "列入满一年，且已履行行政处罚决定规定的义务、主动消除危害后果和不良影响的，可向认定部门申请提前移出"
        "（《市场监督管理严重违法失信名单管理办法》）；未提前移出的，至移出日期届满移出。"
    ),
}
# 《市场监督管理严重违法失信名单管理办法》: early removal from the serious-dishonesty list is open after one year on it.
SERIOUS_REPAIR_AFTER_YEARS = 1


class Checkpoint(models.TextChoices):
    ACCEPTANCE = "acceptance", _("受理")
    DECISION = "decision", _("审批决定")


class Effect(models.TextChoices):
    BLOCK = "block", _("禁止准予（限制办理）")
    FLAG = "flag", _("人工审核提示")
    FAST_TRACK = "fast_track", _("绿色通道（优先办理、容缺受理）")
    DENY_TOLERANCE = "deny_tolerance", _("不适用容缺受理和告知承诺")


class CreditRecordQuerySet(models.QuerySet):
    def active_on(self, day):
        """In force on that day: started, not yet ended (ends_on is the first day it no longer applies), not repaired."""
        return self.filter(starts_on__lte=day, repaired_at__isnull=True).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gt=day)
        )


class CreditRecord(models.Model):
    entity = models.ForeignKey(
        "accounts.Entity", verbose_name=_("市场主体"), on_delete=models.PROTECT, related_name="credit_records"
    )
    list_kind = models.CharField(_("名单类别"), max_length=10, choices=ListKind.choices)
    # The department that put the entity on the list; its region decides who may see the record.
    department = models.ForeignKey(
        "org.Department", verbose_name=_("认定部门"), on_delete=models.PROTECT, related_name="credit_records"
    )
    basis = models.TextField(_("认定依据"))
    reason = models.TextField(_("列入事由"))
    starts_on = models.DateField(_("列入日期"))
    # The first day the record no longer applies; empty while it runs until repaired or removed.
    ends_on = models.DateField(_("移出日期"), null=True, blank=True)
    # 信用修复: a repaired record stays on file for history but no longer counts.
    repaired_at = models.DateTimeField(_("信用修复时间"), null=True, blank=True)
    repair_reason = models.TextField(_("信用修复理由"), blank=True)
    repaired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修复经办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # What the record came from (a penalty, a court judgment …), when it came from a row of ours.
    source_type = models.ForeignKey(
        ContentType, verbose_name=_("来源类型"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_id = models.CharField(_("来源编号"), max_length=64, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    objects = CreditRecordQuerySet.as_manager()

    # Credit is shared across every department of a region (一处失信、处处受限): any reviewer of the region
    # sees its records, not only the listing department's; other regions see none.
    scope_region = "department__region"
    scope_department = None

    class Meta:
        verbose_name = _("信用记录")
        verbose_name_plural = _("信用记录")
        ordering = ["-starts_on", "-pk"]
        indexes = [
            # The check at acceptance reads one entity's records in force: entity first, then the date range.
            models.Index(fields=["entity", "starts_on"], name="credit_record_entity_idx"),
            models.Index(fields=["source_type", "source_id"], name="credit_record_source_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gt=models.F("starts_on")),
                name="credit_record_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.entity} · {self.get_list_kind_display()}"

    @property
    def repair_path(self) -> str:
        return str(REPAIR_PATHS[self.list_kind])

    @property
    def repair_from(self):
        """The first day the entity may ask for early removal; None where the list has no repair (the red list)."""
        if self.list_kind == ListKind.RED:
            return None
        if self.list_kind == ListKind.SERIOUS:
            years = self.starts_on.year + SERIOUS_REPAIR_AFTER_YEARS
            try:
                return self.starts_on.replace(year=years)
            except ValueError:  # 29 February into a common year
                return self.starts_on.replace(year=years, day=28)
        return self.starts_on

    def in_force_on(self, day) -> bool:
        """The row-level reading of CreditRecordQuerySet.active_on, for a record already in hand."""
        return self.repaired_at is None and self.starts_on <= day and (self.ends_on is None or self.ends_on > day)


class CreditRule(models.Model):
    """One joint punishment or incentive measure: which list, at which checkpoints, with what effect, on which items.

    With neither items nor item kinds chosen the rule applies to every item."""

    code = models.SlugField(_("规则编码"), max_length=40, unique=True)
    name = models.CharField(_("规则名称"), max_length=120)
    list_kind = models.CharField(_("名单类别"), max_length=10, choices=ListKind.choices)
    at_acceptance = models.BooleanField(_("受理时适用"), default=True)
    at_decision = models.BooleanField(_("决定时适用"), default=True)
    effect = models.CharField(_("措施"), max_length=20, choices=Effect.choices)
    # ServiceItem.Kind values (benefit, licensing …) the rule covers, in addition to the items listed.
    item_kinds = models.JSONField(_("适用事项类型"), default=list, blank=True)
    items = models.ManyToManyField("catalog.ServiceItem", verbose_name=_("适用事项"), blank=True, related_name="+")
    # The measure's legal source (a joint punishment memorandum, a regulation), shown with every hit.
    basis = models.TextField(_("措施依据"), blank=True)
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("联合奖惩规则")
        verbose_name_plural = _("联合奖惩规则")
        ordering = ["code"]

    def __str__(self):
        return self.name


class RuleHit(models.Model):
    """A rule that matched the applicant's credit record when the case passed a checkpoint."""

    case = models.ForeignKey("cases.Case", verbose_name=_("办件"), on_delete=models.CASCADE, related_name="credit_hits")
    rule = models.ForeignKey(CreditRule, verbose_name=_("规则"), on_delete=models.PROTECT, related_name="hits")
    record = models.ForeignKey(CreditRecord, verbose_name=_("信用记录"), on_delete=models.PROTECT, related_name="hits")
    checkpoint = models.CharField(_("环节"), max_length=12, choices=Checkpoint.choices)
    # The effect as it was when the rule hit; an admin may change the rule later.
    effect = models.CharField(_("措施"), max_length=20, choices=Effect.choices)
    reason = models.TextField(_("提示理由"))
    created_at = models.DateTimeField(_("命中时间"), auto_now_add=True)

    scope_region = "case__region"
    scope_department = ("case__department", "case__tasks__department")

    class Meta:
        verbose_name = _("规则命中记录")
        verbose_name_plural = _("规则命中记录")
        ordering = ["case", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "rule", "record", "checkpoint"], name="credit_hit_once_per_check"),
        ]

    def __str__(self):
        return f"{self.case_id} · {self.rule}"
