from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Penalty(models.Model):
    """行政处罚: a decision of an enforcing department against an entity (行政处罚法 第九条 kinds)."""

    class Kind(models.TextChoices):
        WARNING = "warning", _("警告、通报批评")
        FINE = "fine", _("罚款")
        CONFISCATION = "confiscation", _("没收违法所得、没收非法财物")
        SUSPEND = "suspend", _("责令停产停业、限制开展生产经营活动")
        LOWER_QUALIFICATION = "lower_qualification", _("暂扣许可证件、降低资质等级")
        REVOKE_LICENCE = "revoke_licence", _("吊销许可证件")

    # The decision's document number (处罚决定书文号), unique across the platform.
    number = models.CharField(_("处罚决定书文号"), max_length=60, unique=True)
    entity = models.ForeignKey(
        "accounts.Entity", verbose_name=_("当事人"), on_delete=models.PROTECT, related_name="penalties"
    )
    department = models.ForeignKey(
        "org.Department", verbose_name=_("处罚机关"), on_delete=models.PROTECT, related_name="penalties"
    )
    facts = models.TextField(_("违法事实"))
    legal_basis = models.TextField(_("处罚依据"))
    # A list of Kind values: one decision may combine a fine with revoking a licence.
    kinds = models.JSONField(_("处罚种类"), default=list)
    amount = models.DecimalField(_("罚款金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    decided_on = models.DateField(_("决定日期"))
    # 情节严重: puts the entity on the serious-dishonesty list even without a revocation.
    serious = models.BooleanField(_("情节严重"), default=False)
    licence = models.ForeignKey(
        "licences.Licence",
        verbose_name=_("吊销的证照"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="penalties",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, blank=True, on_delete=models.PROTECT
    )
    recorded_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    scope_region = "department__region"
    scope_department = "department"

    class Meta:
        verbose_name = _("行政处罚")
        verbose_name_plural = _("行政处罚")
        ordering = ["-decided_on", "-pk"]

    def __str__(self):
        return f"{self.number} {self.entity}"

    @property
    def kind_labels(self) -> list[str]:
        return [str(self.Kind(k).label) for k in self.kinds if k in self.Kind.values]
