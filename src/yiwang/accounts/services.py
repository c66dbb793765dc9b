"""Writes to the public's records: walk-in registration, self-registration with an SMS code, passwords,
binding an entity by its legal representative and the agents (经办人) it authorises."""

import datetime as dt
import re
import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from yiwang.core.audit import audit_record
from yiwang.core.errors import NotFound, PermissionDenied, ValidationFailed
from yiwang.core.notifications import notify
from yiwang.core.permissions import can_do

from . import sms
from .identifiers import clean_identity_number, clean_uscc, mask_identity_number, mask_phone
from .models import Entity, EntityAgent, Person, PhoneCode, User

CODE_LIFETIME = dt.timedelta(minutes=5)
CODE_MAX_ATTEMPTS = 5
# Mainland mobile numbers: 11 digits starting 13–19.
MOBILE = re.compile(r"1[3-9]\d{9}")


@transaction.atomic
def person_register(*, actor, name: str, id_number: str, phone: str = "", region=None) -> Person:
    """A walk-in applicant at a window, or a resident a 网格员 serves at home (上门代办): found by identity number,
    or registered after the checksum passes."""
    if not (can_do(actor, "window_intake") or can_do(actor, "grid_work")):
        raise PermissionDenied(_("只有窗口人员或网格员可以登记办事群众"))
    try:
        number = clean_identity_number(id_number)
    except ValidationError as exc:
        raise ValidationFailed(fields={"id_number": exc.messages}) from None
    if not name.strip():
        raise ValidationFailed(fields={"name": [_("请填写姓名")]})
    person = Person.objects.filter(id_number=number).first()
    if person is not None:
        if person.name != name.strip():
            raise ValidationFailed(fields={"name": [_("姓名与该身份证号码登记的姓名不一致")]})
        return person
    person = Person.objects.create(name=name.strip(), id_number=number, phone=phone.strip(), region=region)
    audit_record(actor=actor, action="person.register", target=person, data={"id_number": mask_identity_number(number)})
    return person


def clean_mobile(phone: str) -> str:
    phone = (phone or "").strip().replace(" ", "").removeprefix("+86")
    if not MOBILE.fullmatch(phone):
        raise ValidationFailed(fields={"phone": [_("请填写 11 位手机号码")]})
    return phone


def _code_hash(phone: str, purpose: str, code: str) -> str:
    return salted_hmac("yiwang.accounts.phone_code", f"{phone}:{purpose}:{code}", algorithm="sha256").hexdigest()


@transaction.atomic
def phone_code_send(*, phone: str, purpose: str) -> None:
    """Text a fresh 6-digit code; it replaces any earlier one for the same number and purpose.

    For a password reset nothing is sent to a number no account holds, and the caller answers the same either
    way, so the form cannot be used to find out who has an account."""
    phone = clean_mobile(phone)
    if purpose == PhoneCode.Purpose.RESET and not User.objects.filter(phone=phone, is_active=True).exists():
        return
    code = f"{secrets.randbelow(10**6):06d}"
    now = timezone.now()
    PhoneCode.objects.filter(phone=phone, purpose=purpose, used_at__isnull=True).update(expires_at=now)
    PhoneCode.objects.create(
        phone=phone, purpose=purpose, code_hash=_code_hash(phone, purpose, code), expires_at=now + CODE_LIFETIME
    )
    label = PhoneCode.Purpose(purpose).label
    minutes = int(CODE_LIFETIME.total_seconds() // 60)
    sms.send(
        phone,
        _("【一网通办】您的%(what)s验证码是 %(code)s，%(m)d 分钟内有效。请勿告诉他人。")
        % {"what": label, "code": code, "m": minutes},
    )


def _code_match(*, phone: str, purpose: str, code: str) -> PhoneCode:
    """The live code the person typed, or a ValidationFailed on "code".

    Not atomic on purpose: a wrong guess is counted in its own statement so that it stays counted when the
    caller's transaction rolls back on the error."""
    pending = PhoneCode.objects.filter(phone=phone, purpose=purpose).order_by("-created_at", "-pk").first()
    if pending is None:
        raise ValidationFailed(fields={"code": [_("请先获取短信验证码")]})
    if pending.used_at is not None:
        raise ValidationFailed(fields={"code": [_("验证码已使用，请重新获取")]})
    if pending.expires_at <= timezone.now():
        raise ValidationFailed(fields={"code": [_("验证码已过期，请重新获取")]})
    if pending.attempts >= CODE_MAX_ATTEMPTS:
        raise ValidationFailed(fields={"code": [_("验证码错误次数过多，请重新获取")]})
    if not constant_time_compare(pending.code_hash, _code_hash(phone, purpose, (code or "").strip())):
        PhoneCode.objects.filter(pk=pending.pk).update(attempts=F("attempts") + 1)
        raise ValidationFailed(fields={"code": [_("验证码不正确")]})
    return pending


def _code_use(pending: PhoneCode) -> None:
    """Spend the code inside the caller's transaction; of two requests racing with it, one wins."""
    if not PhoneCode.objects.filter(pk=pending.pk, used_at__isnull=True).update(used_at=timezone.now()):
        raise ValidationFailed(fields={"code": [_("验证码已使用，请重新获取")]})


def _password_errors(password: str, again: str, user: User) -> list[str]:
    if not password:
        return [_("请设置密码")]
    if password != again:
        return [_("两次输入的密码不一致")]
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        return list(exc.messages)
    return []


def user_register(
    *, username: str, name: str, id_number: str, phone: str, code: str, password: str, password_again: str
) -> User:
    """A person registers: real name and GB 11643 number, a phone confirmed by SMS code, a password.

    Every field error is reported in one round; the code is tried only once the rest is right, so a typo
    elsewhere does not spend an attempt. A walk-in already registered at a window gets the account attached."""
    errors: dict[str, list[str]] = {}
    username, name = (username or "").strip(), (name or "").strip()
    if not username:
        errors["username"] = [_("请填写用户名")]
    else:
        try:
            User.username_validator(username)
        except ValidationError:
            errors["username"] = [_("用户名只能包含字母、数字和 @/./+/-/_ 字符")]
        else:
            if User.objects.filter(username__iexact=username).exists():
                errors["username"] = [_("该用户名已被使用")]
    if not name:
        errors["name"] = [_("请填写姓名")]
    person = None
    try:
        number = clean_identity_number(id_number)
    except ValidationError as exc:
        errors["id_number"] = exc.messages
    else:
        person = Person.objects.filter(id_number=number).first()
        if person is not None and person.user_id:
            errors["id_number"] = [_("该身份证号码已注册账号，请直接登录或找回密码")]
        elif person is not None and name and person.name != name:
            errors["name"] = [_("姓名与该身份证号码登记的姓名不一致")]
    try:
        phone = clean_mobile(phone)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    else:
        if User.objects.filter(phone=phone).exists():
            errors["phone"] = [_("该手机号码已注册账号，请直接登录或找回密码")]
    if problems := _password_errors(password, password_again, User(username=username, display_name=name)):
        errors["password"] = problems
    if errors:
        raise ValidationFailed(fields=errors)
    pending = _code_match(phone=phone, purpose=PhoneCode.Purpose.REGISTER, code=code)
    with transaction.atomic():
        _code_use(pending)
        user = User(username=username, display_name=name, phone=phone, identity_level=User.IdentityLevel.REGISTERED)
        user.set_password(password)
        user.save()
        if person is None:
            person = Person.objects.create(user=user, name=name, id_number=number, phone=phone)
        else:
            person.user = user
            person.phone = person.phone or phone
            person.save(update_fields=["user", "phone"])
        audit_record(
            actor=user,
            action="user.register",
            target=user,
            data={"id_number": mask_identity_number(number), "phone": mask_phone(phone)},
        )
    return user


def password_reset(*, phone: str, code: str, password: str, password_again: str) -> User:
    """A forgotten password, replaced after the code texted to the account's phone is typed back."""
    phone = clean_mobile(phone)
    user = User.objects.filter(phone=phone, is_active=True).first()
    if user is None:
        # The same answer as a wrong code: the form does not tell whether the number has an account.
        raise ValidationFailed(fields={"code": [_("验证码不正确")]})
    if problems := _password_errors(password, password_again, user):
        raise ValidationFailed(fields={"password": problems})
    pending = _code_match(phone=phone, purpose=PhoneCode.Purpose.RESET, code=code)
    with transaction.atomic():
        _code_use(pending)
        _password_set(user, password, action="user.password_reset")
    return user


@transaction.atomic
def password_change(*, actor: User, password: str) -> None:
    """The signed-in user's new password (the caller has checked the old one, as Django's form does)."""
    _password_set(actor, password, action="user.password_change")


def _password_set(user: User, password: str, *, action: str) -> None:
    from axes.utils import reset as axes_reset

    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(actor=user, action=action, target=user)
    # A new password lifts a lockout the old guesses caused.
    axes_reset(username=user.get_username())


def is_legal_representative(user: User, entity: Entity) -> bool:
    """The register names this user's real-name person as the entity's legal representative."""
    person = Person.objects.filter(user=user).first() if getattr(user, "pk", None) else None
    if person is None or person.name != entity.legal_representative:
        return False
    return not entity.legal_representative_id_number or entity.legal_representative_id_number == person.id_number


@transaction.atomic
def entity_bind(*, actor: User, uscc: str) -> EntityAgent:
    """The legal representative binds the entity to their account (企业账号), checked against the register."""
    try:
        number = clean_uscc((uscc or "").strip().upper())
    except ValidationError as exc:
        raise ValidationFailed(fields={"uscc": exc.messages}) from None
    if not Person.objects.filter(user=actor).exists():
        raise ValidationFailed(fields={"uscc": [_("请先完成实名注册，再绑定企业")]})
    entity = Entity.objects.filter(uscc=number).first()
    if entity is None:
        raise ValidationFailed(fields={"uscc": [_("主体登记库中没有该统一社会信用代码的主体")]})
    if entity.status in (Entity.Status.CANCELLED, Entity.Status.REVOKED):
        raise ValidationFailed(fields={"uscc": [_("该主体已注销或被吊销，不能绑定")]})
    if not is_legal_representative(actor, entity):
        raise ValidationFailed(fields={"uscc": [_("登记的法定代表人不是您本人，只有法定代表人可以绑定企业")]})
    grant, _created = EntityAgent.objects.update_or_create(
        entity=entity, user=actor, defaults={"granted_by": actor, "expires_on": None, "revoked_at": None}
    )
    audit_record(actor=actor, action="entity.bind", target=entity, data={"uscc": entity.uscc})
    return grant


def _managed_entity(actor: User, entity_id: int) -> Entity:
    entity = Entity.objects.acting_for(actor).filter(pk=entity_id).first()
    if entity is None or not is_legal_representative(actor, entity):
        raise NotFound()
    return entity


@transaction.atomic
def agent_grant(*, actor: User, entity_id: int, account: str, expires_on: dt.date | None) -> EntityAgent:
    """The legal representative authorises an account (by username or phone) to act for the entity until a day."""
    entity = _managed_entity(actor, entity_id)
    errors: dict[str, list[str]] = {}
    account = (account or "").strip()
    agent = (
        User.objects.filter(Q(username__iexact=account) | Q(phone=account), is_active=True).order_by("pk").first()
        if account
        else None
    )
    if agent is None:
        errors["account"] = [_("没有找到该账号，请填写经办人注册的用户名或手机号码")]
    elif agent.pk == actor.pk:
        errors["account"] = [_("法定代表人本人无需授权")]
    if expires_on is None:
        errors["expires_on"] = [_("请填写授权截止日期")]
    elif expires_on < timezone.localdate():
        errors["expires_on"] = [_("授权截止日期不能早于今天")]
    if errors:
        raise ValidationFailed(fields=errors)
    grant, _created = EntityAgent.objects.update_or_create(
        entity=entity,
        user=agent,
        defaults={"granted_by": actor, "expires_on": expires_on, "revoked_at": None, "granted_at": timezone.now()},
    )
    audit_record(
        actor=actor,
        action="entity.agent_grant",
        target=entity,
        data={"agent": agent.username, "expires_on": expires_on.isoformat()},
    )
    notify(
        user=agent,
        title=_("您已被授权为 %(e)s 的经办人") % {"e": entity.name},
        body=_("授权至 %(d)s。") % {"d": expires_on.isoformat()},
    )
    return grant


@transaction.atomic
def agent_revoke(*, actor: User, entity_id: int, grant_id: int) -> EntityAgent:
    entity = _managed_entity(actor, entity_id)
    grant = entity.agent_grants.exclude(user=actor).filter(pk=grant_id, revoked_at__isnull=True).first()
    if grant is None:
        raise NotFound()
    grant.revoked_at = timezone.now()
    grant.save(update_fields=["revoked_at"])
    audit_record(actor=actor, action="entity.agent_revoke", target=entity, data={"agent": grant.user.username})
    notify(user=grant.user, title=_("您对 %(e)s 的经办人授权已被撤销") % {"e": entity.name})
    return grant
