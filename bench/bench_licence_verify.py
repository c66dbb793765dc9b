"""Licence verification benchmark: throughput and p99 at 1,000,000 licences, beside a naive baseline.

    .venv/bin/python bench/bench_licence_verify.py [--licences 1000000] [--signed 20000] [--checks 2000]
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/yiwang_bench_licences .venv/bin/python bench/bench_licence_verify.py

Builds a fresh database (SQLite in a temporary directory by default; with DATABASE_URL=postgresql://… that
database is dropped and recreated), loads the reference organisation and catalog, then bulk-inserts
--licences licences of the catalog's licence types for 10,000 synthetic entities, issued by the 海珠区
departments over the last ten years; one in twenty is revoked, and validity follows the type.

Honest shortcut: every row carries its true SM3 digest, but only --signed of them (picked at random) carry a
real SM2 signature by their department's seal — signing a million licences one by one would take longer
than the benchmark. The other rows carry a signature over different bytes, so they would verify as
"altered"; they are there so that the table, its indexes and the lookups have a million rows. Both sides
verify the same sample of signed licences (plus one unknown number in ten), fully: lookup, digest
recomputed, signature checked with SM2, status and expiry. The two sides must give the same answers.

yiwang: licences.selectors.licence_verify — one indexed query (unique number) joined to type, department,
holder and seal key; the parsed public key kept per process (keys never change, rotation adds keys).

naive: what a first version would do: find the licence with a case-insensitive match on the number (no
index can serve it, so every call scans the table), fetch type, department, holder and seal key one query
each, and parse the seal's PEM again on every call. Fewer checks are timed on this side (--naive-checks):
each one reads the whole table.
"""

import argparse
import datetime as dt
import json
import random
import time

from _setup import catalog_database

BATCH = 20_000
ENTITIES = 10_000


def _setup() -> None:
    seconds = catalog_database("")
    from django.db import connection

    print(f"database: {connection.vendor}; schema and catalog in {seconds:.1f} s")


def _populate(total: int, signed: int, rng: random.Random) -> list[str]:
    """Bulk-insert the licences; returns the numbers of those that carry a real signature."""
    from django.db import connection, transaction
    from django.utils import timezone

    from yiwang.accounts.models import Entity
    from yiwang.catalog.models import LicenceType
    from yiwang.licences import signing
    from yiwang.licences.models import Licence
    from yiwang.licences.services import _active_seal
    from yiwang.org.models import Department, Region

    started = time.perf_counter()
    region = Region.objects.get(code="440105")
    departments = list(Department.objects.filter(region=region))
    types = list(LicenceType.objects.all())
    with transaction.atomic():
        Entity.objects.bulk_create(
            Entity(
                uscc=f"91440105MB{n:08d}",
                name=f"广州市海珠区测试{n}号有限公司",
                legal_representative="张三",
                region=region,
            )
            for n in range(ENTITIES)
        )
        keys = {}
        for department in departments:
            # Each department's key created and certified by the root key the way the first issue does it.
            seal = _active_seal(department)
            keys[department.pk] = (seal, signing.load_private_key(seal.private_key_encrypted))
    entities = list(Entity.objects.filter(uscc__startswith="91440105MB").values_list("pk", "uscc"))
    names = dict(Entity.objects.filter(uscc__startswith="91440105MB").values_list("pk", "name"))
    signed_positions = set(rng.sample(range(total), min(signed, total)))
    placeholder = next(iter(keys.values()))[1]
    filler_signature = signing.sign(placeholder, b"filler")
    today = dt.date.today()
    signed_numbers = []

    now = timezone.now()
    created_at = now.isoformat()
    table = Licence._meta.db_table
    columns = (
        "number, licence_type_id, holder_entity_id, department_id, issued_on, valid_until, data, status, "
        "status_reason, status_basis, digest, signature, seal_key_id, created_at, signed_at, legacy_digest"
    )
    insert = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * 16)})"

    def row(n: int) -> tuple:
        department = rng.choice(departments)
        kind = rng.choice(types)
        entity_id, uscc = rng.choice(entities)
        issued_on = today - dt.timedelta(days=rng.randrange(3650))
        valid_until = issued_on + dt.timedelta(days=365 * kind.validity_years) if kind.validity_years else None
        number = f"{kind.code}-440105-{n:09d}"
        data = {"holder_name": f"测试主体 {entity_id}", "item": kind.name, "details": {"序号": n}}
        seal, private = keys[department.pk]
        canonical = signing.canonical_json(
            signing.licence_payload(
                number=number,
                type_code=kind.code,
                type_name=kind.name,
                holder_name=names[entity_id],
                holder_code=uscc,
                department_code=department.code,
                department_name=str(department),
                issued_on=issued_on,
                valid_until=valid_until,
                signed_at=now,
                key_id=seal.key_id,
                data=data,
            )
        )
        if n in signed_positions:
            signature = signing.sign(private, canonical)
            signed_numbers.append(number)
        else:
            signature = filler_signature
        revoked = rng.random() < 0.05
        return (
            number,
            kind.pk,
            entity_id,
            department.pk,
            issued_on.isoformat(),
            valid_until.isoformat() if valid_until else None,
            json.dumps(data, ensure_ascii=False),
            Licence.Status.REVOKED.value if revoked else Licence.Status.VALID.value,
            "基准测试：吊销" if revoked else "",
            "",
            signing.sm3_hex(canonical),
            signature,
            seal.pk,
            created_at,
            created_at,
            "",
        )

    # Plain executemany: the ORM's bulk_create spends most of its time building model instances.
    for start in range(0, total, BATCH):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(insert, [row(n) for n in range(start, min(start + BATCH, total))])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"{total:,} licences ({len(signed_numbers):,} SM2-signed) in {time.perf_counter() - started:.1f} s")
    return signed_numbers


def _naive(number: str) -> str:
    """Lookup by a scan, a query per related row, the PEM parsed every call; the same checks as ours."""
    from django.utils import timezone

    from yiwang.accounts.models import Entity
    from yiwang.catalog.models import LicenceType
    from yiwang.licences import signing
    from yiwang.licences.models import Licence, SealKey
    from yiwang.org.models import Department

    licence = Licence.objects.filter(number__iexact=number).first()
    if licence is None:
        return "unknown"
    kind = LicenceType.objects.get(pk=licence.licence_type_id)
    department = Department.objects.get(pk=licence.department_id)
    holder = Entity.objects.get(pk=licence.holder_entity_id)
    seal = SealKey.objects.get(pk=licence.seal_key_id)
    statement = signing.seal_statement(
        key_id=seal.key_id,
        department_code=department.code,
        valid_from=seal.valid_from,
        retired_at=seal.retired_at,
        revoked_at=seal.revoked_at,
        revocation_reason=seal.revocation_reason,
    )
    root = signing.load_public_key(signing.root_public_pem())
    if seal.department_id != licence.department_id or not signing.verify(root, bytes(seal.certificate), statement):
        return "unknown_key"
    canonical = signing.canonical_json(
        signing.licence_payload(
            number=licence.number,
            type_code=kind.code,
            type_name=kind.name,
            holder_name=holder.name,
            holder_code=holder.uscc,
            department_code=department.code,
            department_name=str(department),
            issued_on=licence.issued_on,
            valid_until=licence.valid_until,
            signed_at=licence.signed_at,
            key_id=seal.key_id,
            data=licence.data,
        )
    )
    if signing.sm3_hex(canonical) != licence.digest:
        return "altered"
    if not signing.verify(signing.load_public_key(seal.public_key_pem), bytes(licence.signature), canonical):
        return "altered"
    if licence.status != Licence.Status.VALID:
        return licence.status
    if licence.valid_until is not None and licence.valid_until < timezone.localdate():
        return "expired"
    return "valid"


def _ours(number: str) -> str:
    from yiwang.licences.selectors import licence_verify

    return licence_verify(number).status


def _time(fn, numbers) -> tuple[list[float], list[str]]:
    timings, answers = [], []
    for number in numbers:
        started = time.perf_counter()
        answers.append(fn(number))
        timings.append(time.perf_counter() - started)
    return timings, answers


def _line(label: str, timings: list[float]) -> tuple[float, float]:
    ordered = sorted(timings)
    p50, p99 = ordered[len(ordered) // 2], ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    rate = len(ordered) / sum(ordered)
    print(f"  {label:<40} p50 {p50 * 1000:8.3f} ms   p99 {p99 * 1000:8.3f} ms   {rate:9.0f} checks/s")
    return p99, rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--licences", type=int, default=1_000_000)
    parser.add_argument("--signed", type=int, default=20_000)
    parser.add_argument("--checks", type=int, default=2_000)
    parser.add_argument("--naive-checks", type=int, default=100)
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    _setup()
    signed = _populate(args.licences, args.signed, rng)
    sample = [rng.choice(signed) if n % 10 else f"NOPE-{n:09d}" for n in range(max(args.checks, args.naive_checks))]
    for number in sample[:20]:  # warm both paths (connection, caches of the parsed keys) outside the timing
        _ours(number)
        _naive(number)
    ours_t, ours_a = _time(_ours, sample[: args.checks])
    naive_t, naive_a = _time(_naive, sample[: args.naive_checks])
    overlap = min(len(ours_a), len(naive_a))
    assert ours_a[:overlap] == naive_a[:overlap], "the two sides disagree"
    counts = {status: ours_a.count(status) for status in sorted(set(ours_a))}
    print(f"verification of one licence among {args.licences:,} (answers: {counts})")
    ours_p99, ours_rate = _line("yiwang licence_verify", ours_t)
    naive_p99, naive_rate = _line("naive (scan, per-row queries, PEM)", naive_t)
    print(f"  ratio: p99 {naive_p99 / ours_p99:.0f}x lower, throughput {ours_rate / naive_rate:.0f}x higher")


if __name__ == "__main__":
    main()
