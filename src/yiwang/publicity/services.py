"""Every write of 双公示: a licence decision or a penalty published, and the daily sweep that publishes what the
event consumers missed.

Publication is at once: the consumer of the decision's event publishes within moments of the decision, and the
7-working-day limit (models.PUBLISH_BASIS) is recorded on each row with whether it was met. A penalty entered
days after it was decided, or a decision whose consumer failed past its retries, is published as soon as it is
found and marked late (超期公示), for its department to answer for.
"""

import datetime as dt

from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.accounts.identifiers import mask_identity_number, mask_person_name
from yiwang.cases.models import Case
from yiwang.catalog.models import ServiceItem
from yiwang.core.audit import audit_record, case_key
from yiwang.core.calendar import WorkCalendar
from yiwang.core.errors import NotFound
from yiwang.core.events import emit
from yiwang.core.models import SweepMark
from yiwang.core.permissions import restrict
from yiwang.licences.models import Licence
from yiwang.org.models import Department
from yiwang.supervision.models import Penalty

from .models import PUBLISH_WITHIN_WORKING_DAYS, Publication

SWEEP_MARK = "publicity.sweep"
# 《失信行为纠正后的信用信息修复管理办法（试行）》(国家发展改革委令2023年第58号): the penalty of an ordinary
# breach of trust is published for at most one year, a serious one (情节严重, or a licence revoked: the
# serious-dishonesty list, as supervision.services decides) for at most three; past that it stops by itself.
SHOWN_YEARS_ORDINARY = 1
SHOWN_YEARS_SERIOUS = 3


def publish_due(department: Department, decided_on: dt.date) -> dt.date:
    """The last day the decision may go online: 7 working days after the decision, the decision day not counted,
    on the deciding department's calendar (holidays skipped, make-up working days counted)."""
    return WorkCalendar(department.region).add_working_days(decided_on, PUBLISH_WITHIN_WORKING_DAYS).date


def _years_later(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)


def _holder(*, entity=None, person=None) -> dict:
    """What the public may see of the decision's party: an entity as registered, a person masked."""
    if entity is not None:
        return {
            "holder_kind": Publication.HolderKind.ENTITY,
            "holder_name": entity.name,
            "holder_code": entity.uscc,
            "legal_representative": entity.legal_representative,
        }
    return {
        "holder_kind": Publication.HolderKind.PERSON,
        "holder_name": mask_person_name(person.name),
        "holder_code": mask_identity_number(person.id_number),
        "legal_representative": "",
    }


def _may_publish(actor, department: Department, action: str) -> bool:
    """The platform itself (a consumer, the sweep), or staff of the deciding department."""
    return actor is None or restrict(Department.objects.filter(pk=department.pk), actor, action).exists()


def _stamp(publication: Publication) -> None:
    publication.publish_due = publish_due(publication.department, publication.decided_on)
    publication.published_at = timezone.now()
    publication.late = timezone.localdate(publication.published_at) > publication.publish_due


def _announce(publication: Publication, *, actor, shard_key=None) -> None:
    data = {
        "kind": publication.kind,
        "decision_number": publication.decision_number,
        "licence_number": publication.licence_number,
        "department_id": publication.department_id,
        "decided_on": publication.decided_on.isoformat(),
        "publish_due": publication.publish_due.isoformat(),
        "late": publication.late,
    }
    audit_record(actor=actor, action="publication.publish", target=publication, data=data, shard_key=shard_key)
    emit("publication.published", {"publication_id": publication.pk, **data})


def _licence_content(case: Case) -> str:
    details = "；".join(f"{k}：{v}" for k, v in (case.result_data or {}).items())
    return details or _("准予行政许可")


@transaction.atomic
def publication_publish_licence(*, actor, case: Case, licence: Licence | None = None) -> Publication | None:
    """Publish a licence decision: a granted case of a 行政许可 item, or the licence a renewal was deemed granted
    with (第五十条第二款, no decision of the organ). A second call returns the first publication, with the licence
    attached if this call brings it (its number, and the entity it names as holder). None for a case that is no
    licence decision."""
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("item", "version", "department__region", "applicant_entity", "applicant_person")
        .get(pk=case.pk)
    )
    if case.item.kind != ServiceItem.Kind.LICENSING or (not case.granted and licence is None):
        return None
    if not _may_publish(actor, case.department, "approve"):
        raise NotFound()
    existing = Publication.objects.filter(case=case).first()
    if existing is not None:
        if licence is not None and existing.licence_id is None:
            existing.licence, existing.licence_number = licence, licence.number
            for field, value in _holder(entity=licence.holder_entity, person=licence.holder_person).items():
                setattr(existing, field, value)
            existing.save()
            audit_record(
                actor=actor,
                action="publication.licence",
                target=existing,
                data={"decision_number": existing.decision_number, "licence_number": licence.number},
                shard_key=case_key(case.pk),
            )
        return existing
    if licence is not None:
        holder = _holder(entity=licence.holder_entity, person=licence.holder_person)
    else:
        holder = _holder(entity=case.applicant_entity, person=case.applicant_person)
    publication = Publication(
        kind=Publication.Kind.LICENCE,
        case=case,
        licence=licence,
        item=case.item,
        department=case.department,
        decision_number=case.number,
        licence_number=licence.number if licence is not None else "",
        title=case.item.name,
        content=_licence_content(case),
        legal_basis=case.version.legal_basis,
        decided_on=timezone.localdate(case.decided_at) if case.decided_at else licence.issued_on,
        **holder,
    )
    _stamp(publication)
    publication.save()
    _announce(publication, actor=actor, shard_key=case_key(case.pk))
    return publication


@transaction.atomic
def publication_publish_penalty(*, actor, penalty: Penalty) -> Publication:
    """Publish a penalty decision; a second call returns the first publication."""
    penalty = (
        Penalty.objects.select_for_update(of=("self",))
        .select_related("entity", "department__region", "licence")
        .get(pk=penalty.pk)
    )
    if not _may_publish(actor, penalty.department, "inspect"):
        raise NotFound()
    existing = Publication.objects.filter(penalty=penalty).first()
    if existing is not None:
        return existing
    serious = penalty.serious or penalty.licence_id is not None
    publication = Publication(
        kind=Publication.Kind.PENALTY,
        penalty=penalty,
        licence=penalty.licence,
        department=penalty.department,
        decision_number=penalty.number,
        licence_number=penalty.licence.number if penalty.licence_id else "",
        title="、".join(penalty.kind_labels),
        content=penalty.facts,
        legal_basis=penalty.legal_basis,
        amount=penalty.amount,
        decided_on=penalty.decided_on,
        shown_until=_years_later(penalty.decided_on, SHOWN_YEARS_SERIOUS if serious else SHOWN_YEARS_ORDINARY),
        **_holder(entity=penalty.entity),
    )
    _stamp(publication)
    publication.save()
    _announce(publication, actor=actor)
    return publication


def publication_sweep(*, now: dt.datetime | None = None) -> dict[str, int] | None:
    """The worker's daily check: every licence decision and penalty not yet published is published now, and one
    past its 7 working days is marked late. Runs once a day (None on the other sweeps of the day): it reads every
    decision, which the consumers leave nothing to do for but after a failure."""
    now = now or timezone.now()
    mark = SweepMark.objects.filter(name=SWEEP_MARK).first()
    if mark is not None and timezone.localdate(mark.at) >= timezone.localdate(now):
        return None
    before = Publication.objects.aggregate(last=Max("pk"))["last"] or 0
    unpublished = ~Exists(Publication.objects.filter(case=OuterRef("pk")))
    granted = Case.objects.filter(unpublished, granted=True, item__kind=ServiceItem.Kind.LICENSING)
    for case in granted.only("pk"):
        publication_publish_licence(actor=None, case=case, licence=Licence.objects.filter(case=case).first())
    # Issued after the grant was published, or deemed granted with no decision: the licence is not on it yet.
    attached = Exists(Publication.objects.filter(case=OuterRef("case"), licence=OuterRef("pk")))
    issued = Licence.objects.filter(case__item__kind=ServiceItem.Kind.LICENSING).exclude(attached)
    for licence in issued.select_related("case", "holder_entity", "holder_person"):
        publication_publish_licence(actor=None, case=licence.case, licence=licence)
    for penalty in Penalty.objects.filter(~Exists(Publication.objects.filter(penalty=OuterRef("pk")))).only("pk"):
        publication_publish_penalty(actor=None, penalty=penalty)
    # Written once all is published: a sweep cut short leaves the old mark, and the next one runs again.
    SweepMark.objects.update_or_create(name=SWEEP_MARK, defaults={"at": now})
    new = Publication.objects.filter(pk__gt=before)
    return {"published": new.count(), "late": new.filter(late=True).count()}
