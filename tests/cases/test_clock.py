"""The legal clock: deemed acceptance, suspension, extension, warnings, joint handling, and 2027."""

import datetime as dt

import pytest
import time_machine

from tests.case_fixtures import form_for, uploads_for
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
        services.case_suspension_request(
            actor=samr_reviewer, case=in_review, reason="correction", note="x", expected_days=3
        )
    request = services.case_suspension_request(
        actor=samr_reviewer, case=in_review, reason=Suspension.Reason.EXAMINATION, note="送检食品样品", expected_days=6
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
    """《行政许可法》第四十二条第一款第二句：「二十日内不能作出决定的，经本行政机关负责人批准，可以延长十日」。
    A countersigning department (城管) assists 市场监管, the one organ that decides: 单独办理, not 联合办理."""
    extension = services.case_extension_request(actor=samr_reviewer, case=in_review, reason="需组织专家论证")
    assert extension.days == 10 and not extension.joint
    case = services.case_extension_approve(actor=samr_head, extension=extension)
    assert case.extension_days == 10
    assert case.due_on == D(2026, 12, 14)
    with pytest.raises(InvalidTransition):
        services.case_extension_request(actor=samr_reviewer, case=case, reason="再延一次")


def test_single_department_extension_is_ten(monday, citizen, clerk):
    implementation = ItemImplementation.objects.get(code="R040-440105")  # 结婚登记, instant
    case = services.case_submit(
        actor=citizen,
        implementation=implementation,
        person=citizen.person,
        form_data=form_for(implementation, person=citizen.person),
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
            form_data=form_for(implementation, entity=restaurant),
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
        form_data=form_for(implementation, entity=restaurant),
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
        form_data=form_for(implementation, entity=restaurant),
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


def test_national_day_with_a_suspension_and_an_extension(enterprise_agent, restaurant, clerk, samr_head):
    """户外招牌 (URBAN, promised 5): accepted Mon 28 Sep 2026, across 国庆 with its make-up Saturday."""
    from yiwang.accounts.models import User

    reviewer, head = User.objects.get(username="hz-urban-reviewer"), User.objects.get(username="hz-urban-admin")
    implementation = ItemImplementation.objects.get(code="R048-440105")
    tz = dt.timezone(dt.timedelta(hours=8))
    with time_machine.travel(dt.datetime(2026, 9, 28, 10, tzinfo=tz), tick=False) as clock:
        case = services.case_submit(
            actor=enterprise_agent,
            implementation=implementation,
            entity=restaurant,
            form_data=form_for(implementation, entity=restaurant),
            uploads=uploads_for(implementation),
        )
        case = services.case_accept(actor=clerk, case=case)
        # Sep 29, 30, (Oct 1–7 off), Oct 8, 9, and Saturday Oct 10 worked: the fifth working day.
        assert case.due_on == D(2026, 10, 10)
        assert case.acceptance_due == D(2026, 10, 10)  # five working days to accept, counted the same way

        clock.move_to(dt.datetime(2026, 9, 29, 10, tzinfo=tz))
        request = services.case_suspension_request(
            actor=reviewer, case=case, reason=Suspension.Reason.APPRAISAL, note="招牌结构安全鉴定", expected_days=3
        )
        services.case_suspension_approve(actor=head, suspension=request)
        clock.move_to(dt.datetime(2026, 10, 9, 10, tzinfo=tz))
        case = services.case_resume(actor=reviewer, case=case)
        assert case.suspended_days == 3  # Sep 30, Oct 8, Oct 9
        assert case.due_on == D(2026, 10, 14)

        extension = services.case_extension_request(actor=reviewer, case=case, reason="需征求交通部门意见")
        assert extension.days == 10
        case = services.case_extension_approve(actor=head, extension=extension)
        assert case.due_on == D(2026, 10, 28)
        assert case.statutory_due_on == D(2026, 11, 18)  # 20 + 10 + 3 working days from Sep 28
        assert case.due_provisional is False


def test_an_assisting_departments_head_cannot_approve_the_leads_extension(in_review, samr_reviewer):
    from yiwang.accounts.models import User

    extension = services.case_extension_request(actor=samr_reviewer, case=in_review, reason="需组织专家论证")
    with pytest.raises(NotFound):
        services.case_extension_approve(actor=User.objects.get(username="hz-urban-admin"), extension=extension)
