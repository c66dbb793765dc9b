"""The catalog's page on the staff site: the queries the portal's search had no good answer for, week by week, for
the editors growing its vocabulary. The selector decides who may read them (the 404 of a missing page for others)."""

import datetime as dt

from django.shortcuts import render
from django.utils import timezone

from yiwang.core.decorators import staff_required

from . import selectors
from .misses import week_of

WEEK = dt.timedelta(days=7)


@staff_required
def search_misses(request):
    """?week=YYYY-MM-DD shows the week of that day; this week without one, or (saying so) when it is not a date."""
    this_week = week_of(timezone.localdate())
    asked = request.GET.get("week", "")
    week, invalid = this_week, False
    if asked:
        try:
            week = week_of(dt.date.fromisoformat(asked))
        except ValueError:
            invalid = True
    rows = selectors.search_misses(actor=request.user, week=week)
    return render(
        request,
        "catalog/search_misses.html",
        {
            "rows": rows,
            "week": week,
            "week_end": week + dt.timedelta(days=6),
            "asked": asked if invalid else "",
            "this_week": this_week,
            # 0001-01-01, a Monday, has no week before it; no week after this one has any rows yet.
            "previous": week - WEEK if week > dt.date.min else None,
            "next": week + WEEK if week < this_week else None,
        },
    )
