"""容缺受理, 告知承诺 and the green channel: what the catalog allows, what credit takes away or extends, and the
grant that waits for a deferred material — through the services, the desk, the kiosk and the applicant's pages."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.case_fixtures import PDF, decide, food_form, form_for, uploads_for
from yiwang.accounts.models import Entity
from yiwang.cases import selectors as case_selectors
from yiwang.cases import services as cases
from yiwang.cases.models import Case, CaseMaterial
from yiwang.catalog.models import ItemImplementation, LicenceType
from yiwang.core.errors import InvalidTransition, NotFound, ValidationFailed
from yiwang.core.storage import store_upload
from yiwang.credit.services import credit_record_add
from yiwang.desk import services
from yiwang.desk.models import QueueTicket
from yiwang.licences.selectors import licence_verify
from yiwang.licences.services import licence_import
from yiwang.org.models import Department


@pytest.fixture
def samr(db):
    return Department.objects.get(region__code="440105", kind="SAMR")


@pytest.fixture
def construction(db):
    """建筑工程施工许可证核发 at 海珠区: 建设资金落实证明 may be replaced by a commitment (告知承诺制)."""
    return ItemImplementation.objects.get(code="R015-440105")


def _list(entity, kind, department):
    return credit_record_add(
        actor=None,
        entity=entity,
        list_kind=kind,
        department=department,
        basis="《国务院关于建立完善守信联合激励和失信联合惩戒制度的指导意见》",
        reason=f"{kind} 测试事由",
        starts_on=dt.date(2026, 1, 5),
    )


def _spec(implementation, name):
    return implementation.item.current_version.materials.get(name=name)


def _applicant_specs(implementation):
    return [s for s in implementation.item.current_version.materials.all() if s.source == "applicant"]


SELF_CHECK = "食品安全自查、从业人员健康管理等制度"  # marked 可容缺 in the catalog
LAYOUT = "与食品经营相适应的主要设备设施布局、操作流程等文件"  # not marked


def _window_intake(clerk, window, implementation, entity, *, defer=(), commit=(), received=None):
    specs = _applicant_specs(implementation)
    names = set(defer) | set(commit)
    return services.desk_intake(
        actor=clerk,
        window=window,
        implementation=implementation,
        form_data=form_for(implementation, entity=entity),
        entity=entity,
        received={s.pk for s in specs if s.name not in names} if received is None else received,
        deferred={_spec(implementation, n).pk for n in defer},
        committed={_spec(implementation, n).pk for n in commit},
        outcome="accept",
    )


def _construction_uploads(construction, *, skip):
    """Every material handed in: the restaurant holds no 建设工程规划许可证 e-licence, so that one too."""
    planning = _spec(construction, "建设工程规划许可证")
    return {
        **uploads_for(construction, skip=skip),
        planning.pk: (store_upload(data=PDF + b"planning", field="materials"), "规划许可证.pdf"),
    }


def _apply_with_commitment(agent, construction, entity, name):
    """An online construction-permit application replacing the named material with a written commitment."""
    spec = _spec(construction, name)
    return cases.case_submit(
        actor=agent,
        implementation=construction,
        entity=entity,
        form_data=form_for(construction, entity=entity),
        uploads=_construction_uploads(construction, skip={name}),
        commitments={spec.pk},
    )


def _says(err, text):
    return any(text in m for messages in err.value.fields.values() for m in messages)


def _to_decision(case, samr_reviewer, urban_reviewer):
    tasks = {t.department.kind: t for t in case.tasks.select_related("department")}
    cases.task_complete(actor=urban_reviewer, task=tasks["URBAN"], outcome="agree", opinion="同意")
    cases.task_claim(actor=samr_reviewer, task=tasks["SAMR"])
    cases.task_complete(actor=samr_reviewer, task=tasks["SAMR"], outcome="agree", opinion="同意")


# --- 容缺受理 -------------------------------------------------------------------------------------------


def test_a_tolerable_material_is_deferred_with_a_due_date_and_the_grant_waits_for_it(
    monday, clerk, window1, food_permit, restaurant, enterprise_agent, samr_reviewer, urban_reviewer
):
    case = _window_intake(clerk, window1, food_permit, restaurant, defer=[SELF_CHECK])
    assert case.status == Case.Status.UNDER_REVIEW and not case.green_channel
    deferred = case.materials.get(spec__name=SELF_CHECK)
    # Five working days from Monday 2026-11-23.
    assert deferred.provided == CaseMaterial.Provided.DEFERRED and deferred.due_on == dt.date(2026, 11, 30)
    assert case.materials.get(spec__name="营业执照").provided == CaseMaterial.Provided.LICENCE
    accepted = case.log.get(action="accept")
    assert f"容缺受理：《{SELF_CHECK}》须于 2026-11-30 前补齐" in accepted.note

    _to_decision(case, samr_reviewer, urban_reviewer)
    with pytest.raises(InvalidTransition, match=SELF_CHECK):
        decide(case, grant=True)

    stored = store_upload(data=PDF + b"self-check", field="file")
    cases.case_material_supply(
        actor=enterprise_agent, case=case, spec=deferred.spec, stored=stored, filename="制度.pdf"
    )
    deferred.refresh_from_db()
    assert deferred.provided == CaseMaterial.Provided.UPLOADED and deferred.due_on is None
    assert deferred.file_key == stored.key and "已补齐" in deferred.note
    assert case.log.filter(action="supply_material").exists()
    # The applicant's own step is on the applicant's timeline too.
    assert "补齐容缺材料" in [str(e.label) for e in case_selectors.applicant_timeline(case)]
    granted = decide(case, grant=True)
    assert granted.status == Case.Status.GRANTED


def test_a_material_the_catalog_does_not_mark_tolerable_cannot_be_deferred(
    monday, clerk, window1, food_permit, restaurant
):
    before = Case.objects.count()
    with pytest.raises(ValidationFailed) as err:
        _window_intake(clerk, window1, food_permit, restaurant, defer=[LAYOUT])
    assert "不属于可容缺材料" in err.value.fields["materials"][0]
    assert Case.objects.count() == before


def test_deferring_is_the_windows_call_not_an_online_applicants(monday, enterprise_agent, food_permit, restaurant):
    with pytest.raises(ValidationFailed) as err:
        cases.case_submit(
            actor=enterprise_agent,
            implementation=food_permit,
            entity=restaurant,
            form_data=food_form(restaurant),
            uploads=uploads_for(food_permit, skip={SELF_CHECK}),
            deferred={_spec(food_permit, SELF_CHECK).pk},
        )
    assert _says(err, "容缺受理须由窗口当场决定")


def test_a_supplied_material_must_be_a_deferred_one_and_the_case_must_be_open(
    monday, clerk, window1, food_permit, restaurant, enterprise_agent, citizen
):
    case = _window_intake(clerk, window1, food_permit, restaurant, defer=[SELF_CHECK])
    stored = store_upload(data=PDF, field="file")
    with pytest.raises(InvalidTransition, match="不是待补齐"):
        cases.case_material_supply(actor=enterprise_agent, case=case, spec=_spec(food_permit, LAYOUT), stored=stored)
    with pytest.raises(NotFound):
        cases.case_material_supply(actor=citizen, case=case, spec=_spec(food_permit, SELF_CHECK), stored=stored)
    with pytest.raises(ValidationFailed):  # online, a file is the material
        cases.case_material_supply(actor=enterprise_agent, case=case, spec=_spec(food_permit, SELF_CHECK))
    cases.case_withdraw(actor=enterprise_agent, case=case, reason="不办了")
    with pytest.raises(InvalidTransition, match="已办结"):
        cases.case_material_supply(
            actor=enterprise_agent, case=case, spec=_spec(food_permit, SELF_CHECK), stored=stored
        )


# --- credit: the green channel extends it, serious dishonesty takes it away ------------------------------


def test_a_red_listed_entity_may_defer_any_material_and_its_case_is_reviewed_first(
    monday, clerk, window1, food_permit, restaurant, samr, in_review, samr_reviewer
):
    _list(restaurant, "red", samr)
    case = _window_intake(clerk, window1, food_permit, restaurant, defer=[LAYOUT])
    assert case.green_channel
    assert case.materials.get(spec__name=LAYOUT).provided == CaseMaterial.Provided.DEFERRED
    # The earlier, ordinary case has the same deadline and a lower number; the green channel's goes first.
    inbox = [t.case_id for t in case_selectors.inbox(samr_reviewer)]
    assert inbox.index(case.pk) < inbox.index(in_review.pk)


def test_serious_dishonesty_loses_tolerance(monday, clerk, window1, food_permit, restaurant, samr):
    _list(restaurant, "serious", samr)
    before = Case.objects.count()
    with pytest.raises(ValidationFailed) as err:
        _window_intake(clerk, window1, food_permit, restaurant, defer=[SELF_CHECK])
    assert "不适用容缺受理和告知承诺" in err.value.fields["materials"][0]
    assert Case.objects.count() == before
    # With every material in hand, the same entity is accepted (the rule hit is recorded, not a block).
    case = _window_intake(clerk, window1, food_permit, restaurant)
    assert case.status == Case.Status.UNDER_REVIEW
    assert case.credit_hits.filter(effect="deny_tolerance").exists()


# --- 告知承诺 --------------------------------------------------------------------------------------------


def test_a_commitment_replaces_a_certificate_where_the_catalog_allows_it(
    monday, enterprise_agent, construction, restaurant, clerk
):
    funds = _spec(construction, "建设资金落实证明")
    case = _apply_with_commitment(enterprise_agent, construction, restaurant, funds.name)
    committed = case.materials.get(spec=funds)
    assert committed.provided == CaseMaterial.Provided.COMMITMENT and not committed.file_key
    assert cases.case_accept(actor=clerk, case=case).status == Case.Status.UNDER_REVIEW

    with pytest.raises(ValidationFailed) as err:
        _apply_with_commitment(enterprise_agent, construction, restaurant, "施工合同")
    assert _says(err, "《施工合同》不适用告知承诺")


def test_serious_dishonesty_loses_the_commitment_at_acceptance(
    monday, enterprise_agent, construction, restaurant, clerk, samr
):
    funds = _spec(construction, "建设资金落实证明")
    case = _apply_with_commitment(enterprise_agent, construction, restaurant, funds.name)
    _list(restaurant, "serious", samr)
    with pytest.raises(ValidationFailed) as err:
        cases.case_accept(actor=clerk, case=case)
    assert _says(err, "不适用容缺受理和告知承诺")
    case.refresh_from_db()
    assert case.status == Case.Status.SUBMITTED
    # The clerk's way on: one correction notice asking for the certificate itself.
    cases.case_request_correction(actor=clerk, case=case, points=[f"补交《{funds.name}》（原件）"])


# --- a licence material with no e-licence on record -------------------------------------------------------


@pytest.fixture
def newcomer(db, enterprise_agent):
    """An enterprise on the register whose business licence predates the e-licence store."""
    entity = Entity.objects.create(
        uscc="91440105MA9XXXXX43",
        name="广州市海珠区新来餐饮店",
        legal_representative="孙九",
        region=Department.objects.get(region__code="440105", kind="SAMR").region,
        business_scope=["餐饮服务"],
    )
    entity.agents.add(enterprise_agent)
    return entity


def test_a_licence_not_in_the_store_is_handed_in_and_one_imported_later_is_drawn(
    monday, enterprise_agent, food_permit, newcomer, samr
):
    with pytest.raises(ValidationFailed) as err:
        cases.case_submit(
            actor=enterprise_agent,
            implementation=food_permit,
            entity=newcomer,
            form_data=food_form(newcomer),
            uploads=uploads_for(food_permit),
        )
    assert _says(err, "缺少必需材料：营业执照")
    licence_spec = _spec(food_permit, "营业执照")
    uploads = {
        **uploads_for(food_permit),
        licence_spec.pk: (store_upload(data=PDF + b"licence", field="materials"), "营业执照.pdf"),
    }
    case = cases.case_submit(
        actor=enterprise_agent,
        implementation=food_permit,
        entity=newcomer,
        form_data=food_form(newcomer),
        uploads=uploads,
    )
    assert case.materials.get(spec=licence_spec).provided == CaseMaterial.Provided.UPLOADED

    imported = licence_import(
        actor=None,
        licence_type=LicenceType.objects.get(code="BIZ_LICENCE"),
        department=samr,
        number="440105000123456",
        issued_on=dt.date(2019, 6, 1),
        entity=newcomer,
    )
    assert licence_verify(imported.number).status == "valid"
    again = cases.case_submit(
        actor=enterprise_agent,
        implementation=food_permit,
        entity=newcomer,
        form_data=food_form(newcomer),
        uploads=uploads_for(food_permit),
    )
    drawn = again.materials.get(spec=licence_spec)
    assert drawn.provided == CaseMaterial.Provided.LICENCE and drawn.licence == imported


def test_importing_a_licence_is_idempotent_and_scoped_to_the_issuing_department(
    monday, newcomer, samr, samr_head, tianhe_reviewer
):
    kwargs = {
        "licence_type": LicenceType.objects.get(code="BIZ_LICENCE"),
        "department": samr,
        "number": "440105000123456",
        "issued_on": dt.date(2019, 6, 1),
        "entity": newcomer,
    }
    first = licence_import(actor=samr_head, **kwargs)
    assert licence_import(actor=samr_head, **kwargs) == first
    with pytest.raises(NotFound):
        licence_import(actor=tianhe_reviewer, **kwargs)
    with pytest.raises(ValidationFailed):
        licence_import(actor=samr_head, **{**kwargs, "entity": None})


# --- through HTTP: the desk, the kiosk and the applicant's page --------------------------------------------


@pytest.fixture
def desk(client, clerk, window1):
    client.force_login(clerk)
    assert client.get(reverse("desk:index"), {"window": window1.pk}).status_code == 302
    return client


def _desk_form(entity, **extra):
    form = {f"f-{k}": v for k, v in food_form(entity).items()}
    return {**form, "delivery_method": "window", "outcome": "accept", **extra}


def test_the_desk_offers_tolerance_defers_over_http_and_receives_the_paper_later(monday, desk, food_permit, restaurant):
    desk.post(reverse("desk:applicant"), {"kind": "entity", "uscc": restaurant.uscc})
    url = reverse("desk:intake", args=[food_permit.code])
    page = desk.get(url).content.decode()
    self_check, layout = _spec(food_permit, SELF_CHECK), _spec(food_permit, LAYOUT)
    assert f'name="deferred" value="{self_check.pk}"' in page
    assert f'name="deferred" value="{layout.pk}"' not in page
    assert "已调取电子证照 440105-2023-YYZZ-000001" in page

    received = [s.pk for s in _applicant_specs(food_permit) if s != self_check]
    response = desk.post(url, _desk_form(restaurant, received=received, deferred=[self_check.pk]))
    assert response.status_code == 302, response.content.decode()[:800]
    case = Case.objects.get(number=response["Location"].rstrip("/").rsplit("/", 1)[1])
    case_page = desk.get(reverse("desk:case", args=[case.number])).content.decode()
    assert "容缺，待补齐" in case_page and "2026-11-30" in case_page

    desk.post(reverse("desk:supply", args=[case.number, self_check.pk]))
    material = case.materials.get(spec=self_check)
    assert material.provided == CaseMaterial.Provided.WINDOW and "已补齐" in material.note


def test_the_desk_hides_tolerance_from_a_seriously_dishonest_entity(monday, desk, food_permit, restaurant, samr):
    _list(restaurant, "serious", samr)
    desk.post(reverse("desk:applicant"), {"kind": "entity", "uscc": restaurant.uscc})
    page = desk.get(reverse("desk:intake", args=[food_permit.code])).content.decode()
    assert 'name="deferred"' not in page and 'data-testid="no-tolerance"' in page


def test_the_kiosk_puts_a_red_listed_entity_in_the_priority_lane(monday, client, hall, restaurant, samr):
    kiosk = reverse("desk:kiosk", args=[hall.pk])
    ordinary = client.post(kiosk, {"lane": "normal", "uscc": restaurant.uscc})
    assert ordinary.context["ticket"].lane == QueueTicket.Lane.NORMAL and not ordinary.context["ticket"].green_channel
    _list(restaurant, "red", samr)
    green = client.post(kiosk, {"lane": "normal", "uscc": restaurant.uscc})
    ticket = green.context["ticket"]
    assert ticket.lane == QueueTicket.Lane.PRIORITY and ticket.green_channel and ticket.number.startswith("V")
    assert "守信主体绿色通道" in green.content.decode()
    bad = client.post(kiosk, {"lane": "normal", "uscc": "12345"})
    assert bad.status_code == 422 and bad.context["errors"]["uscc"]


def test_the_applicant_uploads_a_deferred_material_from_the_case_page(
    monday, clerk, window1, food_permit, restaurant, client, enterprise_agent, citizen
):
    case = _window_intake(clerk, window1, food_permit, restaurant, defer=[SELF_CHECK])
    spec = _spec(food_permit, SELF_CHECK)
    url = reverse("cases:supply", args=[case.number, spec.pk])
    client.force_login(citizen)
    assert client.post(url, {"file": SimpleUploadedFile("制度.pdf", PDF)}).status_code == 404
    client.force_login(enterprise_agent)
    page = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert "请于 2026-11-30 前补齐" in page and url in page
    response = client.post(url, {"file": SimpleUploadedFile("制度.pdf", PDF)})
    assert response.status_code == 302
    assert case.materials.get(spec=spec).provided == CaseMaterial.Provided.UPLOADED


def test_the_online_form_offers_a_commitment_where_the_catalog_allows_it(
    monday, client, enterprise_agent, construction, restaurant
):
    client.force_login(enterprise_agent)
    page = client.get(reverse("cases:apply", args=[construction.code])).content.decode()
    funds, contract = _spec(construction, "建设资金落实证明"), _spec(construction, "施工合同")
    assert f'name="commit-material_{funds.pk}"' in page and f'name="commit-material_{contract.pk}"' not in page
