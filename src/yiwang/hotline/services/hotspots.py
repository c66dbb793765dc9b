"""老大难 hotspots as records: found by the worker among a district's orders of the last 90 days (hotline.repeats)
or opened by a dispatch as 老大难; the centre gives each an owner (承办责任单位, a named person) and a deadline,
plans it in milestones, and marks it resolved once every milestone is done.

Detection keeps what it found: a group that grows keeps its open hotspot and the new orders join it; an order once
linked stays with its hotspot. A resolved hotspot takes no new orders: the problem coming back at least
HOTSPOT_ORDERS times more is a new hotspot. So running detection again changes nothing (idempotent).

The worker's sweep runs every minute but detection reads thousands of orders a district, so the sweep runs it only
when located orders came in since its last run (its core.models.SweepMark), and otherwise once every
DETECTION_EVERY."""

import datetime as dt
from collections import Counter
from decimal import Decimal

from django.db import transaction
from django.db.models import Avg, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.core.audit import audit_record
from yiwang.core.errors import InvalidTransition, NotFound
from yiwang.core.events import emit
from yiwang.core.models import SweepMark
from yiwang.core.permissions import require
from yiwang.org.models import Department, Region

from ..models import Hotspot, HotspotMilestone, WorkOrder
from ..repeats import HOTSPOT_ORDERS, WINDOW, Report, repeat_groups
from ._common import _now, _raise, _required

# A detection run reads at most this many located orders of one district: the newest.
DETECTION_ORDERS = 5000
# With no new located order, the sweep still runs detection this long after its last run: what the order mark
# cannot see (an order committed after one with a higher pk, orders leaving the window) waits no longer than this.
DETECTION_EVERY = dt.timedelta(hours=1)
# The SweepMark of the sweep's detection: when it last ran and the highest WorkOrder pk then.
DETECTION_MARK = "hotline.hotspot_detection"
OWNER_NAME_CHARS = 60
TITLE_CHARS = 120
COORDINATE = Decimal("0.000001")


def _announce(spot: Hotspot, *, actor, step: str, data: dict | None = None) -> None:
    """The audit entry and the event of one step of a hotspot (hotline.hotspot_<step>)."""
    data = {"hotspot": spot.pk, "region": spot.region_id, "status": spot.status, **(data or {})}
    audit_record(actor=actor, action=f"hotline.hotspot_{step}", target=spot, data=data)
    emit(f"hotline.hotspot_{step}", data)


# Detection


def _batch(region: Region, now: dt.datetime, category_id: int | None = None) -> list[dict]:
    """The district's located orders detection compares: those of the last WINDOW, and every order of its open
    hotspots however old, so a problem that keeps coming back still meets the hotspot it already has."""
    rows = WorkOrder.objects.filter(region=region, longitude__isnull=False, latitude__isnull=False).filter(
        Q(created_at__gte=now - WINDOW) | Q(hotspot__status=Hotspot.Status.OPEN)
    )
    if category_id is not None:
        rows = rows.filter(category_id=category_id)
    return list(
        rows.order_by("-created_at", "-pk").values(
            "pk",
            "category_id",
            "longitude",
            "latitude",
            "terms",
            "description",
            "address",
            "created_at",
            "grid_cell_code",
            "hotspot_id",
        )[:DETECTION_ORDERS]
    )


def _reports(rows: list[dict]) -> list[Report]:
    return [
        Report(
            key=row["pk"],
            category=str(row["category_id"]),
            longitude=float(row["longitude"]),
            latitude=float(row["latitude"]),
            text=row["description"],
            received_at=row["created_at"],
            address=row["address"],
            terms=tuple(row["terms"].split()),
        )
        for row in rows
    ]


def _commonest(values) -> str:
    counted = Counter(value for value in values if value)
    return counted.most_common(1)[0][0] if counted else ""


def _free(pks) -> list[int]:
    """Of these orders, those in no hotspot, locked so a dispatch as 老大难 at the same moment cannot link them too."""
    rows = WorkOrder.objects.select_for_update(of=("self",)).filter(pk__in=list(pks), hotspot__isnull=True)
    return list(rows.order_by("pk").values_list("pk", flat=True))


def _place(spot: Hotspot) -> None:
    """The hotspot stands at the mean position of its located orders."""
    centre = spot.orders.filter(longitude__isnull=False, latitude__isnull=False).aggregate(
        longitude=Avg("longitude"), latitude=Avg("latitude")
    )
    if centre["longitude"] is not None:
        spot.longitude = Decimal(centre["longitude"]).quantize(COORDINATE)
        spot.latitude = Decimal(centre["latitude"]).quantize(COORDINATE)


def _open(region: Region, members: list[dict], pks: list[int], *, actor, department=None) -> Hotspot:
    spot = Hotspot.objects.create(
        region=region,
        category_id=members[0]["category_id"],
        address=_commonest(m["address"] for m in members)[:200],
        grid_cell_code=_commonest(m["grid_cell_code"] for m in members),
        department=department,
        created_at=_now(),
    )
    WorkOrder.objects.filter(pk__in=pks).update(hotspot=spot)
    _place(spot)
    spot.save(update_fields=["longitude", "latitude"])
    _announce(spot, actor=actor, step="open", data={"orders": pks, "department": getattr(department, "pk", None)})
    return spot


def _join(spot: Hotspot, pks: list[int], *, actor) -> None:
    WorkOrder.objects.filter(pk__in=pks).update(hotspot=spot)
    _place(spot)
    spot.save(update_fields=["longitude", "latitude"])
    _announce(spot, actor=actor, step="join", data={"orders": pks})


def _open_hotspots(region: Region) -> set[int]:
    return set(Hotspot.objects.filter(region=region, status=Hotspot.Status.OPEN).values_list("pk", flat=True))


@transaction.atomic
def hotspots_detect_region(*, region: Region, now: dt.datetime | None = None) -> dict[str, int]:
    """One district's detection: each repeat group with an open hotspot among its orders gives it the group's
    unlinked orders; a group of at least HOTSPOT_ORDERS unlinked orders and no open hotspot becomes a new one,
    without an owner until the centre assigns it. Returns how many hotspots were opened and orders joined."""
    now = now or _now()
    rows = _batch(region, now)
    by_pk = {row["pk"]: row for row in rows}
    open_ids = _open_hotspots(region)
    opened = joined = 0
    for group in repeat_groups(_reports(rows)):
        unlinked = [pk for pk in group if by_pk[pk]["hotspot_id"] is None]
        if not unlinked:
            continue
        # The oldest open hotspot of the group keeps it; one of another group's is never merged into it.
        owners = sorted({by_pk[pk]["hotspot_id"] for pk in group} & open_ids)
        if not owners and len(unlinked) < HOTSPOT_ORDERS:
            continue
        free = _free(unlinked)
        if owners and free:
            _join(Hotspot.objects.select_for_update(of=("self",)).get(pk=owners[0]), free, actor=None)
            joined += len(free)
        elif not owners and len(free) >= HOTSPOT_ORDERS:
            _open(region, [by_pk[pk] for pk in free], free, actor=None)
            opened += 1
    return {"opened": opened, "joined": joined}


def hotspots_detect(now: dt.datetime | None = None) -> dict[str, int]:
    """The worker's periodic job: detection in every district, each in its own transaction."""
    now = now or _now()
    totals = {"opened": 0, "joined": 0}
    for region in Region.objects.filter(level=Region.Level.COUNTY).order_by("code"):
        for key, count in hotspots_detect_region(region=region, now=now).items():
            totals[key] += count
    return totals


def hotspots_detect_due(now: dt.datetime | None = None) -> dict[str, int] | None:
    """The worker's sweep: hotspots_detect when located orders came in since the last run or DETECTION_EVERY has
    passed since it; None when neither, reading only the orders above the mark."""
    now = now or timezone.now()
    mark = SweepMark.objects.filter(name=DETECTION_MARK).first()
    if (
        mark is not None
        and now - mark.at < DETECTION_EVERY
        and not WorkOrder.objects.filter(pk__gt=mark.last_pk, longitude__isnull=False, latitude__isnull=False).exists()
    ):
        return None
    # Read before detecting: an order arriving while detection runs is above the mark and brings the next run.
    last = WorkOrder.objects.aggregate(last=Max("pk"))["last"] or 0
    found = hotspots_detect(now)
    # Written once every district is done: a run cut short leaves the old mark, and the next sweep runs again.
    SweepMark.objects.update_or_create(name=DETECTION_MARK, defaults={"at": now, "last_pk": last})
    return found


def hotspot_for_chronic_order(*, actor, order: WorkOrder, department: Department) -> Hotspot:
    """A dispatch as 老大难 (order_dispatch, inside its transaction, the order locked): the order joins the open
    hotspot its repeats already have, or opens one with them, owned by the lead department. A hotspot without an
    owner takes the lead department as its owner; one with an owner keeps it."""
    spot = None
    if order.hotspot_id is None and order.longitude is not None and order.latitude is not None:
        rows = _batch(order.region, _now(), category_id=order.category_id)
        if order.pk not in {row["pk"] for row in rows}:
            rows.append(_batch_row(order))
        by_pk = {row["pk"]: row for row in rows}
        open_ids = _open_hotspots(order.region)
        group = next((g for g in repeat_groups(_reports(rows)) if order.pk in g), (order.pk,))
        owners = sorted({by_pk[pk]["hotspot_id"] for pk in group} & open_ids)
        if owners:
            spot = Hotspot.objects.select_for_update(of=("self",)).get(pk=owners[0])
            _join(spot, _free(group), actor=actor)
        else:
            free = _free(group)
            spot = _open(order.region, [by_pk[pk] for pk in free], free, actor=actor, department=department)
    elif order.hotspot_id is None:
        spot = _open(order.region, [_batch_row(order)], [order.pk], actor=actor, department=department)
    else:
        spot = Hotspot.objects.select_for_update(of=("self",)).get(pk=order.hotspot_id)
    order.hotspot = spot
    if spot.department_id is None and spot.status == Hotspot.Status.OPEN:
        spot.department = department
        spot.save(update_fields=["department"])
        _announce(spot, actor=actor, step="assign", data={"department": department.pk, "order": order.pk})
    return spot


def _batch_row(order: WorkOrder) -> dict:
    return {
        "pk": order.pk,
        "category_id": order.category_id,
        "longitude": order.longitude,
        "latitude": order.latitude,
        "terms": order.terms,
        "description": order.description,
        "address": order.address,
        "created_at": order.created_at,
        "grid_cell_code": order.grid_cell_code,
        "hotspot_id": order.hotspot_id,
    }


# The centre's steps


def _locked(hotspot: Hotspot, actor) -> Hotspot:
    """The hotspot, locked for this transaction, if the actor operates its district; otherwise the 404 of missing."""
    try:
        found = Hotspot.objects.select_for_update(of=("self",)).select_related("region").get(pk=hotspot.pk)
    except Hotspot.DoesNotExist:
        raise NotFound() from None
    require(actor, "hotline_operate", found)
    return found


def _still_open(spot: Hotspot) -> None:
    if spot.status != Hotspot.Status.OPEN:
        raise InvalidTransition(_("该老大难热点已解决，不能再修改"), subcode="hotspot_resolved")


def _date(errors: dict, name: str, value: dt.date | None, missing: str) -> dt.date | None:
    if value is None:
        errors.setdefault(name, []).append(missing)
    elif value < timezone.localdate(_now()):
        errors.setdefault(name, []).append(_("日期不能早于今天"))
    return value


@transaction.atomic
def hotspot_assign(
    *, actor, hotspot: Hotspot, department: Department | None, deadline: dt.date | None, owner_name: str = ""
) -> Hotspot:
    """指定承办责任单位: the district's department that answers for the hotspot, optionally a named person there,
    and the date by which the problem must be solved. Assigning again replaces them."""
    spot = _locked(hotspot, actor)
    _still_open(spot)
    errors: dict[str, list[str]] = {}
    if department is None or department.region_id != spot.region_id:
        errors["department"] = [_("请选择本区的承办责任单位")]
    _date(errors, "deadline", deadline, _("请填写整治期限"))
    owner_name = (owner_name or "").strip()
    if len(owner_name) > OWNER_NAME_CHARS:
        errors["owner_name"] = [_("责任人姓名过长")]
    _raise(errors)
    spot.department, spot.deadline, spot.owner_name = department, deadline, owner_name
    spot.save(update_fields=["department", "deadline", "owner_name"])
    _announce(
        spot,
        actor=actor,
        step="assign",
        data={"department": department.pk, "deadline": deadline.isoformat(), "owner_name": owner_name},
    )
    return spot


@transaction.atomic
def hotspot_milestone_add(
    *, actor, hotspot: Hotspot, title: str, due: dt.date | None, note: str = ""
) -> HotspotMilestone:
    """A step of the hotspot's plan (整治节点) and the date it is due."""
    spot = _locked(hotspot, actor)
    _still_open(spot)
    errors: dict[str, list[str]] = {}
    title = _required(errors, "title", title, _("请填写节点内容"))
    if len(title) > TITLE_CHARS:
        errors["title"] = [_("节点内容过长")]
    _date(errors, "due", due, _("请填写计划完成日期"))
    _raise(errors)
    milestone = HotspotMilestone.objects.create(hotspot=spot, title=title, due=due, note=(note or "").strip())
    _announce(spot, actor=actor, step="milestone_add", data={"milestone": milestone.pk, "due": due.isoformat()})
    return milestone


@transaction.atomic
def hotspot_milestone_complete(*, actor, milestone: HotspotMilestone, note: str = "") -> HotspotMilestone:
    """A milestone done, with what was done."""
    spot = _locked(milestone.hotspot, actor)
    _still_open(spot)
    found = HotspotMilestone.objects.select_for_update().filter(pk=milestone.pk, hotspot=spot).first()
    if found is None:
        raise NotFound()
    if found.done_at is not None:
        raise InvalidTransition(_("该整治节点已完成"), subcode="milestone_done")
    found.done_at = _now()
    if (note or "").strip():
        found.note = "\n".join(part for part in (found.note, note.strip()) if part)
    found.save(update_fields=["done_at", "note"])
    _announce(spot, actor=actor, step="milestone_done", data={"milestone": found.pk})
    return found


@transaction.atomic
def hotspot_resolve(*, actor, hotspot: Hotspot, resolution: str) -> Hotspot:
    """标记解决: refused while a milestone of the plan is still open; its orders stay linked to it."""
    spot = _locked(hotspot, actor)
    _still_open(spot)
    errors: dict[str, list[str]] = {}
    resolution = _required(errors, "resolution", resolution, _("请填写解决情况"))
    _raise(errors)
    pending = list(spot.milestones.filter(done_at__isnull=True).order_by("due", "pk").values_list("title", flat=True))
    if pending:
        raise InvalidTransition(
            _("还有 %(n)d 个整治节点未完成（%(titles)s），请先完成后再标记解决")
            % {"n": len(pending), "titles": "、".join(pending)},
            subcode="hotspot_milestones_open",
        )
    spot.status, spot.resolved_at, spot.resolution = Hotspot.Status.RESOLVED, _now(), resolution
    spot.save(update_fields=["status", "resolved_at", "resolution"])
    _announce(spot, actor=actor, step="resolve", data={"resolution": resolution})
    return spot
