"""The case lifecycle through the services: apply once, accept at one window, review in parallel, decide."""

import datetime as dt

import pytest

from tests.case_fixtures import decide, food_form, submit_as_entity, uploads_for
from yiwang.cases import services
from yiwang.cases.models import Case, CaseMaterial, CaseNumberCounter
from yiwang.catalog.models import ItemVersion
from yiwang.catalog.services import item_version_draft, item_version_publish, item_version_update
from yiwang.core.audit import audit_verify
from yiwang.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from yiwang.core.models import Event, Notification
from yiwang.workflow.models import Task

D = dt.date


def test_submission_is_numbered_clocked_and_draws_exempt_materials(submitted, restaurant):
    assert submitted.status == Case.Status.SUBMITTED
    assert submitted.number == "440105-20261123-00001"
    assert submitted.received_on == D(2026, 11, 23)
    assert submitted.acceptance_due == D(2026, 11, 30)  # 5 working days, the weekend skipped
    assert submitted.version == submitted.item.current_version
    provided = dict(submitted.materials.values_list("spec__name", "provided"))
    assert provided["营业执照"] == CaseMaterial.Provided.LICENCE
    assert provided["法定代表人身份证明"] == CaseMaterial.Provided.SHARED
    assert provided["食品经营许可申请书"] == CaseMaterial.Provided.UPLOADED
    assert Event.objects.filter(type="case.submitted", payload__case=submitted.number).exists()


def test_a_district_numbers_past_99999_cases_a_day_without_cutting_a_digit(
    submitted, enterprise_agent, restaurant, food_permit
):
    CaseNumberCounter.objects.filter(region=submitted.region, day=submitted.received_on).update(last=99998)
    numbers = [submit_as_entity(enterprise_agent, restaurant, food_permit, f"k-{n}").number for n in (2, 3)]
    assert numbers == ["440105-20261123-99999", "440105-20261123-100000"]
    assert list(Case.objects.filter(number__in=numbers).values_list("number", flat=True).order_by("pk")) == numbers
    assert Notification.objects.filter(user__username="enterprise", title__contains=submitted.number).exists()


def test_a_repeated_idempotency_key_returns_the_first_case(submitted, enterprise_agent, restaurant, food_permit):
    again = services.case_submit(
        actor=enterprise_agent,
        implementation=food_permit,
        entity=restaurant,
        form_data=food_form(restaurant),
        uploads={},
        idempotency_key="k-1",
    )
    assert again.pk == submitted.pk
    assert Case.objects.count() == 1
    from yiwang.catalog.models import ItemImplementation

    other = ItemImplementation.objects.get(code="R061-440105")
    with pytest.raises(Conflict):
        services.case_submit(
            actor=enterprise_agent, implementation=other, entity=restaurant, form_data={}, idempotency_key="k-1"
        )


def test_missing_materials_and_bad_form_fields_are_named(monday, enterprise_agent, restaurant, food_permit):
    with pytest.raises(ValidationFailed) as exc:
        services.case_submit(
            actor=enterprise_agent,
            implementation=food_permit,
            entity=restaurant,
            form_data=food_form(restaurant),
            uploads=uploads_for(food_permit, skip={"食品经营许可申请书"}),
        )
    assert "食品经营许可申请书" in exc.value.fields["materials"][0]
    with pytest.raises(ValidationFailed) as exc:
        services.case_submit(
            actor=enterprise_agent,
            implementation=food_permit,
            entity=restaurant,
            form_data={**food_form(restaurant), "contact_phone": "12"},
            uploads=uploads_for(food_permit),
        )
    assert "contact_phone" in exc.value.fields
    assert not Case.objects.exists()


def test_nobody_applies_for_someone_else(monday, citizen, restaurant, food_permit):
    with pytest.raises(PermissionDenied):
        services.case_submit(
            actor=citizen,
            implementation=food_permit,
            entity=restaurant,
            form_data=food_form(restaurant),
            uploads=uploads_for(food_permit),
        )


def test_parallel_review_then_lead_decides_then_delivery(in_review, samr_reviewer, urban_reviewer, clerk):
    case = in_review
    assert case.status == Case.Status.UNDER_REVIEW
    assert case.accepted_on == D(2026, 11, 23)
    assert case.due_on == D(2026, 11, 30)  # promised 5 working days
    assert case.statutory_due_on == D(2026, 12, 7)  # food business licence: 10 working days by law
    tasks = {t.department.kind: t for t in case.tasks.select_related("department")}
    assert set(tasks) == {"SAMR", "URBAN"}
    assert tasks["SAMR"].role == Task.Role.LEAD and tasks["URBAN"].role == Task.Role.ASSISTING

    services.task_complete(actor=urban_reviewer, task=tasks["URBAN"], outcome="agree", opinion="油烟净化设施符合要求")
    assert not case.tasks.filter(role=Task.Role.DECISION).exists()  # the lead has not answered yet
    services.task_claim(actor=samr_reviewer, task=tasks["SAMR"])
    services.task_complete(actor=samr_reviewer, task=tasks["SAMR"], outcome="agree", opinion="现场核查符合要求")
    assert case.tasks.filter(role=Task.Role.DECISION, status=Task.Status.OPEN).exists()

    case = decide(case, grant=True, result_data={"经营项目": "热食类食品制售"})
    assert case.status == Case.Status.GRANTED
    granted = Event.objects.get(type="case.granted")
    assert granted.payload["case"] == case.number and granted.payload["item"] == "R005"

    case = services.case_deliver(actor=clerk, case=case, method=Case.Delivery.WINDOW)
    assert case.status == Case.Status.DELIVERED
    assert case.granted is True  # the decision outlives the status, which now says only 已送达
    actions = list(case.log.values_list("action", flat=True))
    assert actions[:4] == ["submit", "accept", "start_review", "task_agree"]
    assert actions[-2:] == ["grant", "deliver"]
    ok, message = audit_verify()
    assert ok, message


def test_a_countersign_refusal_goes_to_the_lead_who_must_give_reasons(in_review, samr_reviewer, urban_reviewer):
    tasks = {t.department.kind: t for t in in_review.tasks.select_related("department")}
    services.task_complete(actor=urban_reviewer, task=tasks["URBAN"], outcome="disagree", opinion="无油烟净化设施")
    services.task_complete(actor=samr_reviewer, task=tasks["SAMR"], outcome="agree", opinion="材料齐全")
    with pytest.raises(ValidationFailed):
        services.case_propose(actor=samr_reviewer, case=in_review, grant=False, reasons="")
    case = decide(in_review, grant=False, reasons="城管部门会签不同意：无油烟净化设施")
    assert case.status == Case.Status.DENIED
    assert case.granted is False
    assert "行政复议" in case.decision_reasons and "六个月" in case.decision_reasons


def test_only_the_lead_department_decides(in_review, samr_reviewer, urban_reviewer):
    for task in in_review.tasks.all():
        services.task_complete(
            actor=samr_reviewer if task.department.kind == "SAMR" else urban_reviewer,
            task=task,
            outcome="agree",
            opinion="同意",
        )
    with pytest.raises(NotFound):
        services.case_decide(actor=urban_reviewer, case=in_review, grant=True)


def test_no_decision_before_every_department_answered(in_review, samr_reviewer):
    with pytest.raises(InvalidTransition):
        services.case_decide(actor=samr_reviewer, case=in_review, grant=True)


def test_other_districts_and_departments_get_404(in_review, tianhe_reviewer, health_reviewer, citizen):
    task = in_review.tasks.get(department__kind="SAMR")
    for outsider in (tianhe_reviewer, health_reviewer):
        with pytest.raises(NotFound):
            services.task_complete(actor=outsider, task=task, outcome="agree", opinion="越权")
        with pytest.raises(NotFound):
            services.case_decide(actor=outsider, case=in_review, grant=True)
    with pytest.raises(NotFound):
        services.case_withdraw(actor=citizen, case=in_review)


def test_a_finished_task_answers_conflict_not_a_second_result(in_review, samr_reviewer):
    task = in_review.tasks.get(department__kind="SAMR")
    services.task_complete(actor=samr_reviewer, task=task, outcome="agree", opinion="同意")
    with pytest.raises(Conflict):
        services.task_complete(actor=samr_reviewer, task=task, outcome="disagree", opinion="改主意")


def test_one_correction_notice_then_resubmission_then_acceptance(submitted, clerk, enterprise_agent):
    services.case_request_correction(actor=clerk, case=submitted, points=["平面布局图缺少比例尺", "健康管理制度未盖章"])
    with pytest.raises(InvalidTransition):
        services.case_request_correction(actor=clerk, case=submitted, points=["又发现一处"])
    case = services.case_resubmit(actor=enterprise_agent, case=submitted)
    assert case.status == Case.Status.SUBMITTED
    assert case.corrections.get().answered_at is not None
    assert services.case_accept(actor=clerk, case=case).status == Case.Status.UNDER_REVIEW


def test_refusal_needs_reasons(submitted, clerk):
    with pytest.raises(ValidationFailed):
        services.case_refuse_acceptance(actor=clerk, case=submitted, reasons=" ")
    case = services.case_refuse_acceptance(actor=clerk, case=submitted, reasons="申请事项不属于本机关职权范围")
    assert case.status == Case.Status.ACCEPTANCE_REFUSED
    with pytest.raises(InvalidTransition):
        services.case_accept(actor=clerk, case=case)


def test_the_applicant_withdraws_and_open_tasks_are_cancelled(in_review, enterprise_agent):
    case = services.case_withdraw(actor=enterprise_agent, case=in_review, reason="经营地址变更，重新申请")
    assert case.status == Case.Status.WITHDRAWN
    assert not case.tasks.filter(status__in=Task.OPEN_STATES).exists()


def test_a_return_for_correction_stops_the_clock_and_reopens_the_task(
    in_review, samr_reviewer, enterprise_agent, monday
):
    task = in_review.tasks.get(department__kind="SAMR")
    services.task_complete(
        actor=samr_reviewer,
        task=task,
        outcome="return",
        opinion="请补充设备布局图",
        points=["设备布局图缺少冷藏设备位置"],
    )
    case = Case.objects.get(pk=in_review.pk)
    assert case.status == Case.Status.CORRECTION_REQUESTED
    monday.move_to("2026-11-25 10:00+08:00")  # the applicant takes two working days
    case = services.case_resubmit(actor=enterprise_agent, case=case)
    assert case.status == Case.Status.UNDER_REVIEW
    assert case.suspended_days == 2
    assert case.due_on == D(2026, 12, 2)  # 5 + 2 working days from Monday 23rd
    assert case.tasks.filter(department__kind="SAMR", status=Task.Status.OPEN).count() == 1


def test_the_case_keeps_the_version_it_was_submitted_under(submitted, catalog_admin):
    pinned = submitted.version
    draft = item_version_draft(actor=catalog_admin, item=submitted.item)
    item_version_update(actor=catalog_admin, version=draft, promised_days=3)
    item_version_publish(actor=catalog_admin, version=draft)
    submitted.refresh_from_db()
    assert submitted.version == pinned and submitted.version.status == ItemVersion.Status.PUBLISHED
    assert submitted.promised_days == 5


def test_a_resubmission_must_still_hold_every_required_material(submitted, clerk, enterprise_agent):
    services.case_request_correction(actor=clerk, case=submitted, points=["申请书未签字"])
    submitted.materials.filter(spec__name="食品经营许可申请书").delete()  # as if the upload had been lost
    with pytest.raises(ValidationFailed) as exc:
        services.case_resubmit(actor=enterprise_agent, case=submitted)
    assert "食品经营许可申请书" in exc.value.fields["materials"][0]
    assert Case.objects.get(pk=submitted.pk).status == Case.Status.CORRECTION_REQUESTED


def test_who_takes_in_a_walk_in_is_decided_in_core_permissions(monkeypatch, monday, clerk, restaurant, food_permit):
    """A window clerk applies on a walk-in's behalf because ACTION_ROLES grants "window_intake", not because a
    service compares role names: take the grant away and the clerk is refused."""
    from yiwang.core.permissions import ACTION_ROLES

    def apply():
        return services.case_submit(
            actor=clerk,
            implementation=food_permit,
            entity=restaurant,
            form_data=food_form(restaurant),
            uploads=uploads_for(food_permit),
            channel=Case.Channel.WINDOW,
        )

    assert apply().submitted_by == clerk
    monkeypatch.setitem(ACTION_ROLES, "window_intake", {})
    clerk._yiwang_roles = None
    with pytest.raises(PermissionDenied):
        apply()
