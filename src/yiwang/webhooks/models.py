from django.db import models
from django.utils.translation import gettext_lazy as _


class EventType(models.TextChoices):
    """The one list of events a department system may subscribe to; consumers.py registers for each."""

    LICENCE_ISSUED = "licence.issued", _("电子证照签发")
    LICENCE_REVOKED = "licence.revoked", _("电子证照吊销/撤销")
    ENTITY_REGISTERED = "entity.registered", _("市场主体登记")
    CASE_DECIDED = "case.decided", _("办件作出决定（准予或不予）")
    CASE_GRANTED = "case.granted", _("办件准予许可")
    CLAIM_NOTICE = "claim.notice", _("双告知认领通知")
    CREDIT_RECORDED = "credit.recorded", _("信用记录登记")


class Subscription(models.Model):
    """A department system's endpoint and the events it receives there."""

    system_name = models.CharField(_("部门系统名称"), max_length=80)
    department = models.ForeignKey(
        "org.Department", verbose_name=_("所属部门"), on_delete=models.PROTECT, related_name="webhook_subscriptions"
    )
    url = models.URLField(_("推送地址"), max_length=300)
    # The HMAC key, Fernet-encrypted with a key derived from SECRET_KEY (see secrets.py): a copied
    # database alone does not let anyone forge our signatures. The plain key is shown once, when made.
    secret_encrypted = models.TextField(_("签名密钥（加密存储）"), editable=False)
    # A list of EventType values; JSON so SQLite and PostgreSQL store it alike.
    event_types = models.JSONField(_("订阅事件"), default=list)
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    scope_region = "department__region"
    scope_department = "department"

    class Meta:
        verbose_name = _("事件订阅")
        verbose_name_plural = _("事件订阅")
        ordering = ["department", "system_name"]

    def __str__(self):
        return f"{self.system_name}（{self.department}）"

    def wants(self, event_type: str) -> bool:
        return self.active and event_type in self.event_types


class Delivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("待推送")
        DELIVERED = "delivered", _("已送达")
        DEAD = "dead", _("失败（死信）")

    event = models.ForeignKey(
        "core.Event", verbose_name=_("事件"), on_delete=models.PROTECT, related_name="webhook_deliveries"
    )
    subscription = models.ForeignKey(
        Subscription, verbose_name=_("订阅"), on_delete=models.CASCADE, related_name="deliveries"
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    # Attempts since it was queued or last replayed; at WEBHOOK_MAX_ATTEMPTS a failure makes it dead.
    attempts = models.PositiveSmallIntegerField(_("已尝试次数"), default=0)
    # When a sweep may (re)send it; a sweep also pushes it ahead while sending, as a lease other workers respect.
    next_attempt_at = models.DateTimeField(_("下次推送时间"), db_index=True)
    last_status_code = models.PositiveSmallIntegerField(_("最近响应码"), null=True, blank=True)
    last_error = models.CharField(_("最近错误"), max_length=300, blank=True)
    last_attempt_at = models.DateTimeField(_("最近推送时间"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    scope_region = "subscription__department__region"
    scope_department = "subscription__department"

    class Meta:
        verbose_name = _("推送记录")
        verbose_name_plural = _("推送记录")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["event", "subscription"], name="webhook_delivery_once")]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due")]

    def __str__(self):
        return f"{self.event.type} → {self.subscription.system_name}"
