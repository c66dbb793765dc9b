import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from yiwang.accounts.identifiers import clean_identity_number, clean_uscc, mask_identity_number, mask_phone
from yiwang.accounts.models import Entity, Person


@pytest.mark.parametrize("number", ["11010519491231002X", "11010519491231002x", "440105199001011239"])
def test_valid_identity_numbers(number):
    assert clean_identity_number(number) == number.upper()


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("110105194912310021", "checksum"),  # last digit wrong
        ("110105199913310024", "birth_date"),  # 13th month, check digit right
        ("440105202701010012", "future_birth_date"),  # born in 2027
        ("11010519491231002", "length"),
        ("1101051949123100AX", "format"),
    ],
)
def test_invalid_identity_numbers_say_why(number, code):
    with pytest.raises(ValidationError) as exc:
        clean_identity_number(number, today=dt.date(2026, 11, 22))
    assert exc.value.code == code
    assert exc.value.messages[0]  # a Chinese sentence, not an empty error


def test_uscc_checksum():
    assert clean_uscc("91110000600037341L") == "91110000600037341L"
    with pytest.raises(ValidationError) as exc:
        clean_uscc("91110000600037341M")
    assert exc.value.code == "checksum"
    with pytest.raises(ValidationError) as exc:
        clean_uscc("9111000060003734")
    assert exc.value.code == "length"


def test_masking_keeps_four_and_four():
    assert mask_identity_number("440105199001011239") == "4401**********1239"
    assert mask_phone("13800000001") == "138****0001"


def test_person_form_errors_name_the_field(db):
    person = Person(name="测试", id_number="110105194912310021")
    with pytest.raises(ValidationError) as exc:
        person.full_clean()
    assert "id_number" in exc.value.message_dict
    entity = Entity(name="测试公司", uscc="91110000600037341M", legal_representative="某")
    with pytest.raises(ValidationError) as exc:
        entity.full_clean()
    assert "uscc" in exc.value.message_dict


def test_person_birth_date_comes_from_the_number(db, citizen):
    assert citizen.person.birth_date == dt.date(1990, 1, 1)
    assert str(citizen.person) == "张三（4401**********1239）"
