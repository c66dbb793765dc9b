"""Credit check benchmark: the rule evaluation at acceptance (all rules, one entity), p99, beside a naive baseline.

    .venv/bin/python bench/bench_credit_check.py [--entities 200000] [--records 40000] [--checks 500]
    .venv/bin/python bench/bench_credit_check.py --entities 1000000 --records 200000   # the issue's scale
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/yiwang_bench_credit .venv/bin/python bench/bench_credit_check.py

Builds a fresh database (SQLite in a temporary directory by default; with DATABASE_URL=postgresql://… that
database is dropped and recreated), loads the reference organisation and catalog, then bulk-inserts
synthetic entities and credit records: records fall on random entities (so about one entity in six has
any), kinds split abnormal 50% / serious 20% / red 30%, one in five already ended and one in ten repaired,
listed by random 海珠区 departments. Besides the four seeded rules it adds --rules minus four synthetic
rules over the three lists, half of them naming a few catalog items, so "all rules" means a realistic table.

The default is the issue's scale divided by five so a run takes a few minutes; the full scale (1,000,000
entities, 200,000 records) takes about eight minutes on SQLite, most of it the bulk insert.

Both sides answer the same question for one entity and one item (R042, a benefit item): which rules hit
its records in force today at acceptance. Each check is timed alone, on entities picked at random among
those with at least one record (the case where rules are read at all) and, separately, among all entities.

yiwang: credit.services.credit_evaluate — one indexed query for the entity's records in force, and only if
there is one, a single query for the rules of those lists at that checkpoint with the item match computed
in SQL (EXISTS on the rule–item table). credit_check, which the cases services call, adds only the hit rows.

naive: what a first version would do: load every rule, and for each rule load all of the entity's records
of that list and its items (a query per rule and another for its items), filtering dates and repair in
Python. The same indexes exist for both; the difference is the number of round trips and rows.
"""

import argparse
import datetime as dt
import random
import statistics
import time

from _setup import catalog_database

DEFAULT_URL = "sqlite"
ITEM = "R042"
BATCH = 20_000


def _setup() -> None:
    seconds = catalog_database(DEFAULT_URL)
    from django.db import connection

    print(f"database: {connection.vendor}; schema and catalog in {seconds:.1f} s")


def _populate(entities: int, records: int, rules: int, rng: random.Random) -> list[int]:
    """Bulk-insert the synthetic data; returns the ids of entities that hold at least one record."""
    from django.db import connection, transaction

    from yiwang.accounts.models import Entity
    from yiwang.catalog.models import ServiceItem
    from yiwang.credit.models import CreditRecord, CreditRule, Effect, ListKind
    from yiwang.org.models import Department

    started = time.perf_counter()
    with transaction.atomic():
        for start in range(0, entities, BATCH):
            Entity.objects.bulk_create(
                Entity(uscc=f"92{n:016d}", name=f"测试市场主体{n}", legal_representative="张三")
                for n in range(start, min(start + BATCH, entities))
            )
    first = Entity.objects.order_by("pk").values_list("pk", flat=True).first()
    ids = range(first, first + entities)
    print(f"{entities:,} entities in {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    departments = list(Department.objects.filter(region__code="440105").values_list("pk", flat=True))
    today = dt.date.today()
    kinds = [ListKind.ABNORMAL] * 5 + [ListKind.SERIOUS] * 2 + [ListKind.RED] * 3
    holders = set()

    def record(_n):
        entity = rng.choice(ids)
        holders.add(entity)
        starts = today - dt.timedelta(days=rng.randint(30, 2000))
        ended = rng.random() < 0.2
        return CreditRecord(
            entity_id=entity,
            list_kind=rng.choice(kinds),
            department_id=rng.choice(departments),
            basis="《企业信息公示暂行条例》",
            reason="未按规定报送年度报告",
            starts_on=starts,
            ends_on=starts + dt.timedelta(days=rng.randint(1, 29)) if ended else None,
            repaired_at=dt.datetime.now(dt.UTC) if not ended and rng.random() < 0.1 else None,
        )

    with transaction.atomic():
        for start in range(0, records, BATCH):
            CreditRecord.objects.bulk_create(record(n) for n in range(start, min(start + BATCH, records)))
    items = list(ServiceItem.objects.values_list("pk", flat=True))
    for n in range(max(0, rules - CreditRule.objects.count())):
        rule = CreditRule.objects.create(
            code=f"bench-{n:03d}",
            name=f"合成规则 {n}",
            list_kind=rng.choice(ListKind.values),
            effect=rng.choice(Effect.values),
            at_decision=rng.random() < 0.5,
            item_kinds=[rng.choice(ServiceItem.Kind.values)] if n % 4 == 1 else [],
        )
        if n % 2 == 0:
            rule.items.set(rng.sample(items, 5))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"{records:,} credit records, {CreditRule.objects.count()} rules in {time.perf_counter() - started:.1f} s")
    return sorted(holders)


def _naive(entity_id: int, item, today: dt.date) -> list[tuple[int, int]]:
    from yiwang.credit.models import CreditRecord, CreditRule

    hits = []
    for rule in CreditRule.objects.all():
        if not (rule.active and rule.at_acceptance):
            continue
        rule_items = [i.pk for i in rule.items.all()]
        if (rule_items or rule.item_kinds) and item.pk not in rule_items and item.kind not in rule.item_kinds:
            continue
        for record in CreditRecord.objects.filter(entity_id=entity_id, list_kind=rule.list_kind):
            in_force = record.starts_on <= today and (record.ends_on is None or record.ends_on > today)
            if in_force and record.repaired_at is None:
                hits.append((rule.pk, record.pk))
    return hits


def _ours(entity, item, today: dt.date) -> list[tuple[int, int]]:
    from yiwang.credit.models import Checkpoint
    from yiwang.credit.services import credit_evaluate

    return [(h.rule.pk, h.record.pk) for h in credit_evaluate(entity, item, Checkpoint.ACCEPTANCE, today)]


def _time(fn, samples) -> list[float]:
    timings = []
    for sample in samples:
        started = time.perf_counter()
        fn(sample)
        timings.append(time.perf_counter() - started)
    return timings


def _line(label: str, timings: list[float]) -> float:
    ordered = sorted(timings)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    p50 = statistics.median(ordered)
    print(f"  {label:<44} p50 {p50 * 1000:7.3f} ms   p99 {p99 * 1000:7.3f} ms   {len(ordered) / sum(ordered):8.0f}/s")
    return p99


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=200_000)
    parser.add_argument("--records", type=int, default=40_000)
    parser.add_argument("--rules", type=int, default=40)
    parser.add_argument("--checks", type=int, default=500)
    args = parser.parse_args()
    began = time.perf_counter()
    _setup()
    from yiwang.accounts.models import Entity
    from yiwang.catalog.models import ServiceItem

    rng = random.Random(20261123)
    holders = _populate(args.entities, args.records, args.rules, rng)
    item = ServiceItem.objects.get(code=ITEM)
    today = dt.date.today()
    first = Entity.objects.order_by("pk").values_list("pk", flat=True).first()
    with_records = [rng.choice(holders) for _ in range(args.checks)]
    anyone = [first + rng.randrange(args.entities) for _ in range(args.checks)]
    # A request holds the applicant already: both sides get the entity row, timed without fetching it.
    entities = {e.pk: e for e in Entity.objects.filter(pk__in=set(with_records) | set(anyone))}
    for pk in with_records[:50]:
        assert sorted(_ours(entities[pk], item, today)) == sorted(_naive(pk, item, today)), pk
    hits = sum(bool(_ours(entities[pk], item, today)) for pk in with_records)
    print(f"{args.checks} checks per line; {hits} of the sampled holders hit at least one rule")

    results = {}
    for label, samples in (("entity with records", with_records), ("any entity", anyone)):
        print(f"{label}:")
        _time(lambda pk: _ours(entities[pk], item, today), samples[:100])
        results[("ours", label)] = _line(
            "yiwang credit_evaluate", _time(lambda pk: _ours(entities[pk], item, today), samples)
        )
        _time(lambda pk: _naive(pk, item, today), samples[:100])
        results[("naive", label)] = _line("naive (query per rule)", _time(lambda pk: _naive(pk, item, today), samples))
        print(f"  p99 ratio naive / yiwang: {results[('naive', label)] / results[('ours', label)]:.1f}x")
    print(f"whole run {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()
