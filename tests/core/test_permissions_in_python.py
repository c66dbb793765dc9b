"""core.permissions.allows decides for a row in hand what restrict() decides in SQL, for every action and every
kind of role: a case reached through its lead department, through an assisting department's task, or only by
region; its tasks; a department."""

import itertools

from yiwang.accounts.models import User
from yiwang.core.permissions import ACTION_ROLES, allows, restrict
from yiwang.workflow.models import Task

USERNAMES = (
    "enterprise",
    "hz-gov_service-clerk",
    "hz-samr-reviewer",
    "hz-urban-reviewer",
    "hz-health-reviewer",
    "th-samr-reviewer",
    "hz-gov_service-supervisor",
    "hz-samr-head",
    "hz-samr-admin",
    "admin",
)


def test_allows_answers_as_restrict_does(in_review):
    rows = [in_review, *Task.objects.filter(case=in_review), in_review.department]
    for username, action, row in itertools.product(USERNAMES, ACTION_ROLES, rows):
        actor = User.objects.get(username=username)
        expected = restrict(type(row).objects.filter(pk=row.pk), actor, action).exists()
        assert allows(actor, action, row) == expected, (username, action, row)
