"""Querysets compiled once per process and database, then run with a new parameter: for the hot reads whose SQL
never changes but for one value (the case locked by primary key, a user's staff roles).

Django compiles a queryset to SQL on every evaluation; for the services' select_related() reads over several
tables that compilation (SQLCompiler.as_sql: the select list, the joins, the converters) was about 39% of a
case lifecycle's client CPU. A CompiledQuery builds its queryset once with a sentinel in place of the
parameter, compiles it for the database alias it runs on (SQLite and PostgreSQL get their own SQL; the FOR
UPDATE OF clause stays as PostgreSQL's compiler wrote it), and then only swaps the parameter in, executes the
SQL and turns the rows into model instances as QuerySet iteration does: the same instances, related objects
and converted values (JSON, dates on SQLite), the same DoesNotExist.

    LOCKED = CompiledQuery(lambda pk: Case.objects.select_for_update().select_related("region").filter(pk=pk))
    case = LOCKED.get(case.pk)    # as Case.objects.select_for_update().select_related("region").get(pk=case.pk)
    roles = ROLES.all(user.pk)    # as list(queryset)

Only querysets whose varying values are of their sentinels' types (an int for an integer key, a str, a date),
each appearing once among the compiled parameters, iterated as model instances: no values(), prefetch_related(),
related manager (known related objects) or composite primary key; building one of those raises. A value goes
to the database driver as given, or for a date as the backend adapts it (SQLite stores the ISO text): the
queryset would have put it through the field's get_db_prep_value, a no-op for an int or a str, hence the type
check. Several values take a tuple of sentinels, as

    HELD = CompiledQuery(lambda t, e: Licence.objects.filter(licence_type=t, holder_entity=e), sentinel=(-1, -2))
    HELD.all(type_id, entity_id)

No library kept up does this: django-prepared-queries (0.3.1, January 2019, Django<2.2) is the one that
substituted parameters into ORM-built SQL, and django-query-preparer prepares statements on PostgreSQL, which
saves the server's parsing, not our compilation. So this leans on Django internals, the ones QuerySet.get()
and ModelIterable.__iter__ (django/db/models/query.py, Django 5.2) use, mirrored here; a Django upgrade must
re-read those two, and tests/core/test_compiled.py says whether they still agree (same SQL, same instances):
- Query.get_compiler(), SQLCompiler.as_sql() and the compiler's select, klass_info, annotation_col_map and
  col_count, which as_sql() fills;
- SQLCompiler.get_converters() and the converter call signature (value, expression, connection);
- django.db.models.query.get_related_populators() (RelatedPopulator.populate) and MAX_GET_RESULTS;
- QuerySet._for_write, _db and _hints (how QuerySet.db routes), and _prefetch_related_lookups,
  _known_related_objects and _iterable_class (refused when set).
"""

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connections, router
from django.db.models import Model, QuerySet
from django.db.models.query import MAX_GET_RESULTS, ModelIterable, get_related_populators
from django.db.transaction import TransactionManagementError

# Within the 32-bit range on purpose: Django turns an integer lookup outside the column's range into an empty
# (or full) WHERE, and then the parameter would not be in the SQL at all.
DEFAULT_SENTINEL = -1_739_204_561
# A day no record can be about, for a query that takes a date.
DATE_SENTINEL = dt.date(1901, 7, 3)


@dataclass(frozen=True, slots=True)
class _Shape:
    """One queryset compiled for one database alias: the SQL and what turns its rows into instances."""

    sql: str
    params: tuple
    places: tuple[tuple[int, Callable], ...]  # per value, where it goes in params and how the backend adapts it
    needs_transaction: bool  # SELECT ... FOR UPDATE, which Django refuses in autocommit
    limit: int | None  # get()'s LIMIT, for its MultipleObjectsReturned message
    model: type[Model]
    start: int
    end: int
    init_list: tuple[str, ...]
    populators: tuple
    annotations: tuple[tuple[str, int], ...]
    converters: tuple  # (position, (converter, ...), expression)


def _as_given(value):
    return value


def _accepts(sentinel, value) -> bool:
    # A datetime is a date too, but would be adapted as a day.
    return type(value) is dt.date if type(sentinel) is dt.date else isinstance(value, type(sentinel))


class CompiledQuery:
    """A queryset shape compiled once per (database alias, vendor), run with a new value each call.

    `build(*values)` returns the queryset for the values; it is called with the sentinels, once per alias and
    per way of running (get() and all() compile differently, as QuerySet.get() adds its own LIMIT).
    Thread-safe: compilation happens under a lock, and a compiled shape is never mutated."""

    def __init__(self, build: Callable[..., QuerySet], *, sentinel: Any = DEFAULT_SENTINEL):
        self._build = build
        self._sentinels = sentinel if isinstance(sentinel, tuple) else (sentinel,)
        if len(set(self._sentinels)) != len(self._sentinels):
            raise ValueError("each value needs a sentinel of its own")
        self._template: QuerySet | None = None
        self._shapes: dict[tuple[str, str, bool], _Shape] = {}
        self._lock = threading.Lock()

    def get(self, *values, using: str | None = None) -> Model:
        """The one instance, as queryset.get() would return it; the model's DoesNotExist when there is none."""
        shape, found = self._run(values, using=using, single=True)
        if len(found) == 1:
            return found[0]
        name = shape.model._meta.object_name
        if not found:
            raise shape.model.DoesNotExist(f"{name} matching query does not exist.")
        count = len(found) if not shape.limit or len(found) < shape.limit else f"more than {shape.limit - 1}"
        raise shape.model.MultipleObjectsReturned(f"get() returned more than one {name} -- it returned {count}!")

    def all(self, *values, using: str | None = None) -> list[Model]:
        """Every instance, in the queryset's order, as list(queryset) would return them."""
        return self._run(values, using=using, single=False)[1]

    def _queryset(self) -> QuerySet:
        template = self._template
        if template is None:
            with self._lock:
                if self._template is None:
                    self._template = self._checked(self._build(*self._sentinels))
                template = self._template
        return template

    @staticmethod
    def _checked(queryset: QuerySet) -> QuerySet:
        if queryset._iterable_class is not ModelIterable:
            raise ValueError("a compiled query yields model instances: no values(), values_list() or raw()")
        if queryset._prefetch_related_lookups or queryset._known_related_objects:
            raise ValueError("a compiled query runs one statement: no prefetch_related() or related manager")
        return queryset

    def _alias(self, queryset: QuerySet) -> str:
        # QuerySet.db's routing, so a read may still go to the replica (yiwang.core.replica) and a lock never.
        if queryset._db:
            return queryset._db
        route = router.db_for_write if queryset._for_write else router.db_for_read
        return route(queryset.model, **queryset._hints)

    def _shape(self, alias: str, *, single: bool) -> _Shape:
        key = (alias, connections[alias].vendor, single)
        shape = self._shapes.get(key)
        if shape is None:
            with self._lock:
                shape = self._shapes.get(key)
                if shape is None:
                    shape = self._shapes[key] = self._compile(alias, single=single)
        return shape

    def _compile(self, alias: str, *, single: bool) -> _Shape:
        queryset = self._build(*self._sentinels).using(alias)
        connection = connections[alias]
        query = queryset.query
        limit = None
        if single:
            # What QuerySet.get() does to the query before it runs it.
            if query.can_filter() and not query.distinct_fields:
                queryset = queryset.order_by()
                query = queryset.query
            if not query.select_for_update or connection.features.supports_select_for_update_with_limit:
                limit = MAX_GET_RESULTS
                query.set_limits(high=limit)
        compiler = query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        places = tuple(self._place(params, sentinel, connection) for sentinel in self._sentinels)
        fields = [column[0] for column in compiler.select[: compiler.col_count]]
        if compiler.has_composite_fields(fields):
            raise ValueError("a compiled query does not hydrate composite primary keys")
        klass_info = compiler.klass_info
        select_fields = klass_info["select_fields"]
        start, end = select_fields[0], select_fields[-1] + 1
        return _Shape(
            sql=sql,
            params=tuple(params),
            places=places,
            needs_transaction=bool(
                query.select_for_update
                and connection.features.has_select_for_update
                and connection.features.supports_transactions
            ),
            limit=limit,
            model=klass_info["model"],
            start=start,
            end=end,
            init_list=tuple(column[0].target.attname for column in compiler.select[start:end]),
            populators=tuple(get_related_populators(klass_info, compiler.select, alias)),
            annotations=tuple((compiler.annotation_col_map or {}).items()),
            # The backends' converters are bound to the compiling connection's operations, which read only
            # what the alias's settings fix (its time zone), the same for every thread's connection to it.
            converters=tuple(
                (pos, tuple(convs), expr) for pos, (convs, expr) in compiler.get_converters(fields).items()
            ),
        )

    @staticmethod
    def _place(params, sentinel, connection) -> tuple[int, Callable]:
        adapt = connection.ops.adapt_datefield_value if type(sentinel) is dt.date else _as_given
        wanted = adapt(sentinel)
        where = [i for i, param in enumerate(params) if type(param) is type(wanted) and param == wanted]
        if len(where) != 1:
            raise ValueError(f"each value must appear once in the compiled query's parameters, not {len(where)}")
        return where[0], adapt

    def _run(self, values: tuple, *, using: str | None, single: bool) -> tuple[_Shape, list[Model]]:
        if len(values) != len(self._sentinels):
            raise TypeError(f"a compiled query takes {len(self._sentinels)} values, not {len(values)}")
        for value, sentinel in zip(values, self._sentinels, strict=True):
            if not _accepts(sentinel, value):
                raise TypeError(f"a compiled query takes a {type(sentinel).__name__}, not {type(value).__name__}")
        alias = using or self._alias(self._queryset())
        shape = self._shape(alias, single=single)
        connection = connections[alias]
        if shape.needs_transaction and connection.get_autocommit():
            raise TransactionManagementError("select_for_update cannot be used outside of a transaction.")
        params = list(shape.params)
        for value, (index, adapt) in zip(values, shape.places, strict=True):
            params[index] = adapt(value)
        with connection.cursor() as cursor:
            cursor.execute(shape.sql, params)
            rows = cursor.fetchall()
        found = []
        for fetched in rows:
            row = list(fetched) if shape.converters else fetched
            for pos, convs, expression in shape.converters:
                converted = row[pos]
                for converter in convs:
                    converted = converter(converted, expression, connection)
                row[pos] = converted
            obj = shape.model.from_db(alias, shape.init_list, row[shape.start : shape.end])
            for populator in shape.populators:
                populator.populate(row, obj)
            for name, pos in shape.annotations:
                setattr(obj, name, row[pos])
            found.append(obj)
        return shape, found
