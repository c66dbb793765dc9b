"""Verify the old single audit chain, then re-chain its entries into shards with the new hashes.

A broken old chain stops the migration: re-chaining it would bless whatever was tampered with. An entry goes
to the shard of its case when its target has a `case` (tasks, materials, suspensions, licences…), else of its
target, as core.audit.audit_record places new entries; its `at` (set by the database then) is kept and now
hashed. The old chain's format is spelled out here because core.audit no longer computes it.
"""

from collections import defaultdict

from django.apps import apps as global_apps
from django.conf import settings
from django.db import migrations

from django.core.exceptions import FieldDoesNotExist

from yiwang.core.audit import GENESIS, canonical, chain_fields, entry_digest, shard_of, sm3_hex


def _old_digest(entry) -> str:
    fields = {
        "seq": entry.seq,
        "actor_id": entry.actor_id,
        "actor_label": entry.actor_label,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "data": entry.data,
    }
    return sm3_hex(entry.prev_hash.encode() + canonical(fields))


def _verify_old_chain(entries, head) -> None:
    prev, expected = GENESIS, 1
    for entry in entries:
        if entry.seq != expected or entry.prev_hash != prev or _old_digest(entry) != entry.hash:
            raise RuntimeError(
                f"审计链在第 {expected} 条处断开，拒绝迁移：请先用旧版本的 `yiwang audit verify` 查明原因"
                f"（the old audit chain is broken at seq {expected}; refusing to re-chain it)"
            )
        prev, expected = entry.hash, expected + 1
    if head is not None and (head.seq != expected - 1 or head.last_hash != prev):
        raise RuntimeError(
            f"审计链尾记录为第 {head.seq} 条，实际只有 {expected - 1} 条，拒绝迁移（the old audit chain's tail was "
            "deleted; refusing to re-chain it)"
        )


def _case_of(connection, entries) -> dict[tuple[str, str], int]:
    """(target_type, target_id) → case id, for targets whose model has a `case` foreign key. The current models
    give the table and column; the database, which may be behind them, confirms the column exists."""
    ids = defaultdict(set)
    for entry in entries:
        if entry.target_type and entry.target_type != "cases.case":
            ids[entry.target_type].add(entry.target_id)
    tables = set(connection.introspection.table_names())
    found = {}
    for label, pks in ids.items():
        try:
            field = global_apps.get_model(label)._meta.get_field("case")
        except (LookupError, FieldDoesNotExist):
            continue
        if not field.many_to_one or field.related_model._meta.label_lower != "cases.case":
            continue
        table = field.model._meta.db_table
        if table not in tables:
            continue
        with connection.cursor() as cursor:
            columns = {c.name for c in connection.introspection.get_table_description(cursor, table)}
            if field.column not in columns:
                continue
            pk_list = [int(pk) for pk in pks if pk.isdigit()]
            for start in range(0, len(pk_list), 500):
                chunk = pk_list[start : start + 500]
                cursor.execute(
                    f"SELECT id, {field.column} FROM {table} WHERE id IN ({', '.join(['%s'] * len(chunk))})", chunk
                )
                for pk, case_id in cursor.fetchall():
                    if case_id is not None:
                        found[(label, str(pk))] = case_id
    return found


def rechain(apps, schema_editor):
    AuditEntry = apps.get_model("core", "AuditEntry")
    AuditHead = apps.get_model("core", "AuditHead")
    entries = list(AuditEntry.objects.order_by("seq"))
    _verify_old_chain(entries, AuditHead.objects.filter(pk=1).first())
    cases = _case_of(schema_editor.connection, entries)
    heads = {shard: (0, GENESIS) for shard in range(settings.AUDIT_SHARDS)}
    for entry in entries:
        case = cases.get((entry.target_type, entry.target_id))
        if case is not None:
            key = f"cases.case:{case}"
        elif entry.target_type:
            key = f"{entry.target_type}:{entry.target_id}"
        else:
            key = entry.action
        entry.shard = shard_of(key)
        seq, prev = heads[entry.shard]
        entry.seq, entry.prev_hash = seq + 1, prev
        entry.hash = entry_digest(prev, chain_fields(entry))
        heads[entry.shard] = (entry.seq, entry.hash)
    # No (shard, seq) constraint yet (0007), so rows can be renumbered in any order.
    AuditEntry.objects.bulk_update(entries, ["shard", "seq", "prev_hash", "hash"], batch_size=500)
    AuditHead.objects.all().delete()
    AuditHead.objects.bulk_create(
        AuditHead(shard=shard, seq=seq, last_hash=last_hash) for shard, (seq, last_hash) in heads.items()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_audit_shards"),
    ]

    # Irreversible: the old format had one global sequence, which per-shard numbers cannot go back to.
    operations = [migrations.RunPython(rechain)]
