"""The one-window desk's own table: queue tickets (取号/叫号)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class QueueTicket(models.Model):
    class Lane(models.TextChoices):
        NORMAL = "normal", _("普通")
        PRIORITY = "priority", _("优先（老年人、残疾人、孕妇、军人等）")

    class Status(models.TextChoices):
        WAITING = "waiting", _("等候中")
        CALLED = "called", _("已叫号")
        SERVED = "served", _("已办理")
        NO_SHOW = "no_show", _("过号")

    # The letter on the printed ticket: the hall's screen and the applicant tell the lanes apart by it.
    PREFIX = {Lane.NORMAL: "A", Lane.PRIORITY: "V"}

    center = models.ForeignKey(
        "org.ServiceCenter", verbose_name=_("政务服务中心"), on_delete=models.CASCADE, related_name="tickets"
    )
    # Numbers restart every day in every hall: (center, day, lane, sequence) is the ticket's identity.
    day = models.DateField(_("取号日期"))
    sequence = models.PositiveIntegerField(_("序号"))
    number = models.CharField(_("号码"), max_length=8)
    lane = models.CharField(_("队列"), max_length=10, choices=Lane.choices, default=Lane.NORMAL)
    # Priority by the entity's credit (守信激励的绿色通道), not by the visitor's own say: the clerk sees why.
    green_channel = models.BooleanField(_("绿色通道"), default=False)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.WAITING)
    window = models.ForeignKey(
        "org.Window", verbose_name=_("窗口"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("叫号人员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("取号时间"), auto_now_add=True)
    called_at = models.DateTimeField(_("叫号时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    # The case the visit produced, when it produced one (a consultation produces none).
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("办件"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    scope_region = "center__region"
    scope_department = None

    class Meta:
        verbose_name = _("排队号")
        verbose_name_plural = _("排队号")
        ordering = ["center", "day", "issued_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["center", "day", "lane", "sequence"], name="ticket_number_per_day"),
        ]
        indexes = [models.Index(fields=["center", "day", "status"], name="ticket_queue_idx")]

    def __str__(self):
        return self.number
