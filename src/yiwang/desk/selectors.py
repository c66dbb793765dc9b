"""Reads at the desk, each restricted to what the acting clerk may see; missing and forbidden are one 404."""

from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.accounts.identifiers import clean_uscc
from yiwang.accounts.models import Entity, Person
from yiwang.cases.models import Case, CaseMaterial
from yiwang.catalog.models import ItemImplementation
from yiwang.catalog.search import search
from yiwang.catalog.selectors import staff_implementation_list
from yiwang.core.errors import NotFound, ValidationFailed
from yiwang.core.permissions import restrict, staff_roles
from yiwang.org.models import ServiceCenter, Window

from .models import QueueTicket


def is_clerk(actor) -> bool:
    return any(r.role == "clerk" for r in staff_roles(actor))


def clerk_windows(*, actor) -> QuerySet[Window]:
    """The windows of the halls in the clerk's region: the ones they may sit at."""
    if not is_clerk(actor):
        return Window.objects.none()
    return restrict(Window.objects.select_related("center", "department"), actor, "accept").order_by(
        "center__region__path", "center", "number"
    )


def clerk_window(*, actor, pk) -> Window:
    found = clerk_windows(actor=actor).filter(pk=pk).first() if str(pk).isdigit() else None
    if found is None:
        raise NotFound()
    return found


def public_center(*, pk: int) -> ServiceCenter:
    """A hall, for its kiosk: public, as the hall itself is."""
    found = ServiceCenter.objects.select_related("region").filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def queue_counts(*, center) -> dict[str, int]:
    """How many are waiting today in each lane of the hall."""
    today = timezone.localdate()
    counts = QueueTicket.objects.filter(center=center, day=today, status=QueueTicket.Status.WAITING).aggregate(
        normal=Count("pk", filter=Q(lane=QueueTicket.Lane.NORMAL)),
        priority=Count("pk", filter=Q(lane=QueueTicket.Lane.PRIORITY)),
    )
    return counts


def current_ticket(*, actor, window: Window) -> QueueTicket | None:
    """The number now called to this window, if any."""
    return (
        restrict(QueueTicket.objects.all(), actor, "accept")
        .filter(window=window, day=timezone.localdate(), status=QueueTicket.Status.CALLED)
        .first()
    )


def desk_ticket(*, actor, pk) -> QueueTicket:
    found = restrict(QueueTicket.objects.all(), actor, "accept").filter(pk=pk).first() if str(pk).isdigit() else None
    if found is None:
        raise NotFound()
    return found


def desk_implementations(*, actor, query: str = "") -> list[ItemImplementation]:
    """What the clerk may accept, in their region; with a query, ranked by the catalog's search."""
    available = staff_implementation_list(actor=actor, action="accept").filter(
        active=True, item__current_version__isnull=False
    )
    if not query.strip():
        return list(available)
    ranked = [hit.code for hit in search(query, limit=30) if hit.kind == "item"]
    found = {impl.item.code: impl for impl in available.filter(item__code__in=ranked)}
    return [found[code] for code in ranked if code in found]


def desk_implementation(*, actor, code: str) -> ItemImplementation:
    found = (
        staff_implementation_list(actor=actor, action="accept")
        .filter(code=code, active=True, item__current_version__isnull=False)
        .select_related("item__current_version")
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def entity_by_uscc(*, uscc: str) -> Entity:
    """An enterprise already on the register, found by its USCC; the desk never creates one."""
    try:
        number = clean_uscc(uscc)
    except ValidationError as exc:
        raise ValidationFailed(fields={"uscc": exc.messages}) from None
    found = Entity.objects.filter(uscc=number).first()
    if found is None:
        raise ValidationFailed(fields={"uscc": [_("主体库中没有该统一社会信用代码，请先办理设立登记")]})
    return found


def deferred_materials(case: Case) -> list:
    """The case's materials taken on trust, 容缺 (still to come, with their due date) or 告知承诺, for the desk."""
    waived = (CaseMaterial.Provided.DEFERRED, CaseMaterial.Provided.COMMITMENT)
    return list(case.materials.filter(provided__in=waived).select_related("spec").order_by("spec__position"))


def walk_in_applicant(*, kind: str, pk) -> Person | Entity | None:
    """The applicant the clerk registered or found earlier in this visit (kept in the clerk's session)."""
    model = {"person": Person, "entity": Entity}.get(kind)
    return model.objects.filter(pk=pk).first() if model and str(pk).isdigit() else None


def desk_case(*, actor, number: str) -> Case:
    found = (
        restrict(Case.objects.all(), actor, "accept")
        .select_related("item", "version", "department", "region", "intake_window__center")
        .select_related("applicant_person", "applicant_entity")
        .filter(number=number)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def outbox_cases(*, actor) -> QuerySet[Case]:
    """一窗出件: decided cases collected at the clerk's halls: walk-ins that applied at one of its windows, and
    online applications whose applicant chose one of them as the place to collect."""
    centers = clerk_windows(actor=actor).values("center")
    return (
        restrict(Case.objects.all(), actor, "deliver")
        .filter(
            Q(intake_window__center__in=centers, pickup_center__isnull=True) | Q(pickup_center__in=centers),
            status__in=(Case.Status.GRANTED, Case.Status.DENIED),
            delivery_method=Case.Delivery.WINDOW,
        )
        .select_related("item", "intake_window__center", "pickup_center", "applicant_person", "applicant_entity")
        .order_by(F("delivery_due").asc(nulls_last=True), "decided_at", "pk")
    )


def outbox_case(*, actor, number: str) -> Case:
    found = outbox_cases(actor=actor).filter(number=number).first()
    if found is None:
        raise NotFound()
    return found
