import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tests.case_fixtures import decide
from yiwang.accounts import sms
from yiwang.accounts.services import person_register
from yiwang.cases import services
from yiwang.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from yiwang.ratings.models import Rating, RatingCode, Rectification
from yiwang.ratings.services import (
    RATING_CODE_ATTEMPTS,
    RATING_CODE_MINUTES,
    rating_code_issue,
    rating_code_send,
    rating_submit,
    rating_submit_with_code,
    rectification_answer,
)


@pytest.fixture
def delivered(in_review, samr_reviewer, urban_reviewer, clerk):
    for task in in_review.tasks.all():
        who = samr_reviewer if task.department.kind == "SAMR" else urban_reviewer
        services.task_complete(actor=who, task=task, outcome="agree", opinion="同意")
    case = decide(in_review, grant=True)
    return services.case_deliver(actor=clerk, case=case, method="window")


def test_rating_only_after_delivery(in_review, enterprise_agent):
    with pytest.raises(InvalidTransition):
        rating_submit(actor=enterprise_agent, case=in_review, score=5)


def test_a_good_rating_opens_nothing(delivered, enterprise_agent):
    rating = rating_submit(actor=enterprise_agent, case=delivered, score=5, reasons=["一次办好，省时省心"])
    assert rating.score_label == "非常满意"
    assert not Rectification.objects.exists()
    with pytest.raises(Conflict):
        rating_submit(actor=enterprise_agent, case=delivered, score=4)


def test_a_bad_rating_needs_a_reason_and_opens_a_rectification(
    delivered, enterprise_agent, samr_reviewer, urban_reviewer
):
    with pytest.raises(ValidationFailed):
        rating_submit(actor=enterprise_agent, case=delivered, score=2)
    rating = rating_submit(actor=enterprise_agent, case=delivered, score=2, comment="现场核查约了三次")
    rectification = rating.rectification
    assert rectification.department.kind == "SAMR"
    assert str(rectification.due_on) == "2026-11-30"
    with pytest.raises(NotFound):
        rectification_answer(actor=urban_reviewer, rectification=rectification, answer="不是我们")
    rectification_answer(actor=samr_reviewer, rectification=rectification, answer="已调整核查预约，一次上门")
    rectification.refresh_from_db()
    assert rectification.answered_at is not None


def test_strangers_and_staff_cannot_rate(delivered, citizen, clerk, samr_reviewer):
    """Issue #10: any staff member with "accept" on a case could submit its 好差评, blocking the applicant's."""
    for someone in (citizen, clerk, samr_reviewer):
        with pytest.raises(NotFound):
            rating_submit(actor=someone, case=delivered, score=1, comment="捣乱")
    with pytest.raises(ValidationFailed) as refused:
        rating_submit_with_code(actor=clerk, case=delivered, code="", score=5)
    assert refused.value.fields["code"]
    assert not Rating.objects.filter(case=delivered).exists()


def test_the_window_tablet_takes_the_applicants_rating_with_their_code_once(delivered, enterprise_agent, clerk):
    code = rating_code_issue(actor=enterprise_agent, case=delivered)
    assert len(code) == 6 and code.isdigit()
    assert not RatingCode.objects.filter(code_hash__contains=code).exists()  # only a keyed hash is kept
    rating = rating_submit_with_code(actor=clerk, case=delivered, code=code, score=4)
    assert (rating.channel, rating.rated_by) == (Rating.Channel.WINDOW, enterprise_agent)
    with pytest.raises(Conflict):
        rating_submit_with_code(actor=clerk, case=delivered, code=code, score=1, comment="再评一次")


def test_a_code_expires_and_wrong_guesses_void_it(delivered, enterprise_agent, clerk):
    code = rating_code_issue(actor=enterprise_agent, case=delivered)
    later = timezone.now() + dt.timedelta(minutes=RATING_CODE_MINUTES + 1)
    with time_machine.travel(later), pytest.raises(ValidationFailed):
        rating_submit_with_code(actor=clerk, case=delivered, code=code, score=5)
    code = rating_code_issue(actor=enterprise_agent, case=delivered)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(RATING_CODE_ATTEMPTS):
        with pytest.raises(ValidationFailed):
            rating_submit_with_code(actor=clerk, case=delivered, code=wrong, score=5)
    with pytest.raises(ValidationFailed):
        rating_submit_with_code(actor=clerk, case=delivered, code=code, score=5)
    assert not Rating.objects.filter(case=delivered).exists()


def test_a_code_is_for_the_applicant_only(delivered, citizen, clerk):
    with pytest.raises(NotFound):
        rating_code_issue(actor=clerk, case=delivered)
    with pytest.raises(NotFound):
        rating_code_issue(actor=citizen, case=delivered)


def test_no_code_before_delivery(in_review, enterprise_agent):
    with pytest.raises(InvalidTransition):
        rating_code_issue(actor=enterprise_agent, case=in_review)


def test_the_clerk_can_send_the_code_to_the_applicants_phone_without_seeing_it(
    delivered, enterprise_agent, clerk, django_capture_on_commit_callbacks
):
    enterprise_agent.phone = "13800138000"
    enterprise_agent.save()
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        masked = rating_code_send(actor=clerk, case=delivered)
    assert masked != "13800138000" and masked.endswith("8000")
    phone, text = sms.outbox[-1]
    code = re.search(r"评价码：(\d{6})", text).group(1)
    assert phone == "13800138000" and delivered.number in text
    rating = rating_submit_with_code(actor=clerk, case=delivered, code=code, score=5)
    assert rating.rated_by == enterprise_agent  # the online applicant, though the clerk's tablet took it


def test_walk_in_registration_checks_the_number(clerk, citizen):
    with pytest.raises(ValidationFailed) as exc:
        person_register(actor=clerk, name="赵九", id_number="110105194912310021")
    assert exc.value.fields["id_number"] == ["身份证号码校验位不正确，请核对"]
    person = person_register(actor=clerk, name="赵九", id_number="11010519491231002X")
    assert person_register(actor=clerk, name="赵九", id_number="11010519491231002x") == person
    with pytest.raises(ValidationFailed):
        person_register(actor=clerk, name="别人", id_number="11010519491231002X")
    with pytest.raises(PermissionDenied):
        person_register(actor=citizen, name="赵九", id_number="11010519491231002X")


def test_the_desk_page_sends_the_code_and_the_tablet_refuses_the_clerk_alone(
    delivered, client, clerk, enterprise_agent, django_capture_on_commit_callbacks
):
    enterprise_agent.phone = "13800138000"
    enterprise_agent.save()
    sms.outbox.clear()
    client.force_login(clerk)
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(reverse("desk:rating_code", args=[delivered.number]))
    assert sent.status_code == 302
    code = re.search(r"评价码：(\d{6})", sms.outbox[-1][1]).group(1)
    page = client.get(sent.url).content.decode()
    assert "138****8000" in page and f"评价码：{code}" not in page
    rate = reverse("desk:rate", args=[delivered.number])
    assert client.post(rate, {"score": "5"}).status_code == 422
    assert client.post(rate, {"score": "5", "code": code}).status_code == 200
    assert Rating.objects.get(case=delivered).rated_by == enterprise_agent
