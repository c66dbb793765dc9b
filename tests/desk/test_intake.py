"""The walk-in at the window: registration, the material check, and the three outcomes — by service and HTTP."""

import pytest
from django.urls import reverse

from tests.case_fixtures import PDF, food_form, form_for
from yiwang.accounts.models import Person
from yiwang.cases.models import Case, CaseMaterial
from yiwang.core.errors import NotFound, PermissionDenied, ValidationFailed
from yiwang.desk import services
from yiwang.desk.models import QueueTicket

from .conftest import WALK_IN_ID


@pytest.fixture
def walk_in(clerk):
    from yiwang.accounts.services import person_register

    return person_register(actor=clerk, name="王小明", id_number=WALK_IN_ID)


def _specs(implementation):
    return list(implementation.item.current_version.materials.all())


def _to_hand_in(implementation):
    return {s.pk for s in _specs(implementation) if s.source == "applicant"}


def test_accepting_draws_exempt_materials_records_paper_and_closes_the_ticket(
    monday, clerk, hall, window1, marriage, walk_in
):
    services.ticket_issue(center=hall)
    ticket = services.ticket_call_next(actor=clerk, window=window1)
    case = services.desk_intake(
        actor=clerk,
        window=window1,
        implementation=marriage,
        form_data=form_for(marriage, person=walk_in),
        person=walk_in,
        received=_to_hand_in(marriage),
        outcome="accept",
        ticket=ticket,
    )
    assert case.status == Case.Status.UNDER_REVIEW and case.channel == Case.Channel.WINDOW
    assert case.intake_window == window1 and case.accepted_on is not None and case.due_on is not None
    provided = {m.spec.name: m.provided for m in case.materials.all()}
    assert provided["本人居民身份证"] == CaseMaterial.Provided.SHARED
    assert [p for n, p in provided.items() if n != "本人居民身份证"] == [CaseMaterial.Provided.WINDOW]
    ticket.refresh_from_db()
    assert ticket.status == QueueTicket.Status.SERVED and ticket.case == case


def test_accepting_with_a_required_material_missing_is_refused_and_changes_nothing(
    monday, clerk, window1, marriage, walk_in
):
    before = Case.objects.count()
    with pytest.raises(ValidationFailed) as err:
        services.desk_intake(
            actor=clerk,
            window=window1,
            implementation=marriage,
            form_data=form_for(marriage, person=walk_in),
            person=walk_in,
            outcome="accept",
        )
    assert "签字声明" in err.value.fields["materials"][0]
    assert Case.objects.count() == before


def test_correction_lists_every_missing_material_and_the_clerks_points(monday, clerk, window1, food_permit, restaurant):
    specs = [s for s in _specs(food_permit) if s.source == "applicant"]
    case = services.desk_intake(
        actor=clerk,
        window=window1,
        implementation=food_permit,
        form_data=food_form(restaurant),
        entity=restaurant,
        received={specs[0].pk},
        outcome="correct",
        points=["申请书法定代表人未签字", "  "],
    )
    assert case.status == Case.Status.CORRECTION_REQUESTED
    points = case.corrections.get().points
    assert [p for p in points if p.startswith("补交")] == [f"补交《{s.name}》（原件）" for s in specs[1:]]
    assert points[-1] == "申请书法定代表人未签字"


def test_refusal_needs_reasons(monday, clerk, window1, marriage, walk_in):
    with pytest.raises(ValidationFailed) as err:
        services.desk_intake(
            actor=clerk,
            window=window1,
            implementation=marriage,
            form_data=form_for(marriage, person=walk_in),
            person=walk_in,
            outcome="refuse",
        )
    assert "reasons" in err.value.fields
    case = services.desk_intake(
        actor=clerk,
        window=window1,
        implementation=marriage,
        form_data=form_for(marriage, person=walk_in),
        person=walk_in,
        outcome="refuse",
        reasons="申请人未达法定婚龄",
    )
    assert case.status == Case.Status.ACCEPTANCE_REFUSED and case.closed_reason == "申请人未达法定婚龄"


def test_only_clerks_take_walk_ins_and_only_their_regions_items(
    monday, clerk, samr_reviewer, tianhe_clerk, window1, marriage, walk_in
):
    kwargs = {
        "window": window1,
        "implementation": marriage,
        "form_data": form_for(marriage, person=walk_in),
        "person": walk_in,
        "received": _to_hand_in(marriage),
        "outcome": "accept",
    }
    with pytest.raises(PermissionDenied):
        services.desk_intake(actor=samr_reviewer, **kwargs)
    with pytest.raises(NotFound):
        services.desk_intake(actor=tianhe_clerk, **kwargs)


# --- through HTTP ---------------------------------------------------------------------------------


@pytest.fixture
def desk(client, clerk, window1):
    client.force_login(clerk)
    assert client.get(reverse("desk:index"), {"window": window1.pk}).status_code == 302
    return client


def test_the_desk_page_shows_the_queue_and_calls_by_htmx(monday, desk, hall):
    for lane in ("normal", "priority"):
        desk.post(reverse("desk:kiosk", args=[hall.pk]), {"lane": lane})
    page = desk.get(reverse("desk:index"))
    assert page.status_code == 200
    assert page.context["counts"] == {"normal": 1, "priority": 1, "appointment": 0}
    called = desk.post(reverse("desk:call"), HTTP_HX_REQUEST="true")
    assert called.status_code == 200 and "V001" in called.content.decode()
    assert called.templates[0].name == "desk/_queue.html"


def test_walk_in_registration_names_the_bad_field(monday, desk):
    bad = desk.post(reverse("desk:applicant"), {"kind": "person", "id_number": "110105194912310021", "name": "王小明"})
    assert bad.status_code == 422 and bad.context["errors"]["id_number"]
    taken = desk.post(
        reverse("desk:applicant"), {"kind": "person", "id_number": "440105199001011239", "name": "王小明"}
    )
    assert taken.status_code == 422 and "不一致" in taken.context["errors"]["name"][0]
    unknown = desk.post(reverse("desk:applicant"), {"kind": "entity", "uscc": "91440106MA5CXY312D"[:-1] + "0"})
    assert unknown.status_code == 422 and unknown.context["errors"]["uscc"]
    ok = desk.post(reverse("desk:applicant"), {"kind": "person", "id_number": WALK_IN_ID, "name": "王小明"})
    assert ok.status_code == 302
    assert Person.objects.get(id_number=WALK_IN_ID).name == "王小明"
    assert desk.get(reverse("desk:index")).context["applicant"].name == "王小明"


def test_entity_found_by_uscc(monday, desk, restaurant):
    found = desk.post(reverse("desk:applicant"), {"kind": "entity", "uscc": restaurant.uscc})
    assert found.status_code == 302
    assert desk.get(reverse("desk:index")).context["applicant"] == restaurant


def test_item_search_lists_the_regions_implementations(monday, desk):
    page = desk.get(reverse("desk:index"), {"q": "结婚"})
    codes = [impl.code for impl in page.context["implementations"]]
    assert codes[0] == "R040-440105"
    assert all(code.endswith("-440105") or code.startswith("R") for code in codes)


def _intake(desk, implementation, outcome, **extra):
    page = desk.get(reverse("desk:intake", args=[implementation.code]))
    assert page.status_code == 200
    form = form_for(implementation, person=Person.objects.get(id_number=WALK_IN_ID))
    data = {**{f"f-{k}": v for k, v in form.items()}, "outcome": outcome, **extra}
    return desk.post(reverse("desk:intake", args=[implementation.code]), data)


def test_three_outcomes_over_http(monday, desk, marriage):
    declaration = next(s for s in _specs(marriage) if s.source == "applicant")
    outcomes = {}
    for outcome, extra in (
        ("accept", {"received": [declaration.pk]}),
        ("correct", {"points": "请携带户口簿原件"}),
        ("refuse", {"reasons": "一方已有配偶\n不属于本机关管辖"}),
    ):
        desk.post(reverse("desk:applicant"), {"kind": "person", "id_number": WALK_IN_ID, "name": "王小明"})
        response = _intake(desk, marriage, outcome, **extra)
        assert response.status_code == 302, response.content.decode()[:500]
        outcomes[outcome] = Case.objects.get(number=response["Location"].rstrip("/").rsplit("/", 1)[1])
    assert outcomes["accept"].status == Case.Status.UNDER_REVIEW
    assert outcomes["correct"].corrections.get().points == [f"补交《{declaration.name}》（原件）", "请携带户口簿原件"]
    assert outcomes["refuse"].closed_reason == "一方已有配偶\n不属于本机关管辖"
    page = desk.get(reverse("desk:case", args=[outcomes["accept"].number]))
    assert "受理通知书" in page.content.decode()


def test_intake_form_errors_and_scans(monday, desk, marriage):
    desk.post(reverse("desk:applicant"), {"kind": "person", "id_number": WALK_IN_ID, "name": "王小明"})
    declaration = next(s for s in _specs(marriage) if s.source == "applicant")
    bad_phone = _intake(desk, marriage, "accept", **{"received": [declaration.pk], "f-contact_phone": "12"})
    assert bad_phone.status_code == 422 and bad_phone.context["form"].errors["contact_phone"]
    missing = _intake(desk, marriage, "accept")
    assert missing.status_code == 422 and missing.context["errors"]["materials"]
    from django.core.files.uploadedfile import SimpleUploadedFile

    not_a_pdf = SimpleUploadedFile("x.pdf", b"hello", content_type="application/pdf")
    refused = _intake(desk, marriage, "accept", **{f"scan-{declaration.pk}": not_a_pdf})
    assert refused.status_code == 422 and refused.context["errors"][f"scan-{declaration.pk}"]
    scan = SimpleUploadedFile("声明.pdf", PDF, content_type="application/pdf")
    ok = _intake(desk, marriage, "accept", **{f"scan-{declaration.pk}": scan})
    assert ok.status_code == 302
    material = Case.objects.get(number=ok["Location"].rstrip("/").rsplit("/", 1)[1]).materials.get(spec=declaration)
    assert material.file_key and material.filename == "声明.pdf"


def test_a_citizen_cannot_open_the_desk(client, citizen):
    client.force_login(citizen)
    assert client.get(reverse("desk:index")).status_code == 403
