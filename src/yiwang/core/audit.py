"""The append-only audit chain: each entry's hash is SM3 over the previous hash and the entry's canonical form.

SM3 comes from OpenSSL through hashlib (OpenSSL 3 ships it in the default provider), so no pure-Python
hash sits on the write path; `yiwang check` confirms the running OpenSSL has it.
"""

import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

GENESIS = "0" * 64


def sm3_hex(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()


def canonical(obj) -> bytes:
    return json.dumps(obj, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def entry_digest(prev_hash: str, fields: dict) -> str:
    return sm3_hex(prev_hash.encode() + canonical(fields))


def audit_record(*, actor, action: str, target=None, data: dict | None = None):
    """Append one entry; call inside the service's transaction so the entry commits with the change."""
    from .models import AuditEntry, AuditHead

    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the service's transaction")
    head = AuditHead.objects.select_for_update().get_or_create(pk=1, defaults={"last_hash": GENESIS})[0]
    entry = AuditEntry(
        seq=head.seq + 1,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=str(actor) if actor is not None else "system",
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        data=data or {},
        prev_hash=head.last_hash,
    )
    entry.hash = entry_digest(entry.prev_hash, entry.chain_fields())
    entry.save()
    head.seq, head.last_hash = entry.seq, entry.hash
    head.save(update_fields=["seq", "last_hash"])
    return entry


def audit_verify() -> tuple[bool, str]:
    """Walk the chain; return (ok, message naming the first broken link)."""
    from .models import AuditEntry, AuditHead

    prev, expected_seq, count = GENESIS, 1, 0
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
        if entry.seq != expected_seq:
            return False, f"断链：第 {expected_seq} 条缺失（下一条为第 {entry.seq} 条），疑似删除或插入"
        if entry.prev_hash != prev:
            return False, f"断链：第 {entry.seq} 条的前序哈希不符，疑似插入或删除"
        if entry_digest(entry.prev_hash, entry.chain_fields()) != entry.hash:
            return False, f"断链：第 {entry.seq} 条内容与哈希不符，疑似被篡改"
        prev, expected_seq, count = entry.hash, entry.seq + 1, count + 1
    head = AuditHead.objects.filter(pk=1).first()
    if head and (head.seq != count or head.last_hash != prev):
        return False, f"断链：链尾应为第 {head.seq} 条，实际校验到第 {count} 条，疑似末尾被删除"
    return True, f"审计链完整：共 {count} 条"
