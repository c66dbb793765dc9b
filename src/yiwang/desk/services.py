"""Every write at the one-window desk: queue tickets, and a walk-in's intake ending in one of the three
outcomes (受理 / 一次性告知补正 / 不予受理). Keyword-only, actor explicit, one transaction each with its audit entry;
the case itself only ever changes through yiwang.cases.services."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from django.db.models import IntegerField, Max, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.accounts.identifiers import clean_uscc
from yiwang.accounts.models import Entity
from yiwang.cases import services as cases
from yiwang.cases.materials import material_sources
from yiwang.cases.models import Case
from yiwang.catalog.forms_schema import correction_points as form_correction_points
from yiwang.catalog.forms_schema import submission_errors
from yiwang.catalog.models import ItemImplementation
from yiwang.core.audit import audit_record
from yiwang.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from yiwang.core.permissions import restrict, staff_roles
from yiwang.core.storage import StoredFile
from yiwang.credit.selectors import green_channel
from yiwang.org.models import ServiceCenter, Window

from .models import QueueTicket

OUTCOMES = ("accept", "correct", "refuse")
# Paper handed over the counter without a scan: the case records it as received at the window, with no file.


def _require_clerk(actor) -> None:
    if not any(r.role == "clerk" for r in staff_roles(actor)):
        raise PermissionDenied(_("只有窗口人员可以在窗口办理"))


def _window(actor, window: Window) -> Window:
    found = restrict(Window.objects.select_related("center__region"), actor, "accept").filter(pk=window.pk).first()
    if found is None:
        raise NotFound()
    return found


@transaction.atomic
def ticket_issue(
    *, actor=None, center: ServiceCenter, lane: str = QueueTicket.Lane.NORMAL, uscc: str = ""
) -> QueueTicket:
    """A kiosk prints the next number of the lane; anyone may take one, no login needed.

    An enterprise's USCC typed in at the kiosk puts a red-listed entity in the priority lane (绿色通道); the red
    list is public, so saying so on the ticket discloses nothing."""
    if lane not in QueueTicket.Lane.values:
        raise ValidationFailed(fields={"lane": [_("请选择普通或优先队列")]})
    green = False
    if uscc.strip():
        try:
            number = clean_uscc(uscc)
        except DjangoValidationError as exc:
            raise ValidationFailed(fields={"uscc": exc.messages}) from None
        green = green_channel(Entity.objects.filter(uscc=number).first())
        lane = QueueTicket.Lane.PRIORITY if green else lane
    # Locking the hall serialises numbering there: two kiosks never print the same number.
    center = ServiceCenter.objects.select_for_update().get(pk=center.pk)
    today = timezone.localdate()
    last = QueueTicket.objects.filter(center=center, day=today, lane=lane).aggregate(m=Max("sequence"))["m"] or 0
    ticket = QueueTicket.objects.create(
        center=center,
        day=today,
        sequence=last + 1,
        number=f"{QueueTicket.PREFIX[lane]}{last + 1:03d}",
        lane=lane,
        green_channel=green,
    )
    audit_record(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action="ticket.issue",
        target=ticket,
        data={"center": center.pk, "number": ticket.number, "green_channel": green},
    )
    return ticket


@transaction.atomic
def ticket_call_next(*, actor, window: Window) -> QueueTicket | None:
    """Call the next waiting number to the clerk's window: the priority lane first, then the longest waiting.

    Two clerks pressing 叫号 at once never get the same ticket: on PostgreSQL each locks the row it takes and
    skips rows another transaction holds; on SQLite the IMMEDIATE transaction lets one writer in at a time."""
    _require_clerk(actor)
    window = _window(actor, window)
    today = timezone.localdate()
    current = QueueTicket.objects.filter(window=window, day=today, status=QueueTicket.Status.CALLED).first()
    if current is not None:
        raise Conflict(_("本窗口的 %(n)s 号尚未办结，请先办结或标记过号") % {"n": current.number})
    priority_first = models.Case(
        When(lane=QueueTicket.Lane.PRIORITY, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    ticket = (
        QueueTicket.objects.select_for_update(skip_locked=True)
        .filter(center=window.center_id, day=today, status=QueueTicket.Status.WAITING)
        .order_by(priority_first, "issued_at", "pk")
        .first()
    )
    if ticket is None:
        return None
    ticket.status, ticket.window, ticket.called_by, ticket.called_at = (
        QueueTicket.Status.CALLED,
        window,
        actor,
        timezone.now(),
    )
    ticket.save(update_fields=["status", "window", "called_by", "called_at"])
    audit_record(actor=actor, action="ticket.call", target=ticket, data={"number": ticket.number, "window": window.pk})
    return ticket


@transaction.atomic
def ticket_finish(*, actor, ticket: QueueTicket, case: Case | None = None, no_show: bool = False) -> QueueTicket:
    """The visit is over: served (with the case it produced, if any) or the applicant did not come (过号)."""
    _require_clerk(actor)
    found = restrict(QueueTicket.objects.all(), actor, "accept").filter(pk=ticket.pk).values_list("pk", flat=True)
    ticket = QueueTicket.objects.select_for_update().filter(pk__in=list(found)).first()
    if ticket is None:
        raise NotFound()
    if ticket.status != QueueTicket.Status.CALLED:
        raise InvalidTransition(
            _("%(n)s 号当前为「%(s)s」，不能办结") % {"n": ticket.number, "s": ticket.get_status_display()}
        )
    if case is not None and not restrict(Case.objects.all(), actor, "accept").filter(pk=case.pk).exists():
        raise NotFound()
    ticket.status = QueueTicket.Status.NO_SHOW if no_show else QueueTicket.Status.SERVED
    ticket.finished_at, ticket.case = timezone.now(), None if no_show else case
    ticket.save(update_fields=["status", "finished_at", "case"])
    audit_record(
        actor=actor,
        action="ticket.finish",
        target=ticket,
        data={"number": ticket.number, "status": ticket.status, "case": case.number if case else ""},
    )
    return ticket


def missing_materials(version, received, *, person=None, entity=None) -> list:
    """Required materials the applicant must still hand in: neither drawn by the platform nor received."""
    return [
        source.spec
        for source in material_sources(version, person=person, entity=entity)
        if source.to_hand_in and source.spec.required and source.spec.pk not in received
    ]


def correction_points(missing) -> list[str]:
    # A licence the e-licence store does not hold is shown in its paper original.
    return [
        _("补交《%(name)s》（%(form)s）")
        % {"name": spec.name, "form": _("原件") if spec.from_licence else spec.get_form_display()}
        for spec in missing
    ]


@transaction.atomic
def desk_intake(
    *,
    actor,
    window: Window,
    implementation: ItemImplementation,
    form_data: dict,
    outcome: str,
    person=None,
    entity=None,
    received=(),
    scans: dict[int, tuple[StoredFile, str]] | None = None,
    points=(),
    reasons: str = "",
    delivery_method: str = Case.Delivery.WINDOW,
    ticket: QueueTicket | None = None,
    committed=(),
    deferred=(),
    form_errors: dict[str, list[str]] | None = None,
) -> Case:
    """A walk-in's application taken at the window and settled on the spot, all or nothing:
    submitted (channel=window) and then accepted, returned with one correction notice listing every missing
    material and the clerk's own points, or refused with reasons. The called ticket, if any, is closed with it.

    `committed` materials are replaced by the applicant's written commitment (告知承诺); `deferred` ones are
    accepted to be supplied later (容缺受理), which acceptance checks against the catalog and credit.

    `form_errors` are what the page found wrong with the form beyond the schema's own checks. An incomplete
    form may still be registered to receive its 一次性告知书, which then lists the form's points with the
    materials' (第三十二条: one notice, everything); accepting or refusing needs a complete form."""
    _require_clerk(actor)
    if outcome not in OUTCOMES:
        raise ValidationFailed(fields={"outcome": [_("请选择受理、一次性告知补正或不予受理")]})
    if delivery_method not in Case.Delivery.values:
        raise ValidationFailed(fields={"delivery_method": [_("不是可选的送达方式")]})
    window = _window(actor, window)
    visible = restrict(ItemImplementation.objects.all(), actor, "accept").filter(pk=implementation.pk)
    implementation = visible.select_related("item__current_version").first()
    if implementation is None or implementation.item.current_version is None:
        raise NotFound()
    scans = scans or {}
    handed_in = set(received) | set(scans)
    committed = set(committed) - handed_in
    deferred = set(deferred) - handed_in - committed if outcome == "accept" else set()
    version = implementation.item.current_version
    known = set(version.materials.values_list("pk", flat=True))
    if (handed_in | committed | deferred) - known:
        raise ValidationFailed(fields={"materials": [_("收取的材料不属于本事项")]})
    missing = missing_materials(version, handed_in | committed | deferred, person=person, entity=entity)
    extra = [p.strip() for p in points if p and p.strip()]
    schema = version.form_schema
    incomplete = dict(form_errors or {})
    for name, problems in submission_errors(schema, form_data).items():
        incomplete.setdefault(name, problems)
    if incomplete and outcome != "correct":
        raise ValidationFailed(_("申请表尚不完整：请修改，或一次性告知补正"), fields=incomplete)
    form_points = form_correction_points(schema, incomplete)
    if outcome == "accept" and missing:
        raise ValidationFailed(
            fields={
                "materials": [
                    _("材料不齐，不能受理：%(m)s。请一次性告知补正。") % {"m": "、".join(s.name for s in missing)}
                ]
            }
        )
    if outcome == "correct" and not (missing or extra or form_points):
        raise ValidationFailed(fields={"points": [_("材料已齐全；如需补正，请写明补正内容")]})
    if outcome == "refuse" and not reasons.strip():
        raise ValidationFailed(fields={"reasons": [_("不予受理必须说明理由")]})
    uploads = {pk: scans.get(pk, (None, "")) for pk in handed_in}
    case = cases.case_submit(
        actor=actor,
        implementation=implementation,
        form_data=form_data,
        person=person,
        entity=entity,
        uploads=uploads,
        channel=Case.Channel.WINDOW,
        window=window,
        delivery_method=delivery_method,
        commitments=committed,
        deferred=deferred,
        incomplete_form=bool(incomplete),
    )
    if outcome == "accept":
        case = cases.case_accept(actor=actor, case=case, window=window)
    elif outcome == "correct":
        # The clerk may have kept the pre-filled points in the notice's text: each point is told once.
        notice_points = dict.fromkeys([*form_points, *correction_points(missing), *extra])
        case = cases.case_request_correction(actor=actor, case=case, points=list(notice_points)).case
    else:
        case = cases.case_refuse_acceptance(actor=actor, case=case, reasons=reasons)
    if ticket is not None:
        ticket_finish(actor=actor, ticket=ticket, case=case)
    return case
