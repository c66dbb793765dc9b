"""Counting the portal's searches that found no good answer, by week (catalog.misses says how a query is kept)."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone

from ..misses import mask_query, week_of
from ..models import SearchMiss

WEEK_ROWS_MAX = 20_000  # distinct unanswered queries kept a week; a city's real ones are a few thousand


def search_miss_record(*, query: str, outcome: str, at: dt.datetime | None = None) -> None:
    """Count one search the portal had no confident answer for: `outcome` is a SearchMiss.Outcome value, `at` the
    moment (now by default), counted in its local week. A query empty once masked is not counted.

    No actor and no audit entry, deliberately: this is anonymous public telemetry, a count of masked queries that
    names nobody and decides nothing, written on every unanswered search of a public page; an audit entry each
    time would swamp the audit chain with noise and make every search pay for a chained write.

    One UPDATE when the week already has the query (the usual case); else, unless the week already holds
    WEEK_ROWS_MAX queries, an INSERT, and if a concurrent first search inserted it in between (the unique
    constraint says so), the UPDATE again.
    """
    if outcome not in SearchMiss.Outcome.values:
        raise ValueError(f"not a search miss outcome: {outcome!r}")
    masked = mask_query(query)
    if not masked:
        return
    at = at or timezone.now()
    key = {"week": week_of(timezone.localdate(at)), "query": masked, "outcome": outcome}
    row = SearchMiss.objects.filter(**key)
    # Greatest: a late call (a retried request) must not move the last sighting back.
    bump = {"count": F("count") + 1, "last_seen": Greatest("last_seen", at)}
    if row.update(**bump):
        return
    # A bot typing a new string every time could otherwise grow the table without end; the queries editors need
    # repeat, so a full week still counts those already in it.
    if SearchMiss.objects.filter(week=key["week"]).count() >= WEEK_ROWS_MAX:
        return
    try:
        with transaction.atomic():
            SearchMiss.objects.create(**key, count=1, last_seen=at)
    except IntegrityError:
        row.update(**bump)
