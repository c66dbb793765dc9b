"""Writes to the public's records."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from yiwang.core.audit import audit_record
from yiwang.core.errors import PermissionDenied, ValidationFailed
from yiwang.core.permissions import staff_roles

from .identifiers import clean_identity_number, mask_identity_number
from .models import Person


@transaction.atomic
def person_register(*, actor, name: str, id_number: str, phone: str = "", region=None) -> Person:
    """A walk-in applicant at a window: found by identity number, or registered after the checksum passes."""
    if not any(r.role == "clerk" for r in staff_roles(actor)):
        raise PermissionDenied(_("只有窗口人员可以登记来办事的群众"))
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
