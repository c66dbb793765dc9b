"""Every indicator against figures worked out by hand on a small, known set of cases (海珠区, November 2025, a
month with no holiday), read through the API as a leader would, and from the daily figures the worker keeps."""

import pytest

from yiwang.insights.counting import count_cases
from yiwang.insights.indicators import INDICATORS, evaluate

# 海珠区, November 2025, worked out by hand from the comments on the `known` fixture (conftest.py).
NOVEMBER = {
    "online_rate": 3 / 5,  # received: C1 C2 C3 C5 C6; online: C1 C3 C6
    "full_online_rate": 2 / 5,  # online, e-delivery, no visit: C1 C6
    "visits_avg": 3 / 5,  # C2 2, C5 1
    "zero_visit_rate": 3 / 5,
    "materials_waived_rate": 6 / 9,  # required 3+2+4, waived 2+4
    "limit_compression_rate": (0.5 + 0.5 + 0.5 + 0.95 + 0.5) / 5,
    "first_time_accepted_rate": 4 / 6,  # accepted: C1 C2 C3 C4 C5 C6; corrected: C2 C6
    "early_rate": 2 / 5,  # decided: C1 C2 C3 C4 C5; early: C1 C5
    "on_time_rate": 4 / 5,
    "overdue_count": 1,
    "instant_rate": 1 / 5,  # C4
    "hall_conclusion_rate": 1 / 5,  # C5
    "avg_working_days": (4 + 10 + 13 + 0 + 0) / 5,
    "speedup_rate": ((1 - 4 / 20) + (1 - 10 / 20) + (1 - 13 / 20) + 1) / 4,  # C4 has no statutory limit
    "satisfaction_rate": 2 / 3,  # ratings: C1 5, C2 2, C3 4 (C5's is December's)
    "bad_rating_rectified_rate": 1.0,
    "supervision_count": 1,
}


def _api(client, user, **params):
    client.force_login(user)
    return client.get("/api/v1/insights/indicators", params)


def test_every_indicator_equals_the_hand_count(client, known, superuser):
    assert set(NOVEMBER) == set(INDICATORS)
    answer = _api(client, superuser, period="2025-11", region="440105")
    assert answer.status_code == 200, answer.content
    got = answer.json()["indicators"]
    for code, expected in NOVEMBER.items():
        assert got[code] == pytest.approx(expected, abs=1e-6), code


def test_each_figure_counts_in_the_period_of_its_own_event(client, known, superuser):
    """C4 applied in October and was accepted and decided in November; C5's rating at 00:30 on 1 December local
    time belongs to December although it is still 30 November in UTC."""
    october = _api(client, superuser, period="2025-10", region="440105").json()
    assert october["counts"]["applied"] == 1
    assert october["counts"]["accepted"] == 0
    december = _api(client, superuser, period="2025-12", region="440105").json()
    assert december["counts"]["ratings"] == 1
    quarter = _api(client, superuser, period="2025-Q4", region="440105").json()
    assert quarter["counts"]["applied"] == 6
    assert [point["period"] for point in quarter["trend"]] == ["2025-10", "2025-11", "2025-12"]
    assert quarter["trend"][1]["online_rate"] == pytest.approx(0.6)


def test_a_department_an_item_a_window_and_a_staff_member(client, known, superuser, clerk):
    other = known["other"]
    by_department = _api(client, superuser, period="2025-11", department=other.department.code).json()
    assert by_department["counts"]["applied"] == 2  # C5, C6
    assert by_department["indicators"]["online_rate"] == pytest.approx(0.5)
    assert by_department["indicators"]["hall_conclusion_rate"] == 1.0
    by_item = _api(client, superuser, period="2025-11", item=known["food"].item.code).json()
    assert by_item["counts"]["decided"] == 4  # C1 C2 C3 C4
    by_window = _api(client, superuser, period="2025-11", window=known["window"].pk).json()
    assert by_window["counts"]["applied"] == 2  # C2, C5
    by_staff = _api(client, superuser, period="2025-11", staff=clerk.username).json()
    assert by_staff["counts"]["applied"] == 2
    by_centre = _api(client, superuser, period="2025-11", center=known["hall"].pk).json()
    assert by_centre["indicators"]["visits_avg"] == pytest.approx(1.5)


def test_a_rate_without_a_denominator_is_null_not_zero(client, known, superuser):
    answer = _api(client, superuser, period="2025-09", region="440105", codes="online_rate,overdue_count").json()
    assert answer["indicators"] == {"online_rate": None, "overdue_count": 0}


@pytest.mark.parametrize("period", ["2025-13", "2025-Q5", "25-11", "2025-11-31", ""])
def test_a_bad_period_is_refused(client, known, superuser, period):
    answer = _api(client, superuser, period=period)
    assert answer.status_code == 422


def test_unknown_codes_are_refused(client, known, superuser):
    answer = _api(client, superuser, period="2025-11", codes="online_rate,happiness")
    assert answer.status_code == 422
    assert answer.json()["error"]["subcode"] == "indicator_unknown"


def test_what_each_role_may_read(client, known, supervisor, samr_reviewer, citizen, tianhe_reviewer):
    """效能监察 reads its district; a reviewer and a citizen read nothing; another district is not found."""
    assert _api(client, supervisor, period="2025-11", region="440105").json()["counts"]["applied"] == 5
    assert _api(client, supervisor, period="2025-11", region="440106").status_code == 404
    assert _api(client, samr_reviewer, period="2025-11").status_code == 404
    assert _api(client, citizen, period="2025-11").status_code == 404


def test_a_department_head_reads_only_their_department(client, known, samr_signer):
    food = known["food"]
    mine = _api(client, samr_signer, period="2025-11", region="440105").json()
    assert mine["counts"]["applied"] == 3  # C1 C2 C3: the food department's own
    other = _api(client, samr_signer, period="2025-11", department=known["other"].department.code)
    assert other.status_code == 404
    assert _api(client, samr_signer, period="2025-11", department=food.department.code).status_code == 200


def test_the_stored_figures_equal_a_direct_count_from_the_cases(known):
    """What the daily rows sum to, for every scope, equals counting the cases straight."""
    from yiwang.insights.periods import Period
    from yiwang.insights.selectors import Scope, counts
    from yiwang.org.models import Region

    haizhu = Region.objects.get(code="440105")
    for period in ("2025-10", "2025-11", "2025-12", "2025-Q4"):
        window = Period.parse(period)
        for scope, where in (
            (Scope(region=haizhu), {"region__path__startswith": haizhu.path}),
            (Scope(department_id=known["other"].department_id), {"department_id": known["other"].department_id}),
            (Scope(item_id=known["food"].item_id), {"item_id": known["food"].item_id}),
            (Scope(window_id=known["window"].pk), {"intake_window_id": known["window"].pk}),
        ):
            direct = count_cases(start=window.start, end=window.end, group=(), by_day=False, where=where)
            expected = direct.get((None,), {})
            stored = counts(actor=None, scope=scope, period=window)
            assert evaluate(stored) == evaluate(expected), (period, scope)


def test_a_staff_member_out_of_reach_is_the_same_404_as_none(client, known, supervisor, clerk, tianhe_reviewer):
    """A district's 效能监察 names its own clerks; a username of another district answers as one that does not
    exist, so the answer tells nobody which usernames exist."""
    assert _api(client, supervisor, period="2025-11", staff=clerk.username).status_code == 200
    assert _api(client, supervisor, period="2025-11", staff=tianhe_reviewer.username).status_code == 404
    assert _api(client, supervisor, period="2025-11", staff="nobody-at-all").status_code == 404
