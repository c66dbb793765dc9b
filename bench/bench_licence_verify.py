"""Licence verification benchmark: throughput and p99 at 1,000,000 licences, beside a plain indexed lookup.

    .venv/bin/python bench/bench_licence_verify.py [--licences 1000000] [--signed 20000] [--checks 2000]
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/yiwang_bench_licences .venv/bin/python bench/bench_licence_verify.py

Builds a fresh database (SQLite in a temporary directory by default; with DATABASE_URL=postgresql://… that
database is dropped and recreated), loads the reference organisation and catalog, then bulk-inserts
--licences licences of the catalog's licence types for 10,000 synthetic entities (one per licence when there
are fewer licences), issued by the 海珠区 departments over the last ten years; one in twenty is revoked, and
validity follows the type.

Honest shortcut: every row carries its true SM3 digest, but only --signed of them (picked at random) carry a
real SM2 signature by their department's seal — signing a million licences one by one would take longer
than the benchmark. The other rows carry a signature over different bytes, so they would verify as
"altered"; they are there so that the table, its indexes and the lookups have a million rows. Both sides
verify the same sample of signed licences (plus one unknown number in ten), fully: lookup, digest
recomputed, signature checked with SM2, status and expiry. The two sides must give the same answers.

yiwang: licences.selectors.licence_verify — one indexed query (unique number) joined to type, department,
holder and seal key; the parsed public key kept per process (keys never change, rotation adds keys).

plain: the fair peer, what an ordinary implementation does: one exact lookup on the unique number (the same
index ours uses) joined to type, department, holder and seal key, the parsed key and its root-certificate check
cached per key id, then the same SM3 digest and SM2 signature checks. Both sides verify the same sample and
must give the same answers. (Earlier versions compared against a case-insensitive scan, a strawman: no
implementation would ship it.)
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
            for n in range(min(ENTITIES, total))
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


_PEER_KEYS: dict[str, object] = {}


def _peer_key(seal, department):
    """The seal's parsed public key, its root certificate checked once per key (keys never change; rotation adds
    keys), or None when the certificate does not hold: what any careful implementation caches."""
    from yiwang.licences import signing

    if seal.key_id not in _PEER_KEYS:
        statement = signing.seal_statement(
            key_id=seal.key_id,
            department_code=department.code,
            valid_from=seal.valid_from,
            retired_at=seal.retired_at,
            revoked_at=seal.revoked_at,
            revocation_reason=seal.revocation_reason,
        )
        root = signing.load_public_key(signing.root_public_pem())
        certified = seal.department_id == department.pk and signing.verify(root, bytes(seal.certificate), statement)
        _PEER_KEYS[seal.key_id] = signing.load_public_key(seal.public_key_pem) if certified else None
    return _PEER_KEYS[seal.key_id]


def _peer(number: str) -> str:
    """An ordinary implementation: one exact lookup on the unique (indexed) number joined to type, department,
    holder and seal key, the parsed key cached per key id, then the same digest and SM2 signature checks."""
    from django.utils import timezone

    from yiwang.licences import signing
    from yiwang.licences.models import Licence

    licence = (
        Licence.objects.select_related("licence_type", "department__region", "holder_entity", "seal_key")
        .filter(number=number)
        .first()
    )
    if licence is None:
        return "unknown"
    kind, department, holder, seal = licence.licence_type, licence.department, licence.holder_entity, licence.seal_key
    key = _peer_key(seal, department)
    if key is None:
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
    if not signing.verify(key, bytes(licence.signature), canonical):
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
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    _setup()
    signed = _populate(args.licences, args.signed, rng)
    sample = [rng.choice(signed) if n % 10 else f"NOPE-{n:09d}" for n in range(args.checks)]
    for number in sample[:20]:  # warm both paths (connection, caches of the parsed keys) outside the timing
        _ours(number)
        _peer(number)
    ours_t, ours_a = _time(_ours, sample)
    peer_t, peer_a = _time(_peer, sample)
    assert ours_a == peer_a, "the two sides disagree"
    counts = {status: ours_a.count(status) for status in sorted(set(ours_a))}
    print(f"verification of one licence among {args.licences:,} (answers: {counts})")
    ours_p99, ours_rate = _line("yiwang licence_verify", ours_t)
    peer_p99, peer_rate = _line("plain indexed lookup + same checks", peer_t)
    print(f"  ratio (ours/plain): p99 {ours_p99 / peer_p99:.2f}×, throughput {ours_rate / peer_rate:.2f}×")


if __name__ == "__main__":
    main()
