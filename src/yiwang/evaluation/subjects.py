"""What an evaluation is about: a subject (a department, or a district and everything under it) read over a period.

A Reading remembers what several sources read — the efficiency counters, the published implementations, the halls'
booking timetables — so a round's snapshot reads each once per subject, not once per indicator.
"""

import dataclasses
import datetime as dt
from functools import cached_property

from django.db.models import Count, Q
from django.utils import timezone

from yiwang.catalog.models import ItemImplementation, MaterialSpec
from yiwang.desk.models import AppointmentPattern
from yiwang.insights import selectors as figures
from yiwang.insights.indicators import evaluate
from yiwang.insights.periods import Period
from yiwang.org.models import Department, Region


@dataclasses.dataclass(frozen=True)
class Subject:
    """Exactly one of the two: a department (its own rows), or a region (every row of its subtree)."""

    department: Department | None = None
    region: Region | None = None

    def __post_init__(self):
        if (self.department is None) == (self.region is None):
            raise ValueError("a subject is a department or a region")

    def __str__(self) -> str:
        return str(self.department) if self.department is not None else self.region.name

    def where(self, department: str, region: str) -> Q:
        """Rows of this subject, given the lookups from the row to its department and to its region."""
        if self.department is not None:
            return Q(**{f"{department}_id": self.department.pk})
        return Q(**{f"{region}__path__startswith": self.region.path})

    def scope(self) -> figures.Scope:
        if self.department is not None:
            return figures.Scope(department_id=self.department.pk)
        return figures.Scope(region=self.region)


@dataclasses.dataclass
class Implementation:
    """A published item as the subject carries it out, with what its guide's checks need."""

    row: ItemImplementation
    materials: int  # every material of the current version
    required: int  # the required ones
    waivable: int  # required ones the platform draws from shared data or an e-licence (可免提交)
    bookable: bool  # a hall of the department's region takes bookings for it (网上预约)

    @property
    def version(self):
        return self.row.item.current_version


class Reading:
    def __init__(self, subject: Subject, period: Period, *, today: dt.date | None = None):
        self.subject = subject
        self.period = period
        self.today = today or timezone.localdate()

    @cached_property
    def counts(self) -> dict:
        """The efficiency counters of the subject over the period (unrestricted: the round decides who sees them)."""
        return figures.counts(actor=None, scope=self.subject.scope(), period=self.period)

    @cached_property
    def indicators(self) -> dict:
        return evaluate(self.counts)

    @cached_property
    def implementations(self) -> list[Implementation]:
        """The subject's active implementations of published items, as the catalog stands now."""
        required = Q(item__current_version__materials__required=True)
        waivable = required & ~Q(item__current_version__materials__source=MaterialSpec.Source.APPLICANT)
        rows = (
            ItemImplementation.objects.filter(
                self.subject.where("department", "department__region"),
                active=True,
                item__current_version__isnull=False,
            )
            .select_related("item__current_version", "department")
            .annotate(
                n_materials=Count("item__current_version__materials"),
                n_required=Count("item__current_version__materials", filter=required),
                n_waivable=Count("item__current_version__materials", filter=waivable),
            )
            .order_by("code")
        )
        bookable = set(AppointmentPattern.objects.filter(active=True).values_list("center__region_id", "department_id"))
        return [
            Implementation(
                row=row,
                materials=row.n_materials,
                required=row.n_required,
                waivable=row.n_waivable,
                bookable=(row.department.region_id, None) in bookable
                or (row.department.region_id, row.department_id) in bookable,
            )
            for row in rows
        ]


def share(values: list[bool]) -> float | None:
    """The share of true values; None when there is nothing to measure (no case is not 0%)."""
    return sum(values) / len(values) if values else None


def mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None
