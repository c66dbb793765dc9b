"""Every admin list opens for the superuser, and rows that only services write offer no add button."""

import pytest

READ_ONLY = [
    "cases/case",
    "workflow/task",
    "core/event",
    "core/auditentry",
    "core/auditanchor",
    "ratings/rating",
    "ratings/rectification",
    "core/consumerfailure",
]
OTHERS = [
    "workflow/processdefinition",
    "accounts/apitoken",
    "org/region",
    "org/staffrole",
    "accounts/person",
    "core/workdayoverride",
]


@pytest.mark.parametrize("model", READ_ONLY + OTHERS)
def test_changelist_opens(client, superuser, model):
    client.force_login(superuser)
    assert client.get(f"/admin/{model}/").status_code == 200


@pytest.mark.parametrize("model", READ_ONLY)
def test_service_written_rows_cannot_be_added_by_hand(client, superuser, model):
    client.force_login(superuser)
    assert client.get(f"/admin/{model}/add/").status_code == 403
