"""A subject's weighted total and the rankings: arithmetic only, no query, so a test can check it by hand.

An indicator's points are its dimension's weight shared among the dimension's indicators by their weights. It earns
  computed: the snapshotted fraction × points;
  scored:   the mean of the evaluators' scores ÷ the maximum × points.
A scored indicator nobody scored is **missing**: it earns 0 and is flagged in the report, since scoring it was the
evaluators' job. A computed indicator with nothing to measure (no case decided, no claim notice) does **not apply**
to the subject: its points are left out and the total is scaled back to full marks over the points that applied,
so a department is neither rewarded nor punished for work it had none of.
"""

import dataclasses
from collections.abc import Iterable
from decimal import Decimal

OK, MISSING, NO_DATA = "ok", "missing", "no_data"


def points(indicators: Iterable) -> dict[int, float]:
    """Each indicator's points: dimension.weight × weight ÷ the dimension's Σ weights (indicators with .dimension)."""
    indicators = list(indicators)
    totals: dict[int, Decimal] = {}
    for indicator in indicators:
        totals[indicator.dimension_id] = totals.get(indicator.dimension_id, Decimal(0)) + indicator.weight
    return {
        i.pk: float(i.dimension.weight * i.weight / totals[i.dimension_id])
        for i in indicators
        if totals[i.dimension_id]
    }


@dataclasses.dataclass
class Line:
    fraction: float | None
    points: float
    state: str
    scores: int = 0  # how many evaluators scored it

    @property
    def earned(self) -> float:
        return (self.fraction or 0.0) * self.points if self.state != NO_DATA else 0.0


@dataclasses.dataclass
class Result:
    lines: dict[int, Line]
    dimension_of: dict[int, int]  # indicator → dimension

    @property
    def full(self) -> float:
        return sum(line.points for line in self.lines.values())

    @property
    def applicable(self) -> float:
        return sum(line.points for line in self.lines.values() if line.state != NO_DATA)

    @property
    def earned(self) -> float:
        return sum(line.earned for line in self.lines.values())

    @property
    def total(self) -> float | None:
        """Out of full marks; None when no indicator applied."""
        if not self.applicable:
            return None
        return round(self.earned / self.applicable * self.full, 2)

    def missing(self) -> list[int]:
        return [pk for pk, line in self.lines.items() if line.state == MISSING]

    def no_data(self) -> list[int]:
        return [pk for pk, line in self.lines.items() if line.state == NO_DATA]

    def dimensions(self) -> dict[int, dict[str, float]]:
        """Points earned and available per dimension, before any scaling."""
        found: dict[int, dict[str, float]] = {}
        for pk, line in self.lines.items():
            into = found.setdefault(self.dimension_of[pk], {"earned": 0.0, "points": 0.0})
            into["earned"] += line.earned
            into["points"] += line.points
        return {pk: {k: round(v, 4) for k, v in d.items()} for pk, d in found.items()}

    def as_dict(self) -> dict:
        return {
            "total": self.total,
            "earned": round(self.earned, 4),
            "applicable": round(self.applicable, 4),
            "full": round(self.full, 4),
            "missing": self.missing(),
            "no_data": self.no_data(),
            "dimensions": {str(k): v for k, v in self.dimensions().items()},
            "lines": {
                str(pk): {
                    "fraction": None if line.fraction is None else round(line.fraction, 6),
                    "points": round(line.points, 4),
                    "earned": round(line.earned, 4),
                    "state": line.state,
                    "scores": line.scores,
                }
                for pk, line in self.lines.items()
            },
        }


def subject_result(
    indicators: Iterable, weights: dict[int, float], computed: dict[int, float | None], scores: dict[int, list[Decimal]]
) -> Result:
    """One subject's lines: `computed` its snapshotted fractions, `scores` every evaluator's score per indicator."""
    lines, dimension_of = {}, {}
    for indicator in indicators:
        dimension_of[indicator.pk] = indicator.dimension_id
        if indicator.computed:
            value = computed.get(indicator.pk)
            lines[indicator.pk] = Line(value, weights[indicator.pk], NO_DATA if value is None else OK)
            continue
        given = scores.get(indicator.pk) or []
        if not given:
            lines[indicator.pk] = Line(0.0, weights[indicator.pk], MISSING)
            continue
        fraction = float(sum(given) / len(given) / indicator.max_score)
        lines[indicator.pk] = Line(fraction, weights[indicator.pk], OK, len(given))
    return Result(lines, dimension_of)


def ranks(totals: dict[int, float | None]) -> dict[int, int | None]:
    """Competition ranking (1, 2, 2, 4) by total, highest first; a subject with no total has no rank."""
    ordered = sorted((t, pk) for pk, t in totals.items() if t is not None)
    ordered.reverse()
    found: dict[int, int | None] = {pk: None for pk, t in totals.items() if t is None}
    for position, (total, pk) in enumerate(ordered, start=1):
        previous = ordered[position - 2] if position > 1 else None
        found[pk] = found[previous[1]] if previous and previous[0] == total else position
    return found
