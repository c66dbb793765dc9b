"""The sharded SM3 audit log (issue #11): services buffer entries that are chained just before commit, one chain per
shard, signed anchors over all shard heads; `yiwang audit verify` finds any edited column, deleted, inserted or
trimmed entry, and any chain recomputed without the platform audit key."""

import datetime as dt
import hashlib
import importlib
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import F
from django.test import override_settings
from tongsuopy.crypto import serialization
from tongsuopy.crypto.asymciphers import ec

from yiwang.accounts.models import User
from yiwang.catalog.models import ServiceItem
from yiwang.catalog.services import item_version_draft
from yiwang.core import audit
from yiwang.core.audit import (
    GENESIS,
    anchor_bytes,
    audit_anchor_record,
    audit_record,
    audit_verify,
    entry_digest,
    merkle_root,
    shard_of,
)
from yiwang.core.models import AuditAnchor, AuditEntry, AuditHead
from yiwang.core.tasks import audit_anchor
from yiwang.workflow.models import Task

KEY = "test:one-shard"


def test_sm3_matches_gbt_32905_test_vectors():
    assert hashlib.new("sm3", b"abc").hexdigest() == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert hashlib.new("sm3", b"abcd" * 16).hexdigest() == (
        "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"
    )


def _verify_fails(*expected: str) -> str:
    ok, message = audit_verify()
    assert not ok
    for part in expected:
        assert part in message, message
    with pytest.raises(CommandError):
        call_command("audit", "verify")
    return message


def _entries(shard: int) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(shard=shard).order_by("seq"))


@pytest.fixture
def chain(catalog_admin, superuser):
    """Four entries on one shard (two actors, a target, data) besides the session's, then an anchor over it all."""
    with transaction.atomic():
        for n in range(4):
            audit_record(
                actor=catalog_admin if n % 2 else superuser,
                action="test.step",
                target=ServiceItem.objects.get(code="R001"),
                data={"n": n, "名称": "食品经营许可"},
                shard_key=KEY,
            )
    assert audit_anchor_record() is not None
    ok, message = audit_verify()
    assert ok, message
    return _entries(shard_of(KEY))


def test_a_service_writes_its_entry_with_the_actor_on_the_targets_shard(catalog_admin):
    item = ServiceItem.objects.get(code="R031")
    draft = item_version_draft(actor=catalog_admin, item=item)
    entry = AuditEntry.objects.get(action="catalog.version_draft", target_id=str(draft.pk))
    assert entry.actor == catalog_admin and entry.data["item"] == "R031"
    assert entry.shard == shard_of(draft) == shard_of(f"catalog.itemversion:{draft.pk}")
    head = AuditHead.objects.get(shard=entry.shard)
    assert (head.seq, head.last_hash) == (entry.seq, entry.hash)
    assert entry.hash == entry_digest(entry.prev_hash, entry.chain_fields())


def test_one_cases_history_is_on_one_shard_in_order(in_review, samr_reviewer):
    case = in_review
    task = case.tasks.first()
    # A child of the case (here a task) goes on the case's shard when the caller passes the case.
    with transaction.atomic():
        audit_record(actor=samr_reviewer, action="test.task_note", target=task, shard_key=case)
    entries = list(AuditEntry.objects.filter(target_type="cases.case", target_id=str(case.pk)).order_by("pk")) + list(
        AuditEntry.objects.filter(action="test.task_note")
    )
    assert [e.action for e in entries][:2] == ["case.submit", "case.accept"]
    assert {e.shard for e in entries} == {shard_of(case)}
    seqs = [e.seq for e in entries]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    assert entries[-1].target_type == Task._meta.label_lower
    assert audit_verify()[0]


def test_one_transaction_on_two_shards(superuser):
    first, second = "test:shard-a", "test:shard-b"
    assert shard_of(first) != shard_of(second)
    before = {s: AuditHead.objects.get(shard=shard_of(s)).seq for s in (first, second)}
    with transaction.atomic():
        for key in (second, first, second):
            audit_record(actor=superuser, action="test.two_shards", shard_key=key)
        # Nothing is written before the transaction ends: the heads are not held while the service works.
        assert not AuditEntry.objects.filter(action="test.two_shards").exists()
    after = {s: AuditHead.objects.get(shard=shard_of(s)).seq for s in (first, second)}
    assert after == {first: before[first] + 1, second: before[second] + 2}
    assert audit_verify()[0]


def test_entries_of_a_rolled_back_savepoint_or_transaction_are_not_written(superuser):
    class Undone(Exception):
        pass

    with transaction.atomic():
        audit_record(actor=superuser, action="test.kept", data={"n": 1})
        try:
            with transaction.atomic():
                audit_record(actor=superuser, action="test.undone", data={"n": 2})
                with transaction.atomic():
                    audit_record(actor=superuser, action="test.undone", data={"n": 3})
                raise Undone
        except Undone:
            pass
        audit_record(actor=superuser, action="test.kept", data={"n": 4})
    with pytest.raises(Undone), transaction.atomic():
        audit_record(actor=superuser, action="test.undone", data={"n": 5})
        raise Undone
    assert not AuditEntry.objects.filter(action="test.undone").exists()
    assert sorted(AuditEntry.objects.filter(action="test.kept").values_list("data__n", flat=True)) == [1, 4]
    assert audit_verify()[0]


def test_audit_record_refuses_to_run_outside_a_transaction(db):
    # As if no test transaction were open around this test (tests/cases/test_outside_a_test_transaction.py runs
    # services that way for real).
    connection = transaction.get_connection()
    connection.in_atomic_block = False
    try:
        with pytest.raises(RuntimeError, match="inside the service's transaction"):
            audit_record(actor=None, action="test.outside")
    finally:
        connection.in_atomic_block = True


def test_the_flush_is_timed(db):
    audit.HOLD.reset()
    with transaction.atomic():
        audit_record(actor=None, action="test.timed", shard_key=KEY)
    assert audit.HOLD.count == 1 and 0 < audit.HOLD.flush_max <= audit.HOLD.held_max < 1
    assert "1 flushes" in audit.HOLD.summary()


# Every column of AuditEntry but the surrogate id, and a change to it an intruder with database access could make.
TAMPER = {
    "shard": lambda entry: settings.AUDIT_SHARDS + 1,
    "seq": lambda entry: entry.seq + 100,
    "at": lambda entry: entry.at + dt.timedelta(microseconds=1),
    "actor": lambda entry: User.objects.exclude(pk=entry.actor_id).first(),
    "actor_label": lambda entry: "intruder",
    "action": lambda entry: "tampered",
    "target_type": lambda entry: "catalog.serviceitemx",
    "target_id": lambda entry: entry.target_id + "0",
    "data": lambda entry: {**entry.data, "n": 99},
    "prev_hash": lambda entry: "f" * 64,
    "hash": lambda entry: "e" * 64,
}


@pytest.mark.parametrize("column", [f.name for f in AuditEntry._meta.concrete_fields if not f.primary_key])
def test_an_edit_of_any_column_is_found(chain, column):
    victim = chain[1]
    AuditEntry.objects.filter(pk=victim.pk).update(**{column: TAMPER[column](victim)})
    _verify_fails(f"分片 {victim.shard}")


def test_an_edit_is_named_by_shard_and_seq(chain):
    victim = chain[1]
    AuditEntry.objects.filter(pk=victim.pk).update(data={"n": 99})
    _verify_fails(f"分片 {victim.shard}断链：第 {victim.seq} 条内容与哈希不符")


def test_an_edit_with_its_hash_recomputed_breaks_the_next_link(chain):
    victim = chain[1]
    victim.data = {"forged": True}
    AuditEntry.objects.filter(pk=victim.pk).update(
        data=victim.data, hash=entry_digest(victim.prev_hash, victim.chain_fields())
    )
    _verify_fails(f"分片 {victim.shard}断链：第 {victim.seq + 1} 条的前序哈希不符")


def test_a_deleted_middle_entry_is_found(chain):
    victim = chain[1]
    AuditEntry.objects.filter(pk=victim.pk).delete()
    _verify_fails(f"分片 {victim.shard}断链：第 {victim.seq} 条缺失")


def test_an_inserted_entry_is_found(chain):
    after = chain[1]
    shard = after.shard
    # Two steps, because a one-step shift would collide with the unique sequence numbers row by row.
    AuditEntry.objects.filter(shard=shard, seq__gt=after.seq).update(seq=F("seq") + 1000)
    AuditEntry.objects.filter(shard=shard, seq__gt=after.seq).update(seq=F("seq") - 999)
    forged = AuditEntry(
        shard=shard, seq=after.seq + 1, at=after.at, actor_label="intruder", action="forged", prev_hash=after.hash
    )
    forged.hash = entry_digest(forged.prev_hash, forged.chain_fields())
    forged.save()
    _verify_fails(f"分片 {shard}断链：第 {after.seq + 2} 条的前序哈希不符")


def test_a_deleted_tail_is_found_by_its_head(chain):
    AuditEntry.objects.filter(pk=chain[-1].pk).delete()
    _verify_fails(f"分片 {chain[-1].shard}：链尾记录为第 {chain[-1].seq} 条，实际校验到第 {chain[-1].seq - 1} 条")


def test_a_tail_trimmed_with_its_head_rewound_is_found_by_the_anchor(chain):
    """The anchor covered the last two entries; deleting them and setting the head back leaves a consistent chain."""
    kept = chain[-3]
    AuditEntry.objects.filter(pk__in=[chain[-1].pk, chain[-2].pk]).delete()
    AuditHead.objects.filter(shard=kept.shard).update(seq=kept.seq, last_hash=kept.hash)
    _verify_fails(f"分片 {kept.shard}：第 1 号锚点记到第 {chain[-1].seq} 条，链上只有 {kept.seq} 条，疑似末尾被删除")


def test_an_entry_past_its_head_is_found(chain):
    """Entries past the head are not read as newer ones still committing when the head was not moved for them."""
    kept = chain[-2]
    AuditHead.objects.filter(shard=kept.shard).update(seq=kept.seq, last_hash=kept.hash)
    _verify_fails(f"分片 {kept.shard}：第 {chain[-1].seq} 条在链尾记录（第 {kept.seq} 条）之后")


def _recompute(shard: int, victim_pk: int) -> None:
    """What someone with database access but not the audit key can do: edit an entry, then rehash its shard and
    move the head so the chain itself is consistent again."""
    prev = GENESIS
    for entry in _entries(shard):
        if entry.pk == victim_pk:
            entry.data = {"forged": True}
        entry.prev_hash = prev
        entry.hash = prev = entry_digest(prev, entry.chain_fields())
        AuditEntry.objects.filter(pk=entry.pk).update(data=entry.data, prev_hash=entry.prev_hash, hash=entry.hash)
    AuditHead.objects.filter(shard=shard).update(last_hash=prev)


def _other_key_pem() -> str:
    return (
        ec.generate_private_key(ec.SM2())
        .private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        .decode()
    )


def test_a_chain_recomputed_without_the_key_is_found_by_the_anchor(chain):
    _recompute(chain[0].shard, chain[1].pk)
    _verify_fails(f"分片 {chain[0].shard}：第 {chain[-1].seq} 条与第 1 号锚点记下的哈希不符，疑似整链被重算")


def test_a_chain_recomputed_and_re_anchored_with_another_key_is_found(chain):
    _recompute(chain[0].shard, chain[1].pk)
    AuditAnchor.objects.all().delete()
    with override_settings(YIWANG_AUDIT_KEY=_other_key_pem()):
        assert audit_anchor_record() is not None
        # Under the intruder's key the forgery is self-consistent: only the platform's key tells it apart.
        assert audit_verify()[0]
    _verify_fails("第 1 号锚点的签名不是平台审计密钥所签")


def test_a_forged_anchor_is_found(chain):
    last = AuditAnchor.objects.get()
    heads = {**last.heads, str(chain[0].shard): [chain[-2].seq, chain[-2].hash]}
    forged = AuditAnchor(
        seq=2, at=last.at, heads=heads, root=merkle_root(heads), prev_hash=last.hash, key_id=last.key_id
    )
    forged.hash = hashlib.new("sm3", anchor_bytes(forged)).hexdigest()
    forged.signature = bytes(last.signature)
    forged.save()
    _verify_fails("第 2 号锚点的签名不是平台审计密钥所签")


def test_an_edited_anchor_is_found(chain):
    AuditAnchor.objects.update(heads={"0": [1, "0" * 64]})
    _verify_fails("第 1 号锚点内容与哈希不符", "第 1 号锚点的默克尔根与其记录的各分片链尾不符")


def test_an_anchor_is_skipped_when_no_head_moved(chain, capsys):
    assert audit_anchor_record() is None
    call_command("audit", "anchor")
    assert "未记录新锚点" in capsys.readouterr().out
    with transaction.atomic():
        audit_record(actor=None, action="test.moved", shard_key=KEY)
    # The periodic task waits AUDIT_ANCHOR_SECONDS after the last anchor; the command anchors now.
    assert audit_anchor.call() is None
    call_command("audit", "anchor")
    assert "已记录第 2 号锚点" in capsys.readouterr().out
    anchor = AuditAnchor.objects.get(seq=2)
    entry = AuditEntry.objects.get(action="test.moved")
    assert anchor.heads[str(entry.shard)] == [entry.seq, entry.hash]
    call_command("audit", "verify")
    assert "2 个签名锚点" in capsys.readouterr().out


def test_the_anchor_task_is_periodic():
    assert "yiwang.core.tasks.audit_anchor" in settings.YIWANG_PERIODIC_TASKS


def test_merkle_root_is_over_the_heads_in_shard_order():
    leaf = {s: hashlib.new("sm3", b"\x00" + f'[{s},1,"{s}"]'.encode()).hexdigest() for s in ("2", "10", "3")}
    node = hashlib.new("sm3", b"\x01" + bytes.fromhex(leaf["2"]) + bytes.fromhex(leaf["3"])).hexdigest()
    top = hashlib.new("sm3", b"\x01" + bytes.fromhex(node) + bytes.fromhex(leaf["10"])).hexdigest()
    assert merkle_root({"10": [1, "10"], "2": [1, "2"], "3": [1, "3"]}) == top


def _old_chain(length: int) -> list:
    """Entries of the single chain before issue #11, hashed as that format did (seq and content, not the time)."""
    rechain = importlib.import_module("yiwang.core.migrations.0006_audit_rechain")
    entries, prev = [], GENESIS
    for seq in range(1, length + 1):
        entry = SimpleNamespace(
            seq=seq, actor_id=None, actor_label="system", action="old", target_type="", target_id="", data={}
        )
        entry.prev_hash = prev
        entry.hash = prev = rechain._old_digest(entry)
        entries.append(entry)
    return entries


def test_the_migration_refuses_a_broken_old_chain():
    rechain = importlib.import_module("yiwang.core.migrations.0006_audit_rechain")
    entries = _old_chain(3)
    rechain._verify_old_chain(entries, SimpleNamespace(seq=3, last_hash=entries[-1].hash))
    entries[1].action = "tampered"
    with pytest.raises(RuntimeError, match="审计链在第 2 条处断开，拒绝迁移"):
        rechain._verify_old_chain(entries, SimpleNamespace(seq=3, last_hash=entries[-1].hash))
    trimmed = _old_chain(3)[:2]
    with pytest.raises(RuntimeError, match="拒绝迁移"):
        rechain._verify_old_chain(trimmed, SimpleNamespace(seq=3, last_hash="f" * 64))
