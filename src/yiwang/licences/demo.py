"""The demo's licences already in the store: each demo enterprise's business licence, as 存量证照归集 would have
brought them in, so an application that asks for 营业执照 draws it in instead of asking for a copy."""

import datetime as dt

from django.db import transaction

from yiwang.accounts.models import Entity
from yiwang.catalog.models import LicenceType
from yiwang.org.models import Department

from .services import licence_import, licence_number

DEMO_ISSUED_ON = dt.date(2023, 3, 15)


@transaction.atomic
def load_demo_licences() -> int:
    business = LicenceType.objects.get(code="BIZ_LICENCE")
    loaded = 0
    entities = Entity.objects.filter(uscc__in=["91440105MA59ABCD17", "91440106MA5CXY312D"]).select_related("region")
    for serial, entity in enumerate(entities.order_by("uscc"), start=1):
        licence_import(
            actor=None,
            licence_type=business,
            department=Department.objects.get(region=entity.region, kind="SAMR"),
            number=licence_number(
                region_code=entity.region.code, year=DEMO_ISSUED_ON.year, licence_type=business, serial=serial
            ),
            issued_on=DEMO_ISSUED_ON,
            entity=entity,
            data={
                "name": entity.name,
                "legal_representative": entity.legal_representative,
                "business_scope": entity.business_scope,
                "address": entity.address,
            },
        )
        loaded += 1
    return loaded
