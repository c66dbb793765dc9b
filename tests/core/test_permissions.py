"""Region and department scoping: a district reviewer sees nothing of another district, and gets 404."""

import pytest

from yiwang.catalog import selectors
from yiwang.catalog.models import ItemImplementation
from yiwang.core.errors import NotFound
from yiwang.core.permissions import restrict
from yiwang.org.models import Department, StaffRole
from yiwang.org.selectors import staff_role_list


def _regions(qs):
    return set(qs.values_list("department__region__code", flat=True))


def test_haizhu_reviewer_sees_only_own_department_in_haizhu(samr_reviewer):
    visible = selectors.staff_implementation_list(actor=samr_reviewer)
    assert visible.exists()
    assert _regions(visible) == {"440105"}
    assert set(visible.values_list("department__kind", flat=True)) == {"SAMR"}


def test_tianhe_reviewer_sees_nothing_of_haizhu(tianhe_reviewer):
    visible = selectors.staff_implementation_list(actor=tianhe_reviewer)
    assert _regions(visible) == {"440106"}
    with pytest.raises(NotFound):
        selectors.staff_implementation(actor=tianhe_reviewer, code="R005-440105")
    assert selectors.staff_implementation(actor=tianhe_reviewer, code="R005-440106").code == "R005-440106"


def test_forbidden_and_missing_are_the_same_error(samr_reviewer):
    with pytest.raises(NotFound) as forbidden:
        selectors.staff_implementation(actor=samr_reviewer, code="R005-440106")
    with pytest.raises(NotFound) as missing:
        selectors.staff_implementation(actor=samr_reviewer, code="NOPE-440105")
    assert forbidden.value.as_dict() == missing.value.as_dict()


def test_supervisor_sees_every_department_of_the_district_only(supervisor):
    visible = selectors.staff_implementation_list(actor=supervisor)
    assert _regions(visible) == {"440105"}
    assert len(set(visible.values_list("department__kind", flat=True))) > 5


def test_city_supervisor_reaches_both_districts_and_the_city(db):
    from yiwang.accounts.models import User

    visible = selectors.staff_implementation_list(actor=User.objects.get(username="gz-supervisor"))
    assert _regions(visible) == {"440100", "440105", "440106"}


def test_public_users_and_anonymous_see_nothing_through_restrict(citizen):
    from django.contrib.auth.models import AnonymousUser

    assert not restrict(ItemImplementation.objects.all(), citizen, "view").exists()
    assert not restrict(ItemImplementation.objects.all(), AnonymousUser(), "view").exists()


def test_only_admins_may_change(samr_reviewer, catalog_admin):
    assert not restrict(ItemImplementation.objects.all(), samr_reviewer, "change").exists()
    assert _regions(restrict(ItemImplementation.objects.all(), catalog_admin, "change")) == {"440105"}


def test_inactive_role_grants_nothing(samr_reviewer):
    StaffRole.objects.filter(user=samr_reviewer).update(active=False)
    assert not selectors.staff_implementation_list(actor=samr_reviewer).exists()


def test_related_lists_are_restricted_too(tianhe_reviewer):
    roles = staff_role_list(actor=tianhe_reviewer)
    assert set(roles.values_list("region__code", flat=True)) == {"440106"}
    assert not restrict(Department.objects.filter(region__code="440105"), tianhe_reviewer).exists()


def test_unknown_action_is_a_programming_error(samr_reviewer):
    with pytest.raises(ValueError):
        restrict(ItemImplementation.objects.all(), samr_reviewer, "fly")


@pytest.mark.parametrize(
    ("persona", "code", "status"),
    [
        ("samr_reviewer", "R005-440105", 200),
        ("samr_reviewer", "R005-440106", 404),
        ("tianhe_reviewer", "R005-440106", 200),
        ("tianhe_reviewer", "R005-440105", 404),
        ("samr_reviewer", "R010-440105", 404),  # another department of the same district
    ],
)
def test_http_scoping_answers_404_not_403(client, request, persona, code, status):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(f"/api/v1/staff/implementations/{code}")
    assert response.status_code == status
    if status == 404:
        assert response.json() == {"error": {"code": "not_found", "message": "未找到，或您无权查看"}}


def test_http_list_holds_no_other_district(client, samr_reviewer):
    client.force_login(samr_reviewer)
    body = client.get("/api/v1/staff/implementations?limit=500").json()
    assert body["count"] > 0
    assert all(row["region_code"] == "440105" for row in body["items"])


def test_staff_api_requires_login(client):
    response = client.get("/api/v1/staff/implementations")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"
