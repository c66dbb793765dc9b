import pytest

from tests.case_fixtures import decide
from yiwang.accounts.services import person_register
from yiwang.cases import services
from yiwang.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from yiwang.ratings.models import Rating, Rectification
from yiwang.ratings.services import rating_submit, rectification_answer


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


def test_strangers_cannot_rate_and_the_window_can(delivered, citizen, clerk):
    with pytest.raises(NotFound):
        rating_submit(actor=citizen, case=delivered, score=1, comment="捣乱")
    rating = rating_submit(actor=clerk, case=delivered, score=4, channel=Rating.Channel.WINDOW)
    assert rating.channel == "window"


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
