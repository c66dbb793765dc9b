"""The SM3 audit chain: services append to it, and any edit, insertion or deletion is found."""

import hashlib

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F

from yiwang.catalog.models import ServiceItem
from yiwang.catalog.services import item_version_draft
from yiwang.core.audit import audit_verify, entry_digest
from yiwang.core.models import AuditEntry


def test_sm3_matches_gbt_32905_test_vectors():
    assert hashlib.new("sm3", b"abc").hexdigest() == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert hashlib.new("sm3", b"abcd" * 16).hexdigest() == (
        "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"
    )


@pytest.fixture
def chain(catalog_admin):
    for code in ("R001", "R005", "R031"):
        item_version_draft(actor=catalog_admin, item=ServiceItem.objects.get(code=code))
    ok, message = audit_verify()
    assert ok, message
    return list(AuditEntry.objects.order_by("seq"))


def test_a_service_writes_its_entry_with_the_actor(chain, catalog_admin):
    last = chain[-1]
    assert last.action == "catalog.version_draft"
    assert last.actor == catalog_admin
    assert last.data["item"] == "R031"
    assert last.prev_hash == chain[-2].hash


def test_edit_is_found(chain):
    victim = chain[len(chain) // 2]
    AuditEntry.objects.filter(pk=victim.pk).update(data={"item": "R999"})
    ok, message = audit_verify()
    assert not ok
    assert f"第 {victim.seq} 条内容与哈希不符" in message


def test_edit_with_recomputed_hash_breaks_the_next_link(chain):
    victim = chain[len(chain) // 2]
    victim.data = {"forged": True}
    forged_hash = entry_digest(victim.prev_hash, victim.chain_fields())
    AuditEntry.objects.filter(pk=victim.pk).update(data=victim.data, hash=forged_hash)
    ok, message = audit_verify()
    assert not ok
    assert f"第 {victim.seq + 1} 条的前序哈希不符" in message


def test_deletion_is_found(chain):
    victim = chain[len(chain) // 2]
    AuditEntry.objects.filter(pk=victim.pk).delete()
    ok, message = audit_verify()
    assert not ok
    assert f"第 {victim.seq} 条缺失" in message


def test_deleting_the_tail_is_found(chain):
    AuditEntry.objects.filter(pk=chain[-1].pk).delete()
    ok, message = audit_verify()
    assert not ok
    assert "末尾被删除" in message


def test_insertion_is_found(chain):
    after = chain[1]
    # Two steps, because a one-step shift would collide with the unique sequence numbers row by row.
    AuditEntry.objects.filter(seq__gt=after.seq).update(seq=F("seq") + 1000)
    AuditEntry.objects.filter(seq__gt=after.seq).update(seq=F("seq") - 999)
    forged = AuditEntry(seq=after.seq + 1, actor_label="intruder", action="forged", data={}, prev_hash=after.hash)
    forged.hash = entry_digest(forged.prev_hash, forged.chain_fields())
    forged.save()
    ok, message = audit_verify()
    assert not ok
    assert f"第 {after.seq + 2} 条的前序哈希不符" in message


def test_command_reports_the_break(chain):
    call_command("audit", "verify")
    AuditEntry.objects.filter(pk=chain[0].pk).update(action="tampered")
    with pytest.raises(CommandError, match=f"第 {chain[0].seq} 条"):
        call_command("audit", "verify")
