"""审管联动: decisions on an item flow to the supervising departments subscribed to it, and only to them."""

import pytest
from django.urls import reverse

from tests.case_fixtures import decide
from tests.licences.conftest import grant
from yiwang.accounts.models import User
from yiwang.catalog.models import ServiceItem
from yiwang.coordination import services
from yiwang.coordination.models import DecisionNotice, Subscription
from yiwang.core.errors import Conflict, NotFound
from yiwang.core.models import Notification
from yiwang.org.models import Department


@pytest.fixture
def urban(db):
    return Department.objects.get(region__code="440105", kind="URBAN")


@pytest.fixture
def subscribed(urban):
    admin = User.objects.get(username="hz-urban-admin")
    return services.subscription_add(actor=admin, department=urban, item=ServiceItem.objects.get(code="R005"))


def test_only_the_department_head_subscribes(urban, samr_reviewer):
    item = ServiceItem.objects.get(code="R005")
    with pytest.raises(NotFound):
        services.subscription_add(actor=User.objects.get(username="hz-urban-inspector"), department=urban, item=item)
    with pytest.raises(NotFound):
        services.subscription_add(actor=User.objects.get(username="hz-samr-admin"), department=urban, item=item)


def test_a_grant_reaches_the_subscribed_department(
    subscribed, urban, in_review, samr_reviewer, urban_reviewer, django_capture_on_commit_callbacks, client
):
    with pytest.raises(Conflict):
        services.subscription_add(
            actor=User.objects.get(username="hz-urban-admin"), department=urban, item=subscribed.item
        )
    case = grant(in_review, samr_reviewer, urban_reviewer, django_capture_on_commit_callbacks)
    notice = DecisionNotice.objects.get()
    assert (notice.department, notice.case, notice.granted) == (urban, case, True)
    inspector = User.objects.get(username="hz-urban-inspector")
    assert Notification.objects.filter(user=inspector, title__contains="审管联动").exists()
    assert services.decision_forward(case=case) == []  # a redelivered decision adds nothing

    client.force_login(inspector)
    assert case.number in client.get(reverse("coordination:decisions")).content.decode()
    client.force_login(User.objects.get(username="hz-health-inspector"))
    assert case.number not in client.get(reverse("coordination:decisions")).content.decode()


def test_a_refusal_flows_too_and_a_cancelled_subscription_hears_nothing(
    subscribed, in_review, samr_reviewer, urban_reviewer, django_capture_on_commit_callbacks
):
    from yiwang.cases import services as cases

    tasks = {t.department.kind: t for t in in_review.tasks.select_related("department")}
    cases.task_complete(actor=urban_reviewer, task=tasks["URBAN"], outcome="agree", opinion="同意")
    cases.task_claim(actor=samr_reviewer, task=tasks["SAMR"])
    cases.task_complete(actor=samr_reviewer, task=tasks["SAMR"], outcome="agree", opinion="同意")
    with django_capture_on_commit_callbacks(execute=True):
        decide(in_review, grant=False, reasons="现场不符合要求")
    assert DecisionNotice.objects.get().granted is False

    services.subscription_cancel(actor=User.objects.get(username="hz-urban-admin"), subscription=subscribed)
    assert not Subscription.objects.get(pk=subscribed.pk).active
    DecisionNotice.objects.all().delete()
    assert services.decision_forward(case=in_review) == []
