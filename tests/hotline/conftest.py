"""The 海珠区 12345 centre, two of its departments' liaisons, and a way to take a call."""

import pytest

from yiwang.accounts.models import User
from yiwang.hotline import services
from yiwang.hotline.models import WorkOrder
from yiwang.org.models import Department, Region


@pytest.fixture
def haizhu(db):
    return Region.objects.get(code="440105")


@pytest.fixture
def operator(db):
    return User.objects.get(username="hz-12345-operator")


@pytest.fixture
def urban_liaison(db):
    """海珠区城市管理和综合执法局's liaison."""
    return User.objects.get(username="hz-urban-liaison")


@pytest.fixture
def housing_liaison(db):
    return User.objects.get(username="hz-housing-liaison")


@pytest.fixture
def urban(haizhu):
    return Department.objects.get(region=haizhu, kind="URBAN")


@pytest.fixture
def housing(haizhu):
    return Department.objects.get(region=haizhu, kind="HOUSING")


@pytest.fixture
def take(operator, haizhu):
    """Take a call as the operator: a complaint about a street stall unless told otherwise."""

    def make(**overrides) -> WorkOrder:
        fields = {
            "region": haizhu,
            "kind": WorkOrder.Kind.COMPLAINT,
            "category": "CITY-01",
            "description": "南洲路菜市场门口每天早上有人占道摆卖，行人只能走机动车道。",
            "address": "海珠区南洲路 88 号",
            "caller_name": "李四",
            "caller_phone": "13800138000",
        }
        fields.update(overrides)
        return services.order_take(actor=operator, **fields)

    return make


@pytest.fixture
def dispatched(take, operator, urban, monday):
    """A normal complaint dispatched to 城管 on Monday 10:00, as 老大难 (a 整改类 order's reply needs its 流程整改:
    tests/hotline/test_rectification.py)."""
    order = take()
    return services.order_dispatch(actor=operator, order=order, lead=urban, handling=WorkOrder.Handling.CHRONIC)


# Files by their content: core.storage judges the type from the magic bytes, never from the name.
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"


@pytest.fixture
def media(settings, tmp_path):
    """A material store of the test's own, so what was stored (or not) can be counted."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(media) -> list:
    return sorted(p.name for p in (media / "materials").rglob("*") if p.is_file())


def upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)
