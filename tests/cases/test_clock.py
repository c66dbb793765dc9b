"""The legal clock: deemed acceptance, suspension, extension, warnings, joint handling, and 2027."""

import datetime as dt

import pytest
import time_machine

from tests.case_fixtures import food_form, uploads_for
from yiwang.cases import services
from yiwang.cases.models import Case, Suspension
from yiwang.catalog.models import ItemImplementation
from yiwang.core.errors import InvalidTransition, NotFound, ValidationFailed
from yiwang.workflow.models import Task

D = dt.date


def test_no_notice_within_five_working_days_means_accepted_from_receipt(submitted):
    assert services.clock_sweep(today=D(2026, 11, 30))["deemed_accepted"] == 0  # the fifth day itself is in time
    result = services.clock_sweep(today=D(2026, 12, 1))
    assert result["deemed_accepted"] == 1
    case = Case.objects.get(pk=submitted.pk)
    assert case.status == Case.Status.UNDER_REVIEW
    assert case.deemed_accepted and case.accepted_on == D(2026, 11, 23)
    assert case.due_on == D(2026, 11, 30)  # counted from the day the materials arrived
    assert services.clock_sweep(today=D(2026, 12, 1))["deemed_accepted"] == 0  # idempotent


def test_warnings_turn_yellow_at_80_percent_and_red_when_overdue(in_review):
    task = in_review.tasks.get(department__kind="SAMR")  # 4 working days: due Friday 27th
    services.clock_sweep(today=D(2026, 11, 24))
    assert Case.objects.get(pk=in_review.pk).warning == "green"
    services.clock_sweep(today=D(2026, 11, 27))  # 4 of 5 days used
    assert Case.objects.get(pk=in_review.pk).warning == "yellow"
    assert Task.objects.get(pk=task.pk).warning == "yellow"
    services.clock_sweep(today=D(2026, 12, 1))
    assert Case.objects.get(pk=in_review.pk).warning == "red"
    assert Task.objects.get(pk=task.pk).warning == "red"


def test_a_special_procedure_stops_the_clock_with_the_heads_approval(in_review, samr_reviewer, samr_head, monday):
    with pytest.raises(ValidationFailed):
        services.case_suspension_request(actor=samr_reviewer, case=in_review, reason="correction", note="x")
    request = services.case_suspension_request(
        actor=samr_reviewer, case=in_review, reason=Suspension.Reason.TESTING, note="送检食品样品"
    )
    with pytest.raises(NotFound):
        services.case_suspension_approve(actor=samr_reviewer, suspension=request)  # a reviewer is not the head
    case = services.case_suspension_approve(actor=samr_head, suspension=request)
    assert case.status == Case.Status.SUSPENDED
    monday.move_to("2026-12-01 09:00+08:00")  # six working days of testing
    services.clock_sweep(today=D(2026, 12, 1))
    assert Case.objects.get(pk=case.pk).warning == "green"  # a stopped clock does not go red
    case = services.case_resume(actor=samr_reviewer, case=case)
    assert case.suspended_days == 6
    assert case.due_on == D(2026, 12, 8)  # 5 + 6 working days from the 23rd
    assert case.tasks.get(department__kind="SAMR").due_on == D(2026, 12, 7)


def test_one_extension_of_ten_days_with_the_heads_approval(in_review, samr_reviewer, samr_head):
    extension = services.case_extension_request(actor=samr_reviewer, case=in_review, reason="需组织专家论证")
    assert extension.days == 15  # a countersigned process is joint handling: +15
    case = services.case_extension_approve(actor=samr_head, extension=extension)
    assert case.extension_days == 15
    assert case.due_on == D(2026, 12, 21)
    with pytest.raises(InvalidTransition):
        services.case_extension_request(actor=samr_reviewer, case=case, reason="再延一次")


def test_single_department_extension_is_ten(monday, citizen, clerk):
    implementation = ItemImplementation.objects.get(code="R040-440105")  # 结婚登记, instant
    case = services.case_submit(
        actor=citizen,
        implementation=implementation,
        person=citizen.person,
        form_data={"applicant_name": "张三", "contact_phone": "13800000001"},
        uploads=uploads_for(implementation),
    )
    case = services.case_accept(actor=clerk, case=case)
    assert case.due_on == D(2026, 11, 23)  # 即办件: the same day
    reviewer = case.tasks.get().department
    assert reviewer.kind == "CIVIL"


def test_a_limit_running_into_2027_is_provisional(enterprise_agent, restaurant, clerk):
    implementation = ItemImplementation.objects.get(code="R038-440105")  # 劳务派遣, promised 10, statutory 20
    with time_machine.travel(dt.datetime(2026, 12, 18, 10, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False):
        case = services.case_submit(
            actor=enterprise_agent,
            implementation=implementation,
            entity=restaurant,
            form_data=food_form(restaurant),
            uploads=uploads_for(implementation),
        )
        case = services.case_accept(actor=clerk, case=case)
    assert case.due_on == D(2027, 1, 1)  # a weekday by weekends alone: 2027 has no holiday data yet
    assert case.statutory_due_on == D(2027, 1, 15)
    assert case.due_provisional is True


def test_joint_handling_takes_the_45_day_limit_when_the_law_sets_none(monday, enterprise_agent, restaurant, clerk):
    implementation = ItemImplementation.objects.get(code="R044-440105")  # statutory 20 by its own regulation
    case = services.case_submit(
        actor=enterprise_agent,
        implementation=implementation,
        entity=restaurant,
        form_data=food_form(restaurant),
        uploads=uploads_for(implementation),
    )
    case = services.case_accept(actor=clerk, case=case)
    assert case.statutory_days == 20  # the item's own law wins over the joint-handling default
    assert case.tasks.count() == 5
    assert {t.department.region.code for t in case.tasks.select_related("department__region")} == {"440105", "440100"}


def test_consulted_departments_answer_before_the_lead_closes(
    monday, enterprise_agent, restaurant, clerk, health_reviewer, urban_reviewer
):
    implementation = ItemImplementation.objects.get(code="R010-440105")
    case = services.case_submit(
        actor=enterprise_agent,
        implementation=implementation,
        entity=restaurant,
        form_data=food_form(restaurant),
        uploads=uploads_for(implementation),
    )
    case = services.case_accept(actor=clerk, case=case)
    lead = case.tasks.get(role=Task.Role.LEAD)
    consulted = case.tasks.get(role=Task.Role.CONSULTED)
    with pytest.raises(InvalidTransition):
        services.task_complete(actor=health_reviewer, task=lead, outcome="agree", opinion="同意")
    with pytest.raises(ValidationFailed):
        services.task_complete(actor=urban_reviewer, task=consulted, outcome="agree", opinion="同意")
    services.task_complete(actor=urban_reviewer, task=consulted, outcome="answer", opinion="无意见")
    services.task_complete(actor=health_reviewer, task=lead, outcome="agree", opinion="卫生条件符合")
    assert case.tasks.filter(role=Task.Role.DECISION).exists()
