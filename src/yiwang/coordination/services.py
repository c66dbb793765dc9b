"""Dual notification (双告知) with its claims and their clock, and decisions pushed to supervising departments.

A new business licence whose scope names an activity of the dual-notification table tells the holder which
permits it still needs, and tells each responsible department to claim (认领) the entity within
CLAIM_DAYS working days. An unclaimed notice turns yellow and red on the case clock's rule, and a red one
reaches the region's supervisors.
"""

import datetime as dt
import logging
from collections import defaultdict

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.accounts.models import User
from yiwang.cases.clock import warning_level
from yiwang.catalog.models import Bundle, DualNotificationRule, ItemImplementation, ServiceItem
from yiwang.core.audit import audit_record
from yiwang.core.calendar import WorkCalendar
from yiwang.core.errors import Conflict, NotFound
from yiwang.core.events import emit
from yiwang.core.notifications import notify
from yiwang.core.permissions import can, restrict
from yiwang.org.models import Department, StaffRole

from .models import ClaimNotice, DecisionNotice, DualNotification, Subscription, WarningLevel

log = logging.getLogger(__name__)

# 双告知: the responsible department claims the entity within five working days of the notice.
CLAIM_DAYS = 5
# Who in a department hears about its notices: the people who claim and supervise, and its head.
DEPARTMENT_LISTENERS = ("reviewer", "inspector", "admin")


def _today() -> dt.date:
    return timezone.localdate()


def responsible_department(kind: str, region) -> Department | None:
    """The department of that kind in the region, or in the nearest region above it that has one."""
    if region is None:
        return None
    return (
        Department.objects.filter(kind=kind, region__in=region.ancestors_and_self())
        .select_related("region")
        .order_by("-region__depth")
        .first()
    )


def department_staff(department: Department, roles=DEPARTMENT_LISTENERS):
    roles_held = StaffRole.objects.filter(department=department, role__in=roles, active=True)
    return User.objects.filter(pk__in=roles_held.values("user"), is_active=True).order_by("pk")


def region_supervisors(region):
    """Supervisors whose reach covers the region (the district's and the city's)."""
    roles = StaffRole.objects.filter(
        role=StaffRole.Role.SUPERVISOR, active=True, region__in=region.ancestors_and_self()
    )
    return User.objects.filter(pk__in=roles.values("user"), is_active=True).order_by("pk")


def _permit_links(item: ServiceItem, region) -> dict:
    """Where the holder applies for the item (the local implementation, else the guide) and its bundles."""
    implementation = None
    if region is not None:
        implementation = (
            ItemImplementation.objects.filter(
                item=item, active=True, department__region__in=region.ancestors_and_self()
            )
            .order_by("-department__region__depth")
            .first()
        )
    guide_url = reverse("portal:item", args=[item.code])
    return {
        "item": item.code,
        "item_name": item.name,
        "guide_url": guide_url,
        "apply_url": reverse("cases:apply", args=[implementation.code]) if implementation else guide_url,
        "bundles": [
            {"code": b.code, "name": b.name, "url": reverse("portal:bundle", args=[b.code])}
            for b in Bundle.objects.filter(items=item).order_by("code")
        ],
    }


@transaction.atomic
def dual_notify(*, actor=None, entity, licence_number: str, issued_on: dt.date | None = None):
    """Tell the holder and the responsible departments; once per licence (a repeat returns the first)."""
    existing = DualNotification.objects.filter(licence_number=licence_number).first()
    if existing is not None:
        return existing
    rules = list(DualNotificationRule.objects.filter(activity__in=entity.business_scope or []).select_related("item"))
    if not rules:
        return None
    issued_on = issued_on or _today()
    # One permit may answer several activities (餐饮服务 and 食品销售 both need the food permit).
    by_item: dict[ServiceItem, list[DualNotificationRule]] = defaultdict(list)
    for rule in sorted(rules, key=lambda r: (r.item.code, r.activity)):
        by_item[rule.item].append(rule)
    permits = [
        {"activities": [r.activity for r in item_rules], **_permit_links(item, entity.region)}
        for item, item_rules in by_item.items()
    ]
    notification = DualNotification.objects.create(licence_number=licence_number, entity=entity, permits=permits)
    cal = WorkCalendar(entity.region)
    notices = []
    for item, item_rules in by_item.items():
        for kind in sorted({r.department_kind for r in item_rules}):
            department = responsible_department(kind, entity.region)
            if department is None:
                log.warning("双告知 %s：%s 无 %s 类部门可告知", licence_number, entity.region, kind)
                continue
            due = cal.add_working_days(issued_on, CLAIM_DAYS)
            notice = ClaimNotice.objects.create(
                notification=notification,
                entity=entity,
                department=department,
                item=item,
                activities=[r.activity for r in item_rules if r.department_kind == kind],
                issued_on=issued_on,
                due_on=due.date,
                due_provisional=due.provisional,
            )
            notices.append(notice)
            emit(
                "claim_notice.issued",
                {
                    "notice_id": notice.pk,
                    "licence": licence_number,
                    "uscc": entity.uscc,
                    "department_id": department.pk,
                    "item": item.code,
                    "due_on": notice.due_on.isoformat(),
                },
            )
            for user in department_staff(department):
                notify(
                    user=user,
                    title=_("双告知：请认领 %(e)s") % {"e": entity.name},
                    body=_("经营范围含「%(a)s」，需办理「%(i)s」。请于 %(d)s 前认领，纳入监管。")
                    % {"a": "、".join(notice.activities), "i": item.name, "d": notice.due_on.isoformat()},
                    url=reverse("coordination:claims"),
                )
    body = "\n".join(
        _("%(a)s：需办理「%(i)s」") % {"a": "、".join(p["activities"]), "i": p["item_name"]} for p in permits
    )
    for user in entity.agents_in_force().filter(is_active=True):
        notify(
            user=user,
            title=_("营业执照已发放，以下经营项目还需办理许可"),
            body=body,
            url=reverse("coordination:told", args=[licence_number]),
        )
    audit_record(
        actor=actor,
        action="dual_notification.issue",
        target=notification,
        data={
            "licence": licence_number,
            "uscc": entity.uscc,
            "items": [p["item"] for p in permits],
            "departments": [n.department_id for n in notices],
        },
    )
    return notification


@transaction.atomic
def notice_claim(*, actor, notice: ClaimNotice) -> ClaimNotice:
    """The responsible department's reviewer or inspector takes the entity under supervision."""
    if not (can(actor, "inspect", notice) or can(actor, "review", notice)):
        raise NotFound()
    notice = ClaimNotice.objects.select_for_update(of=("self",)).select_related("entity").get(pk=notice.pk)
    if notice.claimed_at is not None:
        raise Conflict(_("该主体已于 %(t)s 认领") % {"t": f"{timezone.localtime(notice.claimed_at):%Y-%m-%d %H:%M}"})
    notice.claimed_at, notice.claimed_by = timezone.now(), actor
    notice.save(update_fields=["claimed_at", "claimed_by"])
    audit_record(
        actor=actor,
        action="claim_notice.claim",
        target=notice,
        data={"uscc": notice.entity.uscc, "department_id": notice.department_id, "warning": notice.warning},
    )
    emit(
        "claim_notice.claimed",
        {"notice_id": notice.pk, "uscc": notice.entity.uscc, "department_id": notice.department_id},
    )
    return notice


def _escalate(notice: ClaimNotice) -> None:
    for user in region_supervisors(notice.department.region):
        notify(
            user=user,
            title=_("双告知认领超期：%(e)s") % {"e": notice.entity.name},
            body=_("%(d)s 未在 %(due)s 前认领（后置许可：%(i)s）。")
            % {"d": notice.department, "due": notice.due_on.isoformat(), "i": notice.item.name},
            url=reverse("coordination:claims"),
        )
    audit_record(
        actor=None,
        action="claim_notice.overdue",
        target=notice,
        data={"department_id": notice.department_id, "due_on": notice.due_on.isoformat()},
    )
    emit(
        "claim_notice.overdue",
        {"notice_id": notice.pk, "uscc": notice.entity.uscc, "department_id": notice.department_id},
    )


def claim_sweep(*, today: dt.date | None = None) -> dict[str, int]:
    """The worker's periodic job: warning levels of unclaimed notices; a notice turning red is escalated once."""
    today = today or _today()
    changed = escalated = 0
    cals: dict[int, WorkCalendar] = {}
    open_notices = ClaimNotice.objects.filter(claimed_at__isnull=True).select_related("department__region")
    for notice in open_notices.iterator():
        region = notice.department.region
        cal = cals.setdefault(region.pk, WorkCalendar(region))
        level = warning_level(start=notice.issued_on, due=notice.due_on, limit_days=CLAIM_DAYS, today=today, cal=cal)
        if level == notice.warning:
            continue
        with transaction.atomic():
            # Conditional on the level read: of two workers sweeping together, one moves it and escalates.
            moved = ClaimNotice.objects.filter(pk=notice.pk, warning=notice.warning, claimed_at__isnull=True).update(
                warning=level
            )
            if not moved:
                continue
            changed += 1
            if level == WarningLevel.RED:
                notice = ClaimNotice.objects.select_related("entity", "item", "department__region").get(pk=notice.pk)
                _escalate(notice)
                escalated += 1
    return {"warnings_changed": changed, "escalated": escalated}


@transaction.atomic
def subscription_add(*, actor, department: Department, item: ServiceItem) -> Subscription:
    """A supervising department's head subscribes it to an item's decisions (re-activating an old one)."""
    if not restrict(Department.objects.filter(pk=department.pk), actor, "approve").exists():
        raise NotFound()
    subscription, created = Subscription.objects.select_for_update().get_or_create(department=department, item=item)
    if not created and subscription.active:
        raise Conflict(_("已订阅该事项"))
    subscription.active = True
    subscription.save(update_fields=["active"])
    audit_record(
        actor=actor,
        action="subscription.add",
        target=subscription,
        data={"department_id": department.pk, "item": item.code},
    )
    return subscription


@transaction.atomic
def subscription_cancel(*, actor, subscription: Subscription) -> Subscription:
    if not restrict(Department.objects.filter(pk=subscription.department_id), actor, "approve").exists():
        raise NotFound()
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if not subscription.active:
        raise Conflict(_("该订阅已取消"))
    subscription.active = False
    subscription.save(update_fields=["active"])
    audit_record(actor=actor, action="subscription.cancel", target=subscription, data={"item": subscription.item_id})
    return subscription


@transaction.atomic
def decision_forward(*, case) -> list[DecisionNotice]:
    """Push a decided case to every department subscribed to its item; a repeat adds nothing."""
    sent = []
    for subscription in Subscription.objects.filter(item_id=case.item_id, active=True).select_related("department"):
        notice, created = DecisionNotice.objects.get_or_create(
            subscription=subscription,
            case=case,
            defaults={
                "department": subscription.department,
                "granted": bool(case.granted),
                "decided_at": case.decided_at,
            },
        )
        if not created:
            continue
        sent.append(notice)
        for user in department_staff(subscription.department, roles=("inspector", "admin")):
            notify(
                user=user,
                title=_("审管联动：%(i)s %(r)s")
                % {"i": case.item.name, "r": _("准予许可") if case.granted else _("不予许可")},
                body=_("办件 %(n)s，申请人 %(a)s") % {"n": case.number, "a": case.applicant},
                url=reverse("coordination:decisions"),
            )
    if sent:
        audit_record(
            actor=None,
            action="decision.forward",
            target=case,
            data={"case": case.number, "departments": [n.department_id for n in sent]},
        )
    return sent
