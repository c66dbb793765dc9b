"""core.compiled: a query compiled once returns what its queryset returns (the same SQL, the same instances with
the same related objects and converted values, the same exceptions), and compiles nothing the second time."""

import datetime as dt
import threading
from unittest import mock

import pytest
from django.db import OperationalError, connection, connections, transaction
from django.db.models.sql.compiler import SQLCompiler
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from yiwang.cases.models import Case
from yiwang.cases.services._common import _LOCKED_CASE_TASKS, CASE_RELATED, LOCKED_CASE
from yiwang.core.compiled import DATE_SENTINEL, DEFAULT_SENTINEL, CompiledQuery
from yiwang.org.models import Department, StaffRole
from yiwang.org.selectors import active_roles
from yiwang.workflow.models import Task

TASK_RELATED = ("case__region", "department__region")


def _plain_case(pk):
    return Case.objects.select_for_update(of=("self",)).select_related(*CASE_RELATED).get(pk=pk)


def _plain_tasks(case_id):
    return list(
        Task.objects.select_for_update(of=("case", "self"))
        .select_related(*TASK_RELATED)
        .filter(case_id=case_id)
        .order_by("pk")
    )


def _values(obj) -> dict:
    return {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}


def _assert_same(compiled, plain, paths) -> None:
    """Every concrete field of the instance and of each select_related object along `paths`, already loaded."""
    assert type(compiled) is type(plain)
    assert _values(compiled) == _values(plain)
    assert (compiled._state.db, compiled._state.adding) == (plain._state.db, plain._state.adding)
    for path in paths:
        ours, theirs = compiled, plain
        for name in path.split("__"):
            field = ours._meta.get_field(name)
            assert field.is_cached(ours) == field.is_cached(theirs), path
            ours, theirs = field.get_cached_value(ours), field.get_cached_value(theirs)
            if theirs is None:
                assert ours is None, path
                break
            assert type(ours) is type(theirs), path
            assert _values(ours) == _values(theirs), path
            assert ours._state.db == theirs._state.db, path


def test_the_locked_case_is_what_its_queryset_returns(in_review):
    with transaction.atomic():
        compiled, plain = LOCKED_CASE.get(in_review.pk), _plain_case(in_review.pk)
    _assert_same(compiled, plain, CASE_RELATED)
    # A JSON column and dates: converted on SQLite by Django's converters, as the queryset converts them.
    assert isinstance(compiled.form_data, dict) and compiled.form_data
    assert compiled.form_data == plain.form_data
    assert compiled.applicant_entity.pk == in_review.applicant_entity_id


def test_the_locked_tasks_are_what_their_queryset_returns(in_review):
    with transaction.atomic():
        compiled, plain = _LOCKED_CASE_TASKS.all(in_review.pk), _plain_tasks(in_review.pk)
    assert len(compiled) == len(plain) >= 2
    for ours, theirs in zip(compiled, plain, strict=True):
        _assert_same(ours, theirs, TASK_RELATED)


def test_active_roles_are_what_their_queryset_returns(samr_reviewer, clerk, citizen):
    for user in (samr_reviewer, clerk, citizen):
        plain = list(StaffRole.objects.filter(user=user, active=True).select_related("region", "department"))
        compiled = active_roles(user)
        assert [role.pk for role in compiled] == [role.pk for role in plain]
        for ours, theirs in zip(compiled, plain, strict=True):
            _assert_same(ours, theirs, ("region", "department"))
    assert active_roles(samr_reviewer)
    assert active_roles(citizen) == []


def test_the_sql_is_the_querysets(in_review, clerk):
    """The same statement the queryset sends, the lock clause included (FOR UPDATE OF on PostgreSQL, none on
    SQLite), with the key in place of the sentinel."""
    task = Task.objects.filter(case=in_review).first()
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        LOCKED_CASE.get(in_review.pk)
        _plain_case(in_review.pk)
        _LOCKED_CASE_TASKS.all(task.case_id)
        _plain_tasks(task.case_id)
        active_roles(clerk)
        list(StaffRole.objects.filter(user=clerk, active=True).select_related("region", "department"))
    ours_case, plain_case, ours_task, plain_task, ours_roles, plain_roles = (q["sql"] for q in captured)
    assert ours_case == plain_case
    assert ours_task == plain_task
    assert ours_roles == plain_roles
    assert str(in_review.pk) in ours_case
    if connection.vendor == "postgresql":
        assert ours_case.endswith('FOR UPDATE OF "cases_case"')
        assert ours_task.endswith('FOR UPDATE OF "cases_case", "workflow_task"')
    else:
        assert "FOR UPDATE" not in ours_case + ours_task


def test_a_missing_row_raises_the_models_does_not_exist(db):
    with transaction.atomic():
        with pytest.raises(Case.DoesNotExist, match="Case matching query does not exist"):
            LOCKED_CASE.get(0)
        assert _LOCKED_CASE_TASKS.all(0) == []


def test_more_than_one_row_is_refused_as_get_refuses_it(db):
    region_id = Department.objects.values_list("region", flat=True).first()
    by_region = CompiledQuery(lambda pk: Department.objects.filter(region=pk))
    with pytest.raises(Department.MultipleObjectsReturned) as plain:
        Department.objects.get(region=region_id)
    with pytest.raises(Department.MultipleObjectsReturned) as ours:
        by_region.get(region_id)
    assert str(ours.value) == str(plain.value)
    assert [d.pk for d in by_region.all(region_id)] == [d.pk for d in Department.objects.filter(region=region_id)]


def test_several_values_and_a_day_give_what_their_queryset_gives(in_review):
    """A date goes in as the backend adapts it (ISO text on SQLite), each value in its own place."""

    def plain(region_id, day):
        return Case.objects.filter(region=region_id, received_on__gte=day).order_by("pk")

    since = CompiledQuery(plain, sentinel=(DEFAULT_SENTINEL, DATE_SENTINEL))
    day = in_review.received_on
    for region_id, on in ((in_review.region_id, day), (in_review.region_id, day + dt.timedelta(days=1)), (0, day)):
        assert [c.pk for c in since.all(region_id, on)] == [c.pk for c in plain(region_id, on)]
    assert [c.pk for c in since.all(in_review.region_id, day)] == [in_review.pk]
    with CaptureQueriesContext(connection) as captured:
        since.all(in_review.region_id, day)
        list(plain(in_review.region_id, day))
    assert captured[0]["sql"] == captured[1]["sql"]


def test_values_must_match_the_sentinels_in_number_and_type(in_review):
    since = CompiledQuery(
        lambda region_id, day: Case.objects.filter(region=region_id, received_on=day),
        sentinel=(DEFAULT_SENTINEL, DATE_SENTINEL),
    )
    with pytest.raises(TypeError):
        since.all(in_review.region_id)
    with pytest.raises(TypeError):
        since.all(in_review.region_id, in_review.received_on, 1)
    with pytest.raises(TypeError):  # a moment is not a day
        since.all(in_review.region_id, dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC))
    with pytest.raises(ValueError):
        CompiledQuery(lambda a, b: Case.objects.filter(region=a, pk=b), sentinel=(DEFAULT_SENTINEL, DEFAULT_SENTINEL))


def test_a_second_call_compiles_nothing(in_review):
    query = CompiledQuery(
        lambda pk: Case.objects.select_for_update(of=("self",)).select_related(*CASE_RELATED).filter(pk=pk)
    )
    compiles = mock.patch.object(SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql)
    with transaction.atomic(), compiles as as_sql:
        first = query.get(in_review.pk)
        assert as_sql.call_count == 1
        with CaptureQueriesContext(connection) as captured:
            again = query.get(in_review.pk)
        assert as_sql.call_count == 1
        assert len(captured) == 1
        # all() is another statement (no get() LIMIT): compiled once too, then reused.
        query.all(in_review.pk)
        query.all(in_review.pk)
        assert as_sql.call_count == 2
    _assert_same(again, first, CASE_RELATED)


def test_a_lock_outside_a_transaction_is_refused_as_the_queryset_refuses_it(in_review):
    """Django refuses SELECT ... FOR UPDATE in autocommit where the database has it (PostgreSQL), not on SQLite."""
    with transaction.atomic():
        LOCKED_CASE.get(in_review.pk)  # compiled already: the refusal must not depend on compiling
    outcomes = []
    with mock.patch.object(connection, "get_autocommit", return_value=True):
        for call in (LOCKED_CASE.get, _plain_case):
            try:
                call(in_review.pk)
            except TransactionManagementError:
                outcomes.append("refused")
            else:
                outcomes.append("ran")
    assert outcomes[0] == outcomes[1] == ("refused" if connection.vendor == "postgresql" else "ran")


def test_the_value_must_be_of_the_sentinels_type(in_review):
    with transaction.atomic(), pytest.raises(TypeError):
        LOCKED_CASE.get(in_review)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks exist on PostgreSQL only")
def test_the_compiled_lock_holds_the_row(db):
    """A committed row (the test's own case is invisible to another connection): another transaction cannot
    take it while the compiled SELECT ... FOR UPDATE holds it."""
    department = Department.objects.first()
    locking = CompiledQuery(lambda pk: Department.objects.select_for_update().filter(pk=pk))
    outcome: list[BaseException | None] = [None]

    def elsewhere():
        try:
            with transaction.atomic():
                Department.objects.select_for_update(nowait=True).get(pk=department.pk)
        except BaseException as exc:  # reported by the assertion below
            outcome[0] = exc
        finally:
            connections.close_all()

    with transaction.atomic():
        assert locking.get(department.pk) == department
        thread = threading.Thread(target=elsewhere)
        thread.start()
        thread.join(timeout=30)
    assert isinstance(outcome[0], OperationalError), outcome[0]
