from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class WarningLevel(models.TextChoices):
    GREEN = "green", _("绿色·正常")
    YELLOW = "yellow", _("黄色·预警")
    RED = "red", _("红色·超期")


class DualNotification(models.Model):
    """双告知 of one business licence: what its holder was told and which departments must claim it."""

    # The licence's public number: one notification per licence, whatever the event is redelivered.
    licence_number = models.CharField(_("营业执照编号"), max_length=40, unique=True)
    entity = models.ForeignKey(
        "accounts.Entity", verbose_name=_("市场主体"), on_delete=models.PROTECT, related_name="dual_notifications"
    )
    # The permits still needed as told to the applicant:
    # [{"activities": [...], "item": code, "item_name", "guide_url", "apply_url", "bundles": [{"name", "url"}]}]
    permits = models.JSONField(_("需办理的许可"), default=list)
    created_at = models.DateTimeField(_("告知时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("双告知")
        verbose_name_plural = _("双告知")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.licence_number} {self.entity}"


class ClaimNotice(models.Model):
    """A responsible department's notice to claim (认领) a newly licensed entity for supervision."""

    notification = models.ForeignKey(
        DualNotification, verbose_name=_("双告知"), on_delete=models.CASCADE, related_name="notices"
    )
    # Repeated from the notification so the department's lists filter and join on one table.
    entity = models.ForeignKey(
        "accounts.Entity", verbose_name=_("市场主体"), on_delete=models.PROTECT, related_name="claim_notices"
    )
    department = models.ForeignKey(
        "org.Department", verbose_name=_("告知部门"), on_delete=models.PROTECT, related_name="claim_notices"
    )
    item = models.ForeignKey("catalog.ServiceItem", verbose_name=_("后置许可事项"), on_delete=models.PROTECT)
    # The business-scope activities that called for this permit (餐饮服务, 食品销售 → one food permit).
    activities = models.JSONField(_("经营范围项目"), default=list)
    issued_on = models.DateField(_("告知日期"))
    due_on = models.DateField(_("认领期限"))
    # The deadline runs into a year whose holidays are not published yet.
    due_provisional = models.BooleanField(_("期限为临时计算"), default=False)
    warning = models.CharField(_("预警"), max_length=6, choices=WarningLevel.choices, default=WarningLevel.GREEN)
    claimed_at = models.DateTimeField(_("认领时间"), null=True, blank=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("认领人"), null=True, blank=True, on_delete=models.PROTECT
    )

    scope_region = "department__region"
    scope_department = "department"

    class Meta:
        verbose_name = _("认领通知")
        verbose_name_plural = _("认领通知")
        ordering = ["claimed_at", "due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["notification", "department", "item"], name="claim_notice_unique")
        ]
        indexes = [models.Index(fields=["claimed_at", "due_on"], name="claim_notice_open")]

    def __str__(self):
        return f"{self.entity} → {self.department}"

    @property
    def claimed(self) -> bool:
        return self.claimed_at is not None


class Subscription(models.Model):
    """审管联动: a supervising department asks to hear every decision on an item."""

    department = models.ForeignKey(
        "org.Department", verbose_name=_("监管部门"), on_delete=models.PROTECT, related_name="decision_subscriptions"
    )
    item = models.ForeignKey("catalog.ServiceItem", verbose_name=_("事项"), on_delete=models.PROTECT)
    active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(_("订阅时间"), auto_now_add=True)

    scope_region = "department__region"
    scope_department = "department"

    class Meta:
        verbose_name = _("审管联动订阅")
        verbose_name_plural = _("审管联动订阅")
        ordering = ["department", "item"]
        constraints = [models.UniqueConstraint(fields=["department", "item"], name="subscription_unique")]

    def __str__(self):
        return f"{self.department} ← {self.item}"


class DecisionNotice(models.Model):
    """One approval decision pushed to one subscribed supervising department."""

    subscription = models.ForeignKey(
        Subscription, verbose_name=_("订阅"), on_delete=models.PROTECT, related_name="notices"
    )
    # Repeated from the subscription so restrict() reaches the department in one join.
    department = models.ForeignKey("org.Department", verbose_name=_("监管部门"), on_delete=models.PROTECT)
    case = models.ForeignKey("cases.Case", verbose_name=_("办件"), on_delete=models.PROTECT)
    granted = models.BooleanField(_("准予许可"))
    decided_at = models.DateTimeField(_("决定时间"))
    created_at = models.DateTimeField(_("推送时间"), auto_now_add=True)

    scope_region = "department__region"
    scope_department = "department"

    class Meta:
        verbose_name = _("审批结果推送")
        verbose_name_plural = _("审批结果推送")
        ordering = ["-decided_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["subscription", "case"], name="decision_notice_unique")]

    def __str__(self):
        return f"{self.case} → {self.department}"
