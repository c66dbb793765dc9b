import pytest

from yiwang.accounts.models import User
from yiwang.catalog.models import ItemImplementation
from yiwang.org.models import Department, Region, ServiceCenter, StaffRole, Window

# A valid GB 11643 number that the demo data does not hold: a walk-in the desk registers for the first time.
WALK_IN_ID = "11010519491231002X"


@pytest.fixture
def hall(db):
    return ServiceCenter.objects.get(name="海珠区政务服务中心")


@pytest.fixture
def window1(hall):
    return Window.objects.get(center=hall, number="1")


@pytest.fixture
def window2(hall):
    return Window.objects.get(center=hall, number="2")


@pytest.fixture
def marriage(db):
    """内地居民结婚登记 at 海珠区: an instant item, identity drawn from shared data, one signed declaration."""
    return ItemImplementation.objects.get(code="R040-440105")


@pytest.fixture
def tianhe_clerk(db):
    """The demo has no 天河区 clerk: one is made here, at 天河区's service department."""
    user = User.objects.create_user(username="th-clerk", password="x", display_name="天河区综合窗口人员")
    region = Region.objects.get(code="440106")
    StaffRole.objects.create(
        user=user, role="clerk", department=Department.objects.get(region=region, kind="GOV_SERVICE"), region=region
    )
    return user
