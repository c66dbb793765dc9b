"""The department's event-push page: only its own subscriptions, dead letters shown, replay by its administrator."""

import pytest
from django.db import transaction
from django.urls import reverse

from yiwang.accounts.models import User
from yiwang.core.errors import NotFound, PermissionDenied
from yiwang.core.events import emit
from yiwang.core.models import AuditEntry
from yiwang.webhooks import selectors, services
from yiwang.webhooks.models import Delivery


def _department(username):
    return User.objects.get(username=username).staff_roles.get().department


@pytest.fixture
def pushes(superuser, django_capture_on_commit_callbacks):
    """A dead delivery to 市场监管's system and one to 卫生健康's, both at a closed port."""
    made = {}
    for username, name in (("hz-samr-reviewer", "市场监管业务系统"), ("hz-health-reviewer", "卫生健康业务系统")):
        made[username], _secret = services.subscription_create(
            actor=superuser,
            system_name=name,
            department=_department(username),
            url="http://127.0.0.1:9/closed",
            event_types=["licence.revoked"],
        )
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        emit("licence.revoked", {"licence": "L-1"})
    Delivery.objects.update(status=Delivery.Status.DEAD, attempts=8, last_status_code=503, last_error="HTTP 503")
    return {key: Delivery.objects.get(subscription=sub) for key, sub in made.items()}


def test_anonymous_users_are_sent_to_login_and_citizens_are_refused(client, citizen, pushes):
    answer = client.get(reverse("webhooks:deliveries"))
    assert answer.status_code == 302 and reverse("accounts:login") in answer["Location"]
    client.force_login(citizen)
    assert client.get(reverse("webhooks:deliveries")).status_code == 403
    assert client.post(reverse("webhooks:replay", args=[pushes["hz-samr-reviewer"].pk])).status_code == 403


def test_the_page_shows_only_the_own_departments_subscriptions_and_highlights_dead_letters(
    client, samr_reviewer, clerk, pushes
):
    ours, theirs = pushes["hz-samr-reviewer"], pushes["hz-health-reviewer"]
    client.force_login(samr_reviewer)
    html = client.get(reverse("webhooks:deliveries")).content.decode()
    assert "市场监管业务系统" in html and "卫生健康业务系统" not in html
    assert f'data-delivery="{ours.pk}" data-status="dead" class="dead"' in html and "HTTP 503" in html
    assert f'data-delivery="{theirs.pk}"' not in html
    assert reverse("webhooks:replay", args=[ours.pk]) not in html  # a reviewer sees, the administrator replays
    assert (
        f'data-delivery="{ours.pk}"'
        not in client.get(reverse("webhooks:deliveries"), {"status": "pending"}).content.decode()
    )
    # A window clerk's "view" reaches the whole district, but another department's systems are not theirs.
    assert not selectors.deliveries(clerk).filter(pk__in=[ours.pk, theirs.pk]).exists()


def test_the_administrator_replays_a_dead_delivery_which_goes_back_to_pending(client, samr_head, pushes):
    ours = pushes["hz-samr-reviewer"]
    client.force_login(samr_head)
    replay = reverse("webhooks:replay", args=[ours.pk])
    assert replay in client.get(reverse("webhooks:deliveries")).content.decode()
    assert client.get(replay).status_code == 405
    answer = client.post(replay)
    assert answer.status_code == 302 and answer["Location"] == reverse("webhooks:deliveries")
    ours.refresh_from_db()
    assert ours.status == Delivery.Status.PENDING and ours.attempts == 0
    assert AuditEntry.objects.filter(action="webhook.replay", target_id=str(ours.pk)).exists()
    follow = client.post(replay, follow=True)  # already queued: told so, nothing changes
    assert "该推送尚在排队" in follow.content.decode()


def test_other_departments_cannot_replay(client, samr_reviewer, tianhe_reviewer, pushes):
    ours = pushes["hz-samr-reviewer"]
    health_head = User.objects.get(username="hz-health-admin")
    with pytest.raises(NotFound):
        services.delivery_replay(actor=tianhe_reviewer, delivery=ours)
    # Another department's administrator may view the district's rows, but replays only their own.
    for outsider in (health_head, samr_reviewer):
        with pytest.raises(PermissionDenied):
            services.delivery_replay(actor=outsider, delivery=ours)
    client.force_login(health_head)
    assert client.post(reverse("webhooks:replay", args=[ours.pk])).status_code == 404
    client.force_login(samr_reviewer)
    assert client.post(reverse("webhooks:replay", args=[ours.pk])).status_code == 403
    ours.refresh_from_db()
    assert ours.status == Delivery.Status.DEAD
