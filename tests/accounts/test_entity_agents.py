"""An enterprise account: bound by its legal representative, who authorises agents with an expiry and revokes them.
An expired or revoked agent can no longer see or submit for the entity."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from tests.case_fixtures import food_form, uploads_for
from yiwang.accounts import services
from yiwang.accounts.models import Entity, EntityAgent, PhoneCode
from yiwang.accounts.selectors import entity_acted_for
from yiwang.cases import services as cases
from yiwang.cases.models import Case
from yiwang.core.errors import NotFound, ValidationFailed

from .conftest import OTHER_ID, ZHAO_ID, last_code

PASSWORD = "Lychee-Bay-2026"


def _registered(username, name, id_number, phone):
    services.phone_code_send(phone=phone, purpose=PhoneCode.Purpose.REGISTER)
    return services.user_register(
        username=username,
        name=name,
        id_number=id_number,
        phone=phone,
        code=last_code(phone),
        password=PASSWORD,
        password_again=PASSWORD,
    )


@pytest.fixture
def zhao(db):
    """赵六, registered online: the register names him the restaurant's legal representative."""
    return _registered("zhaoliu", "赵六", ZHAO_ID, "13911110006")


@pytest.fixture
def bound(zhao, restaurant):
    services.entity_bind(actor=zhao, uscc=restaurant.uscc)
    return zhao


def test_the_legal_representative_binds_the_entity(zhao, restaurant):
    grant = services.entity_bind(actor=zhao, uscc=restaurant.uscc.lower())
    assert grant.entity == restaurant and grant.expires_on is None
    assert restaurant.has_agent(zhao)


def test_someone_else_cannot_bind_it(citizen, restaurant):
    with pytest.raises(ValidationFailed) as exc:
        services.entity_bind(actor=citizen, uscc=restaurant.uscc)
    assert "法定代表人" in exc.value.fields["uscc"][0]
    assert not restaurant.has_agent(citizen)


def test_the_same_name_with_another_identity_number_cannot_bind_it(db, restaurant):
    namesake = _registered("zhaoliu2", "赵六", OTHER_ID, "13911110007")
    with pytest.raises(ValidationFailed):
        services.entity_bind(actor=namesake, uscc=restaurant.uscc)


def test_a_uscc_with_a_wrong_check_digit_is_named(zhao):
    with pytest.raises(ValidationFailed) as exc:
        services.entity_bind(actor=zhao, uscc="91440105MA59ABCD18")
    assert "校验位" in exc.value.fields["uscc"][0]


def test_existing_agents_were_kept_as_grants_without_expiry(enterprise_agent, restaurant):
    grant = EntityAgent.objects.get(entity=restaurant, user=enterprise_agent)
    assert grant.expires_on is None and grant.revoked_at is None
    assert list(Entity.objects.acting_for(enterprise_agent)) == [restaurant]


def test_grant_refuses_an_unknown_account_and_a_past_day(bound, restaurant):
    with pytest.raises(ValidationFailed) as exc:
        services.agent_grant(
            actor=bound,
            entity_id=restaurant.pk,
            account="nobody",
            expires_on=timezone.localdate() - dt.timedelta(days=1),
        )
    assert set(exc.value.fields) == {"account", "expires_on"}


def test_only_the_legal_representative_grants(enterprise_agent, citizen, restaurant):
    with pytest.raises(NotFound):
        services.agent_grant(
            actor=enterprise_agent,
            entity_id=restaurant.pk,
            account=citizen.username,
            expires_on=timezone.localdate() + dt.timedelta(days=30),
        )


def test_an_agent_granted_by_phone_acts_until_the_expiry_day_and_not_after(bound, citizen, restaurant):
    until = timezone.localdate() + dt.timedelta(days=30)
    services.agent_grant(actor=bound, entity_id=restaurant.pk, account=citizen.phone, expires_on=until)
    assert restaurant.has_agent(citizen)
    assert restaurant.has_agent(citizen, on=until)
    assert not restaurant.has_agent(citizen, on=until + dt.timedelta(days=1))


def test_the_entity_an_application_names_is_found_only_for_its_agents_in_force(
    monday, bound, citizen, restaurant, clerk
):
    """The compiled read the API names an applicant entity with (accounts.selectors.entity_acted_for) answers
    as Entity.objects.acting_for does: a grant in force on the day, not revoked."""
    until = timezone.localdate() + dt.timedelta(days=2)
    grant = services.agent_grant(actor=bound, entity_id=restaurant.pk, account=citizen.phone, expires_on=until)
    assert entity_acted_for(citizen, restaurant.uscc) == restaurant
    assert entity_acted_for(clerk, restaurant.uscc) is None
    assert entity_acted_for(AnonymousUser(), restaurant.uscc) is None
    assert entity_acted_for(citizen, "91440105MA00000000") is None
    monday.shift(dt.timedelta(days=3))
    assert entity_acted_for(citizen, restaurant.uscc) is None
    assert list(Entity.objects.acting_for(citizen)) == []
    monday.shift(dt.timedelta(days=-3))
    assert entity_acted_for(citizen, restaurant.uscc) == restaurant
    services.agent_revoke(actor=bound, entity_id=restaurant.pk, grant_id=grant.pk)
    assert entity_acted_for(citizen, restaurant.uscc) is None
    assert entity_acted_for(bound, restaurant.uscc) == restaurant


# --- through HTTP ---


@pytest.fixture
def a_case(monday, enterprise_agent, restaurant, food_permit):
    return cases.case_submit(
        actor=enterprise_agent,
        implementation=food_permit,
        entity=restaurant,
        form_data=food_form(restaurant),
        uploads=uploads_for(food_permit),
        idempotency_key="agents-1",
    )


def _apply(client, restaurant, token):
    return client.post(
        "/apply/R005-440105/",
        {**food_form(restaurant), "case-applicant": f"entity-{restaurant.pk}", "case-token": token},
    )


def test_bind_grant_and_expiry_over_http(client, bound, citizen, restaurant, a_case):
    client.force_login(bound)
    page = client.get("/accounts/").content.decode()
    assert restaurant.name in page and "管理经办人" in page
    until = timezone.localdate() + dt.timedelta(days=7)
    response = client.post(
        f"/accounts/entities/{restaurant.pk}/agents/", {"account": "citizen", "expires_on": until.isoformat()}
    )
    assert response.status_code == 302
    assert until.isoformat() in client.get(f"/accounts/entities/{restaurant.pk}/agents/").content.decode()

    client.force_login(citizen)
    assert a_case.number in client.get("/cases/").content.decode()
    assert client.get(f"/cases/{a_case.number}/").status_code == 200
    assert f"entity-{restaurant.pk}" in client.get("/apply/R005-440105/").content.decode()

    with time_machine.travel(timezone.now() + dt.timedelta(days=8)):
        assert a_case.number not in client.get("/cases/").content.decode()
        assert client.get(f"/cases/{a_case.number}/").status_code == 404
        assert f"entity-{restaurant.pk}" not in client.get("/apply/R005-440105/").content.decode()
        refused = _apply(client, restaurant, "t-expired")
        assert refused.status_code == 422 and 'id="case-applicant-errors"' in refused.content.decode()
        assert not Case.objects.exclude(pk=a_case.pk).exists()
        assert "已过期" in _agents_page(client, bound, restaurant)


def _agents_page(client, who, entity) -> str:
    client.force_login(who)
    return client.get(f"/accounts/entities/{entity.pk}/agents/").content.decode()


def test_a_revoked_agent_loses_the_entity_at_once(client, bound, citizen, restaurant, a_case):
    grant = services.agent_grant(
        actor=bound, entity_id=restaurant.pk, account="citizen", expires_on=timezone.localdate() + dt.timedelta(days=9)
    )
    client.force_login(bound)
    response = client.post(f"/accounts/entities/{restaurant.pk}/agents/{grant.pk}/revoke/")
    assert response.status_code == 302
    client.force_login(citizen)
    assert client.get(f"/cases/{a_case.number}/").status_code == 404


def test_a_bind_by_someone_else_is_refused_over_http(client, citizen, restaurant):
    client.force_login(citizen)
    response = client.post("/accounts/entities/bind/", {"uscc": restaurant.uscc})
    assert response.status_code == 422
    page = response.content.decode()
    assert "法定代表人" in page and f'value="{restaurant.uscc}"' in page


def test_an_agent_cannot_open_the_agents_page(client, enterprise_agent, restaurant):
    client.force_login(enterprise_agent)
    assert client.get(f"/accounts/entities/{restaurant.pk}/agents/").status_code == 404
