"""Shared fixtures. The reference catalog, the demo personas and their licences are loaded once per test database;
each test runs in a transaction rolled back at its end."""

import datetime as dt
import os

import pytest
import time_machine

from yiwang.accounts.demo import load_demo_people
from yiwang.accounts.models import User
from yiwang.catalog.reference import load_catalog, reference_data
from yiwang.evaluation.seeds import load_evaluation_systems
from yiwang.grid.reference import load_grid
from yiwang.hotline.reference import load_hotline_reference
from yiwang.licences.demo import load_demo_licences
from yiwang.org.reference import load_organisation
from yiwang.workflow.services import load_demo_processes

pytest_plugins = ["tests.case_fixtures", "tests.form_fixtures", "tests.bench.prepared"]

# The whole suite runs on a pinned clock, never the wall clock: from a Monday morning in Guangzhou, ticking.
# CI runs it a second time with that moment moved (YIWANG_TEST_CLOCK_SHIFT_DAYS=400, into a year without holiday
# data): a test that assumes the day it was written on fails there, not on the day the calendar turns.
TEST_EPOCH = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
CLOCK_SHIFT_DAYS = int(os.environ.get("YIWANG_TEST_CLOCK_SHIFT_DAYS") or 0)


def pytest_configure(config):
    config._yiwang_clock = time_machine.travel(TEST_EPOCH + dt.timedelta(days=CLOCK_SHIFT_DAYS), tick=True)
    config._yiwang_clock.start()


def pytest_unconfigure(config):
    clock = getattr(config, "_yiwang_clock", None)
    if clock is not None:
        clock.stop()


def pytest_report_header(config):
    return f"yiwang: the clock starts at {TEST_EPOCH + dt.timedelta(days=CLOCK_SHIFT_DAYS):%Y-%m-%d %H:%M %z}"


def _load_shared_data() -> None:
    data = reference_data()
    load_catalog(data, load_organisation(data))
    load_demo_people()
    load_grid()
    # The demo seals' keys are created here, valid from this moment; tests that travel to a fixed day (Monday
    # 2026-11-23) must not find them valid only from a later, shifted one, which no real key ever is.
    with time_machine.travel(TEST_EPOCH - dt.timedelta(days=3), tick=False):
        load_demo_licences()
    load_demo_processes()
    load_hotline_reference()
    load_evaluation_systems()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        _load_shared_data()


@pytest.fixture
def reference_data_restored(django_db_blocker):
    """A transactional test empties every table when it ends; put back what is loaded once per session.
    Requested before transactional_db, so this teardown runs after the emptying."""
    yield
    with django_db_blocker.unblock():
        _load_shared_data()


def _persona(username: str) -> User:
    return User.objects.get(username=username)


@pytest.fixture
def citizen(db):
    """张三, a 海珠区 resident."""
    return _persona("citizen")


@pytest.fixture
def enterprise_agent(db):
    """The agent of 广州市海珠区味道餐饮管理有限公司."""
    return _persona("enterprise")


@pytest.fixture
def clerk(db):
    """A general-window clerk at the 海珠区 service centre."""
    return _persona("hz-gov_service-clerk")


@pytest.fixture
def samr_reviewer(db):
    """A reviewer of 海珠区市场监督管理局."""
    return _persona("hz-samr-reviewer")


@pytest.fixture
def health_reviewer(db):
    """A reviewer of 海珠区卫生健康局."""
    return _persona("hz-health-reviewer")


@pytest.fixture
def tianhe_reviewer(db):
    """A reviewer of 天河区市场监督管理局: sees nothing of 海珠区."""
    return _persona("th-samr-reviewer")


@pytest.fixture
def supervisor(db):
    """海珠区's efficiency supervisor."""
    return _persona("hz-gov_service-supervisor")


@pytest.fixture
def catalog_admin(db):
    """The administrator who maintains 海珠区's catalog."""
    return _persona("hz-gov_service-admin")


@pytest.fixture
def superuser(db):
    return _persona("admin")
