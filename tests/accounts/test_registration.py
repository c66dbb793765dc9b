"""Self-registration with real-name checks and an SMS code; password reset by code; password change."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from yiwang.accounts import services
from yiwang.accounts.models import Person, PhoneCode, User
from yiwang.core.errors import ValidationFailed
from yiwang.core.models import AuditEntry

from .conftest import NEW_ID, last_code

PHONE = "13912345678"
PASSWORD = "Lychee-Bay-2026"


def _register(code, **overrides):
    data = {
        "username": "liuyi",
        "name": "刘一",
        "id_number": NEW_ID,
        "phone": PHONE,
        "code": code,
        "password": PASSWORD,
        "password_again": PASSWORD,
    }
    return services.user_register(**{**data, **overrides})


def _fields(exc_info) -> dict:
    return exc_info.value.fields


def test_a_person_registers_with_the_texted_code(db, sms_outbox):
    services.phone_code_send(phone=PHONE, purpose=PhoneCode.Purpose.REGISTER)
    assert len(sms_outbox) == 1 and sms_outbox[0][0] == PHONE and "5 分钟" in sms_outbox[0][1]
    user = _register(last_code(PHONE))
    assert user.identity_level == User.IdentityLevel.REGISTERED
    assert user.check_password(PASSWORD) and user.phone == PHONE and user.display_name == "刘一"
    assert Person.objects.get(user=user).id_number == NEW_ID
    entry = AuditEntry.objects.get(action="user.register", target_id=str(user.pk))
    assert NEW_ID not in str(entry.data) and PHONE not in str(entry.data)  # masked in the audit log


def test_the_code_is_stored_only_as_a_hash(db):
    services.phone_code_send(phone=PHONE, purpose=PhoneCode.Purpose.REGISTER)
    stored = PhoneCode.objects.get(phone=PHONE)
    assert last_code(PHONE) not in stored.code_hash and len(stored.code_hash) == 64


def test_a_bad_identity_checksum_is_named_and_spends_no_code_attempt(db):
    services.phone_code_send(phone=PHONE, purpose=PhoneCode.Purpose.REGISTER)
    with pytest.raises(ValidationFailed) as exc:
        _register(last_code(PHONE), id_number=NEW_ID[:-1] + "4", username="", password_again="other")
    fields = _fields(exc)
    assert "校验位" in fields["id_number"][0]
    assert "username" in fields and "password" in fields  # every field error in one round
    assert PhoneCode.objects.get(phone=PHONE).attempts == 0
    assert not User.objects.filter(phone=PHONE).exists()


def test_a_wrong_code_is_counted_and_five_wrong_codes_kill_it(db):
    services.phone_code_send(phone=PHONE, purpose=PhoneCode.Purpose.REGISTER)
    right = last_code(PHONE)
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    for _ in range(services.CODE_MAX_ATTEMPTS):
        with pytest.raises(ValidationFailed) as exc:
            _register(wrong)
        assert _fields(exc) == {"code": ["验证码不正确"]}
    with pytest.raises(ValidationFailed) as exc:
        _register(right)
    assert "错误次数过多" in _fields(exc)["code"][0]
    assert not User.objects.filter(username="liuyi").exists()


def test_an_expired_code_is_refused(db):
    services.phone_code_send(phone=PHONE, purpose=PhoneCode.Purpose.REGISTER)
    code = last_code(PHONE)
    with (
        time_machine.travel(timezone.now() + dt.timedelta(minutes=5, seconds=1)),
        pytest.raises(ValidationFailed) as exc,
    ):
        _register(code)
    assert "已过期" in _fields(exc)["code"][0]


def test_a_new_code_replaces_the_old_one(db):
    services.phone_code_send(phone=PHONE, purpose=PhoneCode.Purpose.REGISTER)
    old = last_code(PHONE)
    services.phone_code_send(phone=PHONE, purpose=PhoneCode.Purpose.REGISTER)
    if old != last_code(PHONE):
        with pytest.raises(ValidationFailed):
            _register(old)
    assert _register(last_code(PHONE)).pk


def test_an_identity_number_or_phone_already_registered_is_refused(db, citizen):
    services.phone_code_send(phone=PHONE, purpose=PhoneCode.Purpose.REGISTER)
    with pytest.raises(ValidationFailed) as exc:
        _register(last_code(PHONE), name="张三", id_number=citizen.person.id_number, phone=citizen.phone)
    assert "已注册" in _fields(exc)["id_number"][0] and "已注册" in _fields(exc)["phone"][0]


def test_a_walk_in_registered_at_a_window_gets_the_account_attached(db, clerk):
    walk_in = services.person_register(actor=clerk, name="刘一", id_number=NEW_ID)
    services.phone_code_send(phone=PHONE, purpose=PhoneCode.Purpose.REGISTER)
    with pytest.raises(ValidationFailed) as exc:
        _register(last_code(PHONE), name="刘二")
    assert "不一致" in _fields(exc)["name"][0]
    user = _register(last_code(PHONE))
    walk_in.refresh_from_db()
    assert walk_in.user == user


def test_reset_by_code_then_the_code_cannot_be_used_again(db, citizen):
    services.phone_code_send(phone=citizen.phone, purpose=PhoneCode.Purpose.RESET)
    code = last_code(citizen.phone)
    services.password_reset(phone=citizen.phone, code=code, password=PASSWORD, password_again=PASSWORD)
    citizen.refresh_from_db()
    assert citizen.check_password(PASSWORD)
    with pytest.raises(ValidationFailed) as exc:
        services.password_reset(phone=citizen.phone, code=code, password="An0ther-Pass", password_again="An0ther-Pass")
    assert "已使用" in _fields(exc)["code"][0]


def test_reset_for_an_unknown_number_sends_nothing_and_says_nothing_more(db, sms_outbox):
    services.phone_code_send(phone="13700000000", purpose=PhoneCode.Purpose.RESET)
    assert sms_outbox == []
    with pytest.raises(ValidationFailed) as exc:
        services.password_reset(phone="13700000000", code="123456", password=PASSWORD, password_again=PASSWORD)
    assert _fields(exc) == {"code": ["验证码不正确"]}


def test_reset_applies_the_password_validators(db, citizen):
    services.phone_code_send(phone=citizen.phone, purpose=PhoneCode.Purpose.RESET)
    with pytest.raises(ValidationFailed) as exc:
        services.password_reset(
            phone=citizen.phone, code=last_code(citizen.phone), password="12345678", password_again="12345678"
        )
    assert "password" in _fields(exc)


# --- through HTTP ---


def _form(**overrides):
    return {
        "username": "liuyi",
        "name": "刘一",
        "id_number": NEW_ID,
        "phone": PHONE,
        "code": "",
        "password": PASSWORD,
        "password_again": PASSWORD,
        **overrides,
    }


def test_register_login_and_see_the_account_page_over_http(client, db):
    page = client.post("/accounts/register/", _form(action="send_code")).content.decode()
    assert 'id="code-sent"' in page and 'value="刘一"' in page and f'value="{NEW_ID}"' in page
    response = client.post("/accounts/register/", _form(code=last_code(PHONE), action="register"))
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    response = client.post("/accounts/login/", {"username": "liuyi", "password": PASSWORD})
    assert response.status_code == 302
    page = client.get("/accounts/").content.decode()
    assert "一级：注册并验证手机" in page and "4401**********3213" in page and NEW_ID not in page


def test_register_errors_come_back_on_the_form_with_what_was_typed(client, db):
    client.post("/accounts/register/", _form(action="send_code"))
    page = client.post(
        "/accounts/register/", _form(id_number=NEW_ID[:-1] + "4", code="000000", action="register")
    ).content.decode()
    assert 'id="id_number-error"' in page and "校验位" in page
    assert 'value="刘一"' in page and 'value="liuyi"' in page
    assert not User.objects.filter(username="liuyi").exists()


def test_code_requests_are_throttled_per_phone(client, db, sms_outbox, settings):
    settings.SMS_CODE_RATES = {"phone": "3/h", "ip": "100/h"}
    for _ in range(3):
        assert 'id="code-sent"' in client.post("/accounts/register/", _form(action="send_code")).content.decode()
    page = client.post("/accounts/register/", _form(action="send_code")).content.decode()
    assert "过于频繁" in page and 'id="code-sent"' not in page
    assert len(sms_outbox) == 3
    # Another number from the same address is still served.
    assert (
        'id="code-sent"'
        in client.post("/accounts/register/", _form(phone="13912340000", action="send_code")).content.decode()
    )


def test_code_requests_are_throttled_per_address(client, db, sms_outbox, settings):
    settings.SMS_CODE_RATES = {"phone": "100/h", "ip": "2/h"}
    for n in range(2):
        client.post("/accounts/register/", _form(phone=f"1391234000{n}", action="send_code"))
    page = client.post("/accounts/register/", _form(phone="13912340009", action="send_code")).content.decode()
    assert "过于频繁" in page and len(sms_outbox) == 2


def test_reset_over_http_then_log_in_with_the_new_password(client, citizen):
    page = client.post("/accounts/password/reset/", {"phone": citizen.phone, "action": "send_code"}).content.decode()
    assert 'id="code-sent"' in page
    response = client.post(
        "/accounts/password/reset/",
        {"phone": citizen.phone, "code": last_code(citizen.phone), "password": PASSWORD, "password_again": PASSWORD},
    )
    assert response.status_code == 302
    assert client.post("/accounts/login/", {"username": "citizen", "password": PASSWORD}).status_code == 302


def test_password_change_needs_the_old_password(client, citizen):
    client.force_login(citizen)
    page = client.post(
        "/accounts/password/change/",
        {"old_password": "wrong", "new_password1": PASSWORD, "new_password2": PASSWORD},
    ).content.decode()
    assert "旧密码" in page
    response = client.post(
        "/accounts/password/change/",
        {"old_password": "yiwang-demo", "new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.check_password(PASSWORD)
    assert client.get("/accounts/").status_code == 200  # still signed in
    assert AuditEntry.objects.filter(action="user.password_change", target_id=str(citizen.pk)).exists()
