"""双公示: every administrative licence and penalty decision, as published to the public.

A publication is a copy taken when it was published: what the public was shown stays what it was, even if the
register changes later. Only the licence's status is read live, so a revoked licence shows its revocation.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

# 《国务院办公厅关于运用大数据加强对市场主体服务和监管的若干意见》（国办发〔2015〕51号）第（十八）项: "除法律法规另有规定外，
# 应将行政许可、行政处罚等信息自作出行政决定之日起7个工作日内上网公开"; restated for every level of government in
# 《国务院关于建立完善守信联合激励和失信联合惩戒制度加快推进社会诚信建设的指导意见》（国发〔2016〕33号）第（十七）项.
PUBLISH_WITHIN_WORKING_DAYS = 7
PUBLISH_BASIS = _(
    "《国务院办公厅关于运用大数据加强对市场主体服务和监管的若干意见》（国办发〔2015〕51号）："
    "行政许可、行政处罚等信息自作出行政决定之日起7个工作日内上网公开"
)


class Publication(models.Model):
    class Kind(models.TextChoices):
        LICENCE = "licence", _("行政许可")
        PENALTY = "penalty", _("行政处罚")

    class HolderKind(models.TextChoices):
        ENTITY = "entity", _("法人及非法人组织")
        PERSON = "person", _("自然人")

    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    # The licence decision's case (its number is the 决定书文号), or the penalty: exactly one, once each.
    case = models.OneToOneField(
        "cases.Case",
        verbose_name=_("办件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="publication",
    )
    penalty = models.OneToOneField(
        "supervision.Penalty",
        verbose_name=_("行政处罚"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="publication",
    )
    # The e-licence the decision issued, attached when it is issued (a moment after the grant); read live for
    # its status. For a penalty, the licence it revoked.
    licence = models.ForeignKey(
        "licences.Licence",
        verbose_name=_("证照"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="publications",
    )
    item = models.ForeignKey(
        "catalog.ServiceItem", verbose_name=_("许可事项"), null=True, blank=True, on_delete=models.PROTECT
    )
    department = models.ForeignKey(
        "org.Department", verbose_name=_("决定机关"), on_delete=models.PROTECT, related_name="publications"
    )
    decision_number = models.CharField(_("决定书文号"), max_length=60, db_index=True)
    licence_number = models.CharField(_("许可证书编号"), max_length=40, blank=True, db_index=True)
    # 许可事项 of a licence decision; 处罚类别 of a penalty.
    title = models.CharField(_("名称"), max_length=200)
    holder_kind = models.CharField(_("行政相对人类别"), max_length=10, choices=HolderKind.choices)
    # A natural person's name masked (张*三); an entity's registered name in full.
    holder_name = models.CharField(_("行政相对人名称"), max_length=120)
    # An entity's USCC in full; a natural person's identity number masked.
    holder_code = models.CharField(_("统一社会信用代码 / 证件号码"), max_length=18, db_index=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=60, blank=True)
    # 许可内容 of a licence decision; the facts and what was imposed, of a penalty.
    content = models.TextField(_("内容"), blank=True)
    legal_basis = models.TextField(_("依据"), blank=True)
    amount = models.DecimalField(_("罚款金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    decided_on = models.DateField(_("决定日期"))
    # decided_on + PUBLISH_WITHIN_WORKING_DAYS working days on the deciding department's calendar.
    publish_due = models.DateField(_("公示时限"))
    published_at = models.DateTimeField(_("公示时间"))
    # Published after publish_due: what the sweep and the admin flag for the department to answer for.
    late = models.BooleanField(_("超期公示"), default=False)
    # A penalty stops being shown when its longest publication period ends; empty: shown without an end.
    shown_until = models.DateField(_("公示截止日期"), null=True, blank=True)

    scope_region = "department__region"
    scope_department = "department"

    class Meta:
        verbose_name = _("双公示信息")
        verbose_name_plural = _("双公示信息")
        ordering = ["-decided_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="licence", case__isnull=False, penalty__isnull=True)
                | models.Q(kind="penalty", penalty__isnull=False, case__isnull=True),
                name="publication_has_its_decision",
            ),
        ]
        indexes = [
            # The public list: newest decisions first, of one kind or both.
            models.Index(fields=["-decided_on", "-id"], name="publication_newest_idx"),
            models.Index(fields=["kind", "-decided_on"], name="publication_kind_idx"),
            models.Index(fields=["department", "-decided_on"], name="publication_department_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.decision_number}"
