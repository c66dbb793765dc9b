"""Reads of evaluation rounds, each restricted to who may see them.

A region's administrators and its government's 负责人 (evaluation_manage) see every round of their subtree. An
evaluator (evaluate) sees only the rounds of their reach they are assigned to, and within them the subjects'
computed values, their figures for the round's period, and their own scores — not another evaluator's.
"""

from collections import defaultdict

from django.db.models import Q

from yiwang.core.errors import NotFound
from yiwang.core.permissions import allows, restrict
from yiwang.insights import selectors as figures
from yiwang.insights.indicators import INDICATORS
from yiwang.insights.periods import Period
from yiwang.org.models import Department, Region, StaffRole

from .models import ComputedValue, EvaluationRound, EvaluationSystem, Indicator, RoundSubject, Score
from .subjects import Subject


def rounds(*, actor):
    managed = restrict(EvaluationRound.objects.all(), actor, "evaluation_manage")
    assigned = restrict(EvaluationRound.objects.filter(evaluators=actor.pk), actor, "evaluate")
    return (
        EvaluationRound.objects.filter(Q(pk__in=managed.values("pk")) | Q(pk__in=assigned.values("pk")))
        .select_related("system", "region")
        .order_by("-created_at", "-pk")
    )


def round_for(*, actor, pk: int) -> EvaluationRound:
    found = rounds(actor=actor).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def manages(actor, round_: EvaluationRound) -> bool:
    return allows(actor, "evaluation_manage", round_)


def scores_as_evaluator(actor, round_: EvaluationRound) -> bool:
    """An assigned evaluator (round_for already found the round visible to them)."""
    return allows(actor, "evaluate", round_) and round_.evaluators.filter(pk=actor.pk).exists()


def indicators(round_: EvaluationRound) -> list[Indicator]:
    return list(
        Indicator.objects.filter(dimension__system_id=round_.system_id)
        .select_related("dimension")
        .order_by("dimension__position", "position")
    )


def subjects(round_: EvaluationRound) -> list[RoundSubject]:
    return list(round_.subjects.select_related("department__region", "district").order_by("pk"))


def subject_for(*, round_: EvaluationRound, pk: int) -> RoundSubject:
    found = round_.subjects.select_related("department__region", "district").filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def indicator_for(*, round_: EvaluationRound, pk: int) -> Indicator:
    """One indicator of the round's system; another system's is the same NotFound as a missing one."""
    found = Indicator.objects.select_related("dimension").filter(pk=pk, dimension__system=round_.system_id).first()
    if found is None:
        raise NotFound()
    return found


def round_matrix(*, actor, round_: EvaluationRound) -> tuple[list[Indicator], list[dict]]:
    """The round page's table: per subject, each indicator's computed value, or the mean of the scores the actor
    may see with their count and the maximum."""
    indicators_ = indicators(round_)
    values = computed_values(round_)
    table = score_table(actor, round_)
    rows = []
    for subject in subjects(round_):
        cells = []
        for indicator in indicators_:
            if indicator.computed:
                cells.append({"computed": True, "value": values.get((subject.pk, indicator.pk))})
                continue
            scores = table.get((subject.pk, indicator.pk), [])
            mean = sum(s.value for s in scores) / len(scores) if scores else None
            cells.append({"computed": False, "value": mean, "count": len(scores), "max": indicator.max_score})
        rows.append({"subject": subject, "cells": cells})
    return indicators_, rows


def computed_values(round_: EvaluationRound) -> dict[tuple[int, int], float | None]:
    rows = ComputedValue.objects.filter(subject__round=round_).values_list("subject_id", "indicator_id", "value")
    return {(s, i): v for s, i, v in rows}


def visible_scores(actor, round_: EvaluationRound):
    """Every score of the round for its managers; an evaluator's own otherwise."""
    found = Score.objects.filter(subject__round=round_).select_related("evaluator")
    return found if manages(actor, round_) else found.filter(evaluator=actor.pk)


def score_table(actor, round_: EvaluationRound) -> dict[tuple[int, int], list[Score]]:
    table = defaultdict(list)
    for score in visible_scores(actor, round_):
        table[(score.subject_id, score.indicator_id)].append(score)
    return table


def score_for(*, actor, round_: EvaluationRound, pk: int) -> Score:
    found = visible_scores(actor, round_).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def subject_figures(subject: RoundSubject, round_: EvaluationRound) -> list[tuple]:
    """The subject's efficiency indicators over the round's period, each (indicator, value): what an evaluator of the
    round may read of its figures."""
    scope = Subject(department=subject.department, region=subject.district).scope()
    values = figures.indicators(actor=None, scope=scope, period=Period.parse(round_.period))
    return [(INDICATORS[code], value) for code, value in values.items()]


# Setting a round up: what the form offers the actor.


def systems():
    return EvaluationSystem.objects.order_by("code")


def managed_regions(*, actor):
    return restrict(Region.objects.exclude(level=Region.Level.COMMUNITY), actor, "evaluation_manage").order_by("path")


def candidate_departments(region: Region):
    return (
        Department.objects.filter(region__path__startswith=region.path)
        .exclude(kind=Department.STREET_OFFICE)
        .select_related("region")
        .order_by("region__path", "kind")
    )


def candidate_districts(region: Region):
    return Region.objects.filter(parent=region).order_by("code")


def candidate_evaluators(region: Region):
    from yiwang.accounts.models import User

    roles = StaffRole.objects.filter(
        role=StaffRole.Role.EVALUATOR, active=True, region__in=region.ancestors_and_self()
    ).values("user_id")
    return User.objects.filter(pk__in=roles, is_active=True).order_by("username")
