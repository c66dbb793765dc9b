"""The maintenance screens: a subscription made in the admin shows its secret once; dead letters are replayed."""

import pytest
from django.db import transaction

from yiwang.core.events import emit
from yiwang.core.models import AuditEntry
from yiwang.webhooks import services
from yiwang.webhooks.models import Delivery, Subscription
from yiwang.webhooks.signing import open_secret


@pytest.fixture
def admin_client_(client, superuser):
    client.force_login(superuser)
    return client


def test_a_subscription_added_in_the_admin_shows_its_secret_once(admin_client_, samr_reviewer):
    department = samr_reviewer.staff_roles.get().department
    answer = admin_client_.post(
        "/admin/webhooks/subscription/add/",
        {
            "system_name": "市场监管业务系统",
            "department": department.pk,
            "url": "https://samr.example/hooks",
            "event_types": ["licence.issued", "entity.registered"],
            "active": "on",
        },
    )
    assert answer.status_code == 302
    sub = Subscription.objects.get()
    assert sub.event_types == ["licence.issued", "entity.registered"]
    secret = open_secret(sub.secret_encrypted)
    assert secret in admin_client_.get(answer["Location"]).content.decode()  # the page after saving shows it
    page = admin_client_.get(f"/admin/webhooks/subscription/{sub.pk}/change/").content.decode()
    assert secret not in page and secret not in sub.secret_encrypted
    assert AuditEntry.objects.filter(action="webhook.subscribe", target_id=str(sub.pk)).exists()


def test_ftp_urls_are_refused_by_the_form(admin_client_, samr_reviewer):
    answer = admin_client_.post(
        "/admin/webhooks/subscription/add/",
        {
            "system_name": "x",
            "department": samr_reviewer.staff_roles.get().department.pk,
            "url": "ftp://samr.example/hooks",
            "event_types": ["licence.issued"],
        },
    )
    assert answer.status_code == 200 and not Subscription.objects.exists()


def test_dead_letters_are_listed_and_replayed_from_the_admin(
    admin_client_, superuser, samr_reviewer, django_capture_on_commit_callbacks
):
    services.subscription_create(
        actor=superuser,
        system_name="市场监管业务系统",
        department=samr_reviewer.staff_roles.get().department,
        url="http://127.0.0.1:9/closed",
        event_types=["licence.revoked"],
    )
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        emit("licence.revoked", {"licence": "L-1"})
    Delivery.objects.update(status=Delivery.Status.DEAD, attempts=8)
    delivery = Delivery.objects.get()
    listing = admin_client_.get("/admin/webhooks/delivery/", {"status__exact": "dead"})
    assert listing.status_code == 200 and str(delivery.event_id) in listing.content.decode()
    answer = admin_client_.post("/admin/webhooks/delivery/", {"action": "replay", "_selected_action": [delivery.pk]})
    assert answer.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.PENDING and delivery.attempts == 0
    assert AuditEntry.objects.filter(action="webhook.replay", target_id=str(delivery.pk)).exists()
