"""Identity numbers (GB 11643) and unified social credit codes (GB 32100), checked by python-stdnum."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError


def clean_identity_number(value: str, *, today: dt.date | None = None) -> str:
    """Return the compact 18-character number or raise a ValidationError saying what is wrong."""
    try:
        number = ric.validate(value)
    except InvalidLength:
        raise ValidationError(_("身份证号码应为 18 位"), code="length") from None
    except InvalidFormat:
        raise ValidationError(_("身份证号码格式不正确：前 17 位应为数字，末位为数字或 X"), code="format") from None
    except InvalidChecksum:
        raise ValidationError(_("身份证号码校验位不正确，请核对"), code="checksum") from None
    except InvalidComponent:
        raise ValidationError(_("身份证号码中的出生日期不是有效日期"), code="birth_date") from None
    except StdnumError:
        raise ValidationError(_("身份证号码无效"), code="invalid") from None
    if ric.get_birth_date(number) > (today or timezone.localdate()):
        raise ValidationError(_("身份证号码中的出生日期晚于今天"), code="future_birth_date")
    return number


def birth_date_of(number: str) -> dt.date:
    return ric.get_birth_date(number)


def clean_uscc(value: str) -> str:
    try:
        return uscc.validate(value)
    except InvalidLength:
        raise ValidationError(_("统一社会信用代码应为 18 位"), code="length") from None
    except InvalidFormat:
        raise ValidationError(_("统一社会信用代码含有不允许的字符（不使用 I、O、Z、S、V）"), code="format") from None
    except InvalidChecksum:
        raise ValidationError(_("统一社会信用代码校验位不正确，请核对"), code="checksum") from None
    except StdnumError:
        raise ValidationError(_("统一社会信用代码无效"), code="invalid") from None


def mask_identity_number(number: str) -> str:
    """4401**********1234: enough to recognise one's own number, not enough to use someone else's."""
    if not number or len(number) < 8:
        return "*" * len(number or "")
    return f"{number[:4]}{'*' * (len(number) - 8)}{number[-4:]}"


def mask_person_name(name: str) -> str:
    """张*三, 张*, 欧**华: how a published decision names a natural person, enough for them to find their own entry
    and not enough to name a stranger."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return f"{name[0]}*"
    return f"{name[0]}{'*' * (len(name) - 2)}{name[-1]}"


def mask_phone(phone: str) -> str:
    if not phone or len(phone) < 7:
        return phone
    return f"{phone[:3]}{'*' * (len(phone) - 7)}{phone[-4:]}"
