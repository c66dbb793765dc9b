"""Who sees which round: its region's managers every round of their subtree, an evaluator only the rounds of
their reach they are assigned to, everyone else nothing — the same 404 as a round that does not exist."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.case_fixtures import PDF
from yiwang.core.errors import NotFound
from yiwang.evaluation import selectors, services
from yiwang.evaluation.models import Indicator
from yiwang.org.models import Department, Region, StaffRole

from .conftest import departments

pytestmark = pytest.mark.django_db


@pytest.fixture
def tianhe_round(small_system, evaluator, superuser):
    """天河区's round, set up by the platform's superuser with the same evaluator assigned."""
    return services.round_create(
        actor=superuser,
        system=small_system,
        name="天河区评估",
        region=Region.objects.get(code="440106"),
        period="2026",
        departments=[Department.objects.get(region__code="440106", kind="SAMR")],
        evaluators=[evaluator],
    )


@pytest.fixture
def unassigned_round(small_system, catalog_admin, haizhu):
    return services.round_create(
        actor=catalog_admin,
        system=small_system,
        name="未指派的评估",
        region=haizhu,
        period="2026",
        departments=departments("URBAN"),
    )


def test_an_evaluator_sees_only_the_rounds_assigned(evaluator, draft_round, tianhe_round, unassigned_round):
    assert set(selectors.rounds(actor=evaluator)) == {draft_round, tianhe_round}
    with pytest.raises(NotFound):
        selectors.round_for(actor=evaluator, pk=unassigned_round.pk)


def test_an_evaluator_out_of_reach_sees_nothing_even_assigned(evaluator, draft_round):
    StaffRole.objects.filter(user=evaluator).update(region=Region.objects.get(code="440106"))
    evaluator = type(evaluator).objects.get(pk=evaluator.pk)  # its roles read afresh
    assert list(selectors.rounds(actor=evaluator)) == []


def test_managers_see_their_subtree(catalog_admin, gov_head, superuser, draft_round, tianhe_round, unassigned_round):
    assert set(selectors.rounds(actor=catalog_admin)) == {draft_round, unassigned_round}
    assert set(selectors.rounds(actor=gov_head)) == {draft_round, unassigned_round}
    assert set(selectors.rounds(actor=superuser)) == {draft_round, tianhe_round, unassigned_round}


def test_other_staff_see_nothing(clerk, samr_reviewer, supervisor, tianhe_reviewer, draft_round, tianhe_round):
    for actor in (clerk, samr_reviewer, supervisor, tianhe_reviewer):
        assert list(selectors.rounds(actor=actor)) == [], actor


def test_an_evaluator_reads_their_own_scores_only(scoring_round, evaluator, catalog_admin, haizhu):
    second = type(evaluator).objects.create(username="evaluator-2", display_name="另一位评估员")
    StaffRole.objects.create(
        user=second,
        role="evaluator",
        department=Department.objects.get(region__code="440100", kind="GOV_SERVICE"),
        region=Region.objects.get(code="440100"),
    )
    scoring_round.evaluators.add(second)
    subject = scoring_round.subjects.first()
    mechanism = Indicator.objects.get(dimension__system=scoring_round.system, name="机制建设")
    upload = SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")
    mine = services.score_save(
        actor=evaluator, round_=scoring_round, subject=subject, indicator=mechanism, value="7", evidence=upload
    )
    upload = SimpleUploadedFile("b.pdf", PDF + b"2", content_type="application/pdf")
    theirs = services.score_save(
        actor=second, round_=scoring_round, subject=subject, indicator=mechanism, value="9", evidence=upload
    )
    assert list(selectors.visible_scores(evaluator, scoring_round)) == [mine]
    with pytest.raises(NotFound):
        selectors.score_for(actor=evaluator, round_=scoring_round, pk=theirs.pk)
    assert set(selectors.visible_scores(catalog_admin, scoring_round)) == {mine, theirs}


def test_http_a_clerk_and_an_unassigned_evaluator_get_404(client, clerk, evaluator, unassigned_round, draft_round):
    client.force_login(clerk)
    assert client.get("/workbench/evaluation/").status_code == 404
    assert client.get(f"/workbench/evaluation/{draft_round.pk}/").status_code == 404
    client.force_login(evaluator)
    assert client.get(f"/workbench/evaluation/{unassigned_round.pk}/").status_code == 404
    assert client.get(f"/workbench/evaluation/{draft_round.pk}/").status_code == 200
    # An evaluator opens and closes nothing, and sets up no round.
    assert client.get("/workbench/evaluation/new/").status_code == 404
    assert client.post(f"/workbench/evaluation/{draft_round.pk}/open/").status_code == 404
    draft_round.refresh_from_db()
    assert draft_round.status == "draft"


def test_http_a_citizen_is_turned_away(client, citizen, draft_round):
    client.force_login(citizen)
    assert client.get("/workbench/evaluation/").status_code == 403


def test_http_the_report_is_the_managers(client, scoring_round, evaluator, catalog_admin):
    services.round_close(actor=catalog_admin, round_=scoring_round)
    client.force_login(evaluator)
    page = client.get(f"/workbench/evaluation/{scoring_round.pk}/").content.decode()
    assert 'id="ranking-department"' in page and 'id="report-xlsx"' not in page
    assert client.get(f"/workbench/evaluation/{scoring_round.pk}/report.xlsx").status_code == 404
    assert client.get(f"/workbench/evaluation/{scoring_round.pk}/report.pdf").status_code == 404
    client.force_login(catalog_admin)
    assert client.get(f"/workbench/evaluation/{scoring_round.pk}/report.xlsx").status_code == 200
