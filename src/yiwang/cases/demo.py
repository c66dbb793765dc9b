"""The demo's past: thirteen months of decided and delivered cases of 广州市's departments and its districts', so the
efficiency dashboards and the public's 效能公开 pages show a year's figures the day the demo is loaded.

They stand for the history an old approval system hands over (存量办件): each is written straight to its rows as it
ended, with its dates in the past, not lived through the services one step at a time (thousands of cases at a
few seconds each would make loading the demo take an hour). The set is fixed: a seeded generator, dates relative to
the moment of loading, every case decided before today, every bad rating rectified and every 督办 answered, so no
queue of today's work shows them. The applicants are people of their own (history-1 …), whom no journey logs in
as. Loading again adds nothing.
"""

import datetime as dt
import random

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from stdnum.cn import ric

from yiwang.accounts.models import Person, User
from yiwang.catalog.models import ItemImplementation, MaterialSpec
from yiwang.core.calendar import WorkCalendar
from yiwang.org.models import Region, StaffRole, Window
from yiwang.ratings.models import Rating, Rectification

from .models import Case, CaseMaterial, CorrectionNotice, SupervisionOrder

# 广州市: the city's own departments, its districts' and their streets' offices.
CITY = "/440000/440100/"
MONTHS = 13
# Applications a month per implementation, before each department's own weight.
PER_MONTH = 1.6
KEY = "demo-history-"
NAMES = ["陈明", "林芳", "黄伟", "周敏", "吴磊", "郑丽", "梁军", "谢婷", "冯强", "何静", "罗斌", "高燕"]


def _applicants() -> list[tuple[User, Person]]:
    password = make_password(None)
    found = []
    for n, name in enumerate(NAMES, start=1):
        user, _created = User.objects.get_or_create(
            username=f"history-{n}", defaults={"display_name": name, "password": password}
        )
        body = f"440105198{n % 10}0{n % 9 + 1}1{n % 9 + 1}{n:03d}"  # area, birth date, sequence: 17 digits
        person = Person.objects.filter(user=user).first() or Person.objects.create(
            user=user, name=name, id_number=body + ric.calc_check_digit(body + "0"), region_id=None
        )
        found.append((user, person))
    return found


class _History:
    def __init__(self, rng: random.Random, today: dt.date):
        self.rng = rng
        self.today = today
        self.zone = timezone.get_current_timezone()
        self.calendars: dict[int, WorkCalendar] = {}
        self.applicants = _applicants()
        supervisor = StaffRole.objects.filter(role="supervisor", region__code="440105").select_related("user").first()
        self.supervisor = supervisor.user if supervisor else None
        # Window intake where the demo has window clerks: 海珠区's hall.
        self.clerks: dict[int, list[User]] = {}
        for role in StaffRole.objects.filter(role="clerk").select_related("user").order_by("user__username"):
            self.clerks.setdefault(role.region_id, []).append(role.user)
        # Who issues a correction notice (一次告知): the region's first window clerk or reviewer.
        self.issuers: dict[int, User] = {}
        for role in StaffRole.objects.filter(role__in=("clerk", "reviewer")).select_related("user").order_by("pk"):
            self.issuers.setdefault(role.region_id, role.user)
        self.windows: dict[int, list[Window]] = {}
        for window in Window.objects.filter(kind=Window.Kind.GENERAL).select_related("center"):
            self.windows.setdefault(window.center.region_id, []).append(window)

    def calendar(self, region_id: int) -> WorkCalendar:
        if region_id not in self.calendars:
            self.calendars[region_id] = WorkCalendar(Region.objects.get(pk=region_id))
        return self.calendars[region_id]

    def moment(self, day: dt.date, earliest: int = 9) -> dt.datetime:
        return dt.datetime.combine(
            day, dt.time(self.rng.randint(earliest, 17), self.rng.randint(0, 59)), tzinfo=self.zone
        )

    def case(self, implementation, received: dt.date, progress: float, bias: float, serial: int) -> dict | None:
        """One case's rows, or None when it would not have been decided by yesterday."""
        rng, version = self.rng, implementation.item.current_version
        region_id = implementation.department.region_id
        calendar = self.calendar(region_id)
        at_window = region_id in self.clerks and region_id in self.windows
        window = at_window and rng.random() > min(0.95, 0.62 + 0.25 * progress + bias)
        clerk = rng.choice(self.clerks[region_id]) if window else None
        user, person = rng.choice(self.applicants)
        delivery = rng.choices(
            [Case.Delivery.ONLINE, Case.Delivery.POST, Case.Delivery.WINDOW],
            [0.2, 0.3, 0.5] if window else [0.55 + 0.3 * progress, 0.25, 0.2 - 0.15 * progress],
        )[0]
        corrected = rng.random() < 0.12 - 0.06 * progress
        accepted = calendar.add_working_days(received, rng.choice((0, 0, 0, 1, 2)) + (3 if corrected else 0)).date
        promised = implementation.promised_days if implementation.promised_days is not None else version.promised_days
        statutory = version.effective_statutory_days
        # Faster as the year goes on; a department's bias shifts it; now and then a case runs late.
        share = rng.triangular(0.15, 1.4, max(0.2, 0.75 - 0.35 * progress - bias))
        used = 0 if promised == 0 else max(0, round(promised * share))
        decided = calendar.add_working_days(accepted, used).date
        if decided >= self.today:
            return None
        decided_at = self.moment(decided)
        case = Case(
            number=f"{implementation.department.region.code}-{received:%Y%m%d}-9{serial:04d}",
            item=implementation.item,
            version=version,
            implementation=implementation,
            department=implementation.department,
            region_id=region_id,
            applicant_person=person,
            submitted_by=clerk or user,
            channel=Case.Channel.WINDOW if window else Case.Channel.ONLINE,
            intake_window=rng.choice(self.windows[region_id]) if window else None,
            delivery_method=delivery,
            status=Case.Status.DELIVERED,
            idempotency_key=f"{KEY}{serial}",
            received_on=received,
            acceptance_due=calendar.add_working_days(received, 5).date,
            accepted_on=accepted,
            promised_days=promised,
            statutory_days=statutory,
            due_on=calendar.add_working_days(accepted, promised).date,
            statutory_due_on=calendar.add_working_days(accepted, statutory).date,
            decided_at=decided_at,
            granted=rng.random() < 0.96,
            decision_reasons="符合法定条件",
            delivered_at=decided_at + dt.timedelta(hours=rng.randint(1, 30)),
        )
        return {"case": case, "issuer": self.issuers.get(region_id) if corrected else None}


def _received_days(history: _History, region_id: int, first: dt.date, count: int) -> list[dt.date]:
    days, span = [], (history.today - first).days
    while len(days) < count:
        day = first + dt.timedelta(days=history.rng.randrange(span))
        if history.calendar(region_id).is_workday(day):
            days.append(day)
    return days


def _score(rng: random.Random, progress: float) -> int:
    return rng.choices([5, 4, 3, 2, 1], [0.62 + 0.12 * progress, 0.22, 0.08, 0.05 - 0.03 * progress, 0.03])[0]


@transaction.atomic
def load_demo_history() -> int:
    """Thirteen months of decided cases up to yesterday, with their materials, corrections, ratings (bad ones
    rectified) and 督办; nothing when they are already there. Returns the number of cases made."""
    if Case.objects.filter(idempotency_key__startswith=KEY).exists():
        return 0
    today = timezone.localdate()
    month = today.replace(day=1)
    first = (month - dt.timedelta(days=31 * (MONTHS - 1))).replace(day=1)
    history = _History(random.Random(13), today)
    implementations = list(
        ItemImplementation.objects.filter(active=True, department__region__path__startswith=CITY)
        .exclude(item__current_version=None)
        .select_related("item__current_version", "department__region")
        .order_by("code")
    )
    bias = {}
    made, serial = [], 0
    for implementation in implementations:
        department = implementation.department_id
        bias.setdefault(department, history.rng.uniform(-0.15, 0.12))
        count = round(PER_MONTH * MONTHS * history.rng.uniform(0.3, 2.0))
        for received in _received_days(history, implementation.department.region_id, first, count):
            serial += 1
            progress = (received - first).days / max((today - first).days, 1)
            found = history.case(implementation, received, progress, bias[department], serial)
            if found:
                found["progress"] = progress
                made.append(found)
    Case.objects.bulk_create([m["case"] for m in made], batch_size=500)
    _details(history, made)
    return len(made)


def _details(history: _History, made: list[dict]) -> None:
    """What the figures read beside the case itself: its materials, its correction notice, its rating (and a bad
    one's rectification) and any 督办 of a late one, each dated in the past."""
    rng = history.rng
    specs: dict[int, list[MaterialSpec]] = {}
    materials, corrections, ratings, orders = [], [], [], []
    for m in made:
        case = m["case"]
        if case.version_id not in specs:
            specs[case.version_id] = list(MaterialSpec.objects.filter(version_id=case.version_id, required=True))
        for spec in specs[case.version_id]:
            if spec.source != MaterialSpec.Source.APPLICANT:
                provided = CaseMaterial.Provided.SHARED
            elif case.channel == Case.Channel.WINDOW:
                provided = CaseMaterial.Provided.WINDOW
            else:
                provided = CaseMaterial.Provided.UPLOADED
            materials.append(CaseMaterial(case=case, spec=spec, provided=provided))
        if m["issuer"]:
            corrections.append(CorrectionNotice(case=case, points=["请补充完整的申请材料"], issued_by=m["issuer"]))
        rated_at = case.decided_at + dt.timedelta(hours=rng.randint(2, 72))
        if rng.random() < 0.68 and timezone.localtime(rated_at).date() < history.today:
            ratings.append((Rating(case=case, score=_score(rng, m["progress"]), channel="online"), rated_at))
        if case.decided_at.date() > case.due_on and history.supervisor and rng.random() < 0.6:
            issued = history.moment(case.due_on, earliest=10)
            orders.append(
                (
                    SupervisionOrder(
                        case=case,
                        department=case.department,
                        issued_by=history.supervisor,
                        message="已超承诺时限，请加快办理",
                        due_on=case.due_on + dt.timedelta(days=3),
                        answer="已办结",
                        answered_by=history.supervisor,
                        answered_at=case.decided_at,
                    ),
                    issued,
                )
            )
    CaseMaterial.objects.bulk_create(materials, batch_size=1000)
    CorrectionNotice.objects.bulk_create(corrections, batch_size=500)
    Rating.objects.bulk_create([rating for rating, _at in ratings], batch_size=500)
    SupervisionOrder.objects.bulk_create([order for order, _at in orders], batch_size=500)
    # The stamps set at insert take the moment of loading; each is put back to when it happened.
    for rating, at in ratings:
        rating.created_at = at
    for order, at in orders:
        order.issued_at = at
    Rating.objects.bulk_update([rating for rating, _at in ratings], ["created_at"], batch_size=500)
    SupervisionOrder.objects.bulk_update([order for order, _at in orders], ["issued_at"], batch_size=500)
    Rectification.objects.bulk_create(
        [
            Rectification(
                rating=rating,
                department=rating.case.department,
                due_on=timezone.localtime(at).date() + dt.timedelta(days=7),
                answer="已联系申请人说明情况并改进",
                answered_at=min(at + dt.timedelta(days=2), timezone.now()),
            )
            for rating, at in ratings
            if rating.score <= 2
        ],
        batch_size=500,
    )
