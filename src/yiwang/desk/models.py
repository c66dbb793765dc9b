"""The one-window desk's own tables: queue tickets (取号/叫号) and appointments (网上预约) that become tickets."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class QueueTicket(models.Model):
    class Lane(models.TextChoices):
        NORMAL = "normal", _("普通")
        PRIORITY = "priority", _("优先（老年人、残疾人、孕妇、军人等）")
        # Booked online and arrived within the booked time: called before walk-ins, never chosen at the kiosk.
        APPOINTMENT = "appointment", _("预约")

    class Status(models.TextChoices):
        WAITING = "waiting", _("等候中")
        CALLED = "called", _("已叫号")
        SERVED = "served", _("已办理")
        NO_SHOW = "no_show", _("过号")

    # The letter on the printed ticket: the hall's screen and the applicant tell the lanes apart by it.
    PREFIX = {Lane.NORMAL: "A", Lane.PRIORITY: "V", Lane.APPOINTMENT: "Y"}

    center = models.ForeignKey(
        "org.ServiceCenter", verbose_name=_("政务服务中心"), on_delete=models.CASCADE, related_name="tickets"
    )
    # Numbers restart every day in every hall: (center, day, lane, sequence) is the ticket's identity.
    day = models.DateField(_("取号日期"))
    sequence = models.PositiveIntegerField(_("序号"))
    number = models.CharField(_("号码"), max_length=8)
    lane = models.CharField(_("队列"), max_length=12, choices=Lane.choices, default=Lane.NORMAL)
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
        indexes = [
            models.Index(fields=["center", "day", "status"], name="ticket_queue_idx"),
            # The efficiency figures' sweep finds the visits finished since its last run every minute.
            models.Index(fields=["finished_at"], name="ticket_finished_idx"),
        ]

    def __str__(self):
        return self.number


class AppointmentPattern(models.Model):
    """One row of a hall's weekly booking timetable (每周预约排班), from which the days' slots are generated."""

    center = models.ForeignKey(
        "org.ServiceCenter", verbose_name=_("政务服务中心"), on_delete=models.CASCADE, related_name="+"
    )
    # Empty: the general windows, bookable for any item the hall handles; else only that department's items.
    department = models.ForeignKey(
        "org.Department", verbose_name=_("专业窗口所属部门"), null=True, blank=True, on_delete=models.PROTECT
    )
    # ISO weekdays the row applies on ("12345" = Monday to Friday); non-working days are skipped whatever it says.
    weekdays = models.CharField(_("适用星期"), max_length=7, default="12345", help_text=_("1—7 表示周一至周日"))
    starts = models.TimeField(_("开始时间"))
    ends = models.TimeField(_("结束时间"))
    capacity = models.PositiveSmallIntegerField(_("可预约人数"))
    active = models.BooleanField(_("启用"), default=True)

    scope_region = "center__region"
    scope_department = None

    class Meta:
        verbose_name = _("预约排班")
        verbose_name_plural = _("预约排班")
        ordering = ["center", "starts"]

    def __str__(self):
        return f"{self.center} {self.weekdays} {self.starts:%H:%M}—{self.ends:%H:%M}"


class AppointmentSlot(models.Model):
    """A bookable time at a hall on one day, with how many people it takes."""

    center = models.ForeignKey(
        "org.ServiceCenter", verbose_name=_("政务服务中心"), on_delete=models.CASCADE, related_name="slots"
    )
    department = models.ForeignKey(
        "org.Department", verbose_name=_("专业窗口所属部门"), null=True, blank=True, on_delete=models.PROTECT
    )
    day = models.DateField(_("日期"))
    starts = models.TimeField(_("开始时间"))
    ends = models.TimeField(_("结束时间"))
    capacity = models.PositiveSmallIntegerField(_("可预约人数"))
    # A closed slot takes no new bookings; the bookings already made stay valid.
    open = models.BooleanField(_("开放预约"), default=True)

    scope_region = "center__region"
    scope_department = None

    class Meta:
        verbose_name = _("预约时段")
        verbose_name_plural = _("预约时段")
        ordering = ["center", "day", "starts", "pk"]
        indexes = [models.Index(fields=["center", "day"], name="slot_center_day_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends__gt=models.F("starts")), name="slot_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.center} {self.day:%Y-%m-%d} {self.starts:%H:%M}—{self.ends:%H:%M}"

    def starts_at(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.day, self.starts))

    def ends_at(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.day, self.ends))


class Appointment(models.Model):
    """A booking of a slot for one item; at the hall its code becomes a queue ticket, once."""

    class Status(models.TextChoices):
        BOOKED = "booked", _("已预约")
        ARRIVED = "arrived", _("已取号")
        CANCELLED = "cancelled", _("已取消")

    ACTIVE = (Status.BOOKED, Status.ARRIVED)

    # What the applicant types at the kiosk: digits only, so the kiosk's keypad is enough.
    code = models.CharField(_("预约码"), max_length=12, unique=True)
    slot = models.ForeignKey(
        AppointmentSlot, verbose_name=_("预约时段"), on_delete=models.PROTECT, related_name="appointments"
    )
    # The slot's day, copied so the database itself holds one active booking per person, item and day.
    day = models.DateField(_("预约日期"))
    implementation = models.ForeignKey(
        "catalog.ItemImplementation", verbose_name=_("办理事项"), on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("预约人"), on_delete=models.PROTECT, related_name="appointments"
    )
    # The enterprise an agent books for; empty when a person books for themselves.
    entity = models.ForeignKey(
        "accounts.Entity", verbose_name=_("办事企业"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    applicant_name = models.CharField(_("办事人"), max_length=100)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.BOOKED)
    ticket = models.OneToOneField(
        QueueTicket,
        verbose_name=_("排队号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appointment",
    )
    # Arrived after the slot ended: served, but as a walk-in in the ordinary lane.
    late = models.BooleanField(_("迟到"), default=False)
    created_at = models.DateTimeField(_("预约时间"), auto_now_add=True)
    arrived_at = models.DateTimeField(_("取号时间"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)

    scope_region = "slot__center__region"
    scope_department = None

    class Meta:
        verbose_name = _("网上预约")
        verbose_name_plural = _("网上预约")
        ordering = ["day", "slot__starts", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "implementation", "day"],
                condition=models.Q(status__in=["booked", "arrived"]),
                name="one_active_appointment_per_item_and_day",
            ),
        ]

    def __str__(self):
        return self.code

    def missed(self, now=None) -> bool:
        """Booked, never arrived, and the slot is over: shown as 已过期 (no job rewrites the row)."""
        return self.status == self.Status.BOOKED and (now or timezone.now()) >= self.slot.ends_at()

    def cancellable(self, now=None) -> bool:
        return self.status == self.Status.BOOKED and (now or timezone.now()) < self.slot.starts_at()
