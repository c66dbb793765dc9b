"""The known-answer fixture: six 海珠区 cases of November 2025 whose every figure is worked out by hand (the
expectations are in test_indicators.py), shared by the indicator and the dashboard tests."""

import datetime as dt

import pytest

from tests.factories import CaseFactory
from yiwang.cases.models import CaseMaterial, CorrectionNotice, SupervisionOrder
from yiwang.catalog.models import ItemImplementation, MaterialSpec
from yiwang.desk.models import QueueTicket
from yiwang.insights.services import figures_recompute
from yiwang.org.models import ServiceCenter, Window
from yiwang.ratings.models import Rating, Rectification

CST = dt.timezone(dt.timedelta(hours=8))


def at(day: str, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour, minute), tzinfo=CST)


def d(day: str) -> dt.date:
    return dt.date.fromisoformat(day)


def _materials(case, required: int, waived: int) -> None:
    specs = list(MaterialSpec.objects.all()[:required])
    for n, spec in enumerate(specs):
        spec.required = True
        provided = CaseMaterial.Provided.SHARED if n < waived else CaseMaterial.Provided.UPLOADED
        CaseMaterial.objects.create(case=case, spec=spec, provided=provided)


def _rate(case, score: int, when: dt.datetime, *, rectified: bool = False, clerk=None) -> None:
    rating = Rating.objects.create(case=case, score=score, channel="online")
    Rating.objects.filter(pk=rating.pk).update(created_at=when)
    if score <= 2:
        Rectification.objects.create(
            rating=rating,
            department=case.department,
            due_on=when.date() + dt.timedelta(days=7),
            answer="已整改" if rectified else "",
            answered_by=clerk if rectified else None,
            answered_at=when + dt.timedelta(days=2) if rectified else None,
        )


@pytest.fixture
def known(db, clerk, supervisor):
    """Six cases of two 海珠区 departments; the comments carry the hand count each expectation below rests on."""
    MaterialSpec.objects.update(required=True)
    food = ItemImplementation.objects.get(code="R005-440105")
    other = (
        ItemImplementation.objects.filter(department__region__code="440105").exclude(department=food.department).first()
    )
    hall = ServiceCenter.objects.get(name="海珠区政务服务中心")
    window = Window.objects.filter(center=hall).first()
    cases = {}
    # C1: online, e-delivery; accepted 11-03, decided 11-07 (4 working days), due 11-17: early. Rated 5.
    cases["c1"] = CaseFactory(
        implementation_=food,
        received_on=d("2025-11-03"),
        accepted_on=d("2025-11-03"),
        due_on=d("2025-11-17"),
        decided_at=at("2025-11-07"),
        status="delivered",
    )
    _materials(cases["c1"], 3, 2)
    _rate(cases["c1"], 5, at("2025-11-10"))
    # C2: at the window (one ticket), picked up at the window: 2 visits. Corrected, accepted 11-06, decided 11-20
    # (10 working days) on its due day: on time, not early. Rated 2 and rectified; one 督办 on 11-18.
    cases["c2"] = CaseFactory(
        implementation_=food,
        channel="window",
        intake_window=window,
        submitted_by=clerk,
        delivery_method="window",
        received_on=d("2025-11-04"),
        accepted_on=d("2025-11-06"),
        due_on=d("2025-11-20"),
        decided_at=at("2025-11-20", 16),
        status="delivered",
    )
    _materials(cases["c2"], 2, 0)
    CorrectionNotice.objects.create(case=cases["c2"], points=["身份证明"], issued_by=clerk)
    QueueTicket.objects.create(center=hall, day=d("2025-11-04"), sequence=1, number="A001", case=cases["c2"])
    _rate(cases["c2"], 2, at("2025-11-21"), rectified=True, clerk=clerk)
    order = SupervisionOrder.objects.create(
        case=cases["c2"], department=food.department, issued_by=supervisor, message="请加快", due_on=d("2025-11-20")
    )
    SupervisionOrder.objects.filter(pk=order.pk).update(issued_at=at("2025-11-18"))
    # C3: online, by post; accepted 11-05, decided 11-26: 15 working days less 2 suspended = 13; due 11-21: late.
    cases["c3"] = CaseFactory(
        implementation_=food,
        delivery_method="post",
        received_on=d("2025-11-05"),
        accepted_on=d("2025-11-05"),
        due_on=d("2025-11-21"),
        suspended_days=2,
        decided_at=at("2025-11-26"),
        status="delivered",
    )
    _rate(cases["c3"], 4, at("2025-11-27"))
    # C4: received in October, accepted and decided on 11-03: a 即办件 (0 promised, 0 statutory days).
    cases["c4"] = CaseFactory(
        implementation_=food,
        received_on=d("2025-10-31"),
        accepted_on=d("2025-11-03"),
        due_on=d("2025-11-03"),
        promised_days=0,
        statutory_days=0,
        decided_at=at("2025-11-03", 15),
        status="delivered",
    )
    # C5: the other department, at the window (one ticket), decided at the hall the day it was accepted.
    cases["c5"] = CaseFactory(
        implementation_=other,
        channel="window",
        intake_window=window,
        submitted_by=clerk,
        received_on=d("2025-11-10"),
        accepted_on=d("2025-11-10"),
        due_on=d("2025-11-11"),
        promised_days=1,
        decided_at=at("2025-11-10", 11),
        status="delivered",
    )
    QueueTicket.objects.create(center=hall, day=d("2025-11-10"), sequence=1, number="A001", case=cases["c5"])
    # C6: the other department, online, every material drawn from shared data; corrected, accepted 11-13, in review.
    cases["c6"] = CaseFactory(
        implementation_=other,
        received_on=d("2025-11-12"),
        accepted_on=d("2025-11-13"),
        due_on=d("2025-11-27"),
        status="review",
    )
    _materials(cases["c6"], 4, 4)
    CorrectionNotice.objects.create(case=cases["c6"], points=["营业执照"], issued_by=clerk)
    # A rating given at 00:30 on 12-01 local time (16:30 UTC on 11-30) is December's.
    _rate(cases["c5"], 5, at("2025-12-01", 0, 30))
    figures_recompute(actor=None, start=d("2025-10-01"), end=d("2025-12-31"))
    return {"food": food, "other": other, "hall": hall, "window": window, **cases}
