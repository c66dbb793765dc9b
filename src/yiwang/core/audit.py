"""The append-only audit log: settings.AUDIT_SHARDS SM3 hash chains, anchored by signed Merkle checkpoints.

Why shards: one chain meant one head row locked by every audited transaction of the platform from its
audit_record() to its commit. Now an entry goes on the shard of its shard key (a case's whole history on the
case's shard, so it stays in order), and audit_record() only builds the entry and buffers it on the
connection (core.writebehind). The buffer is written just before COMMIT: lock the touched heads in shard order
(so two transactions cannot deadlock), chain, insert, move the heads — a head is held for that one step and
the commit, not for the whole service. A rolled-back transaction or savepoint drops its entries.

Each entry's hash is SM3 over the previous hash and every column (shard, seq, at, actor, action, target,
data). A hash chain alone can be recomputed by whoever can write the database, and a tail deleted together
with its head row leaves no gap: so `audit_anchor_record` periodically signs the Merkle root of all shard heads
with the platform audit key (configuration, settings.YIWANG_AUDIT_KEY, never a row), and `audit_verify` checks
that every shard still reaches each anchored (seq, hash).

SM3 comes from OpenSSL through hashlib (OpenSSL 3 ships it in the default provider), so no pure-Python hash
sits on the write path; `yiwang check` confirms the running OpenSSL has it.
"""

import datetime as dt
import json
import threading
import zlib
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connections, transaction
from django.utils import timezone

from . import sm2

GENESIS = "0" * 64
ANCHOR_FORMAT = "yiwang-audit-anchor/1"
# Threads `audit_verify` walks shards with on PostgreSQL, each on its own connection; the machine has few cores
# and each walk mostly waits on the database.
VERIFY_THREADS = 4


def sm3_hex(data: bytes) -> str:
    return sm2.sm3_hex(data)


def canonical(obj) -> bytes:
    return json.dumps(obj, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def entry_digest(prev_hash: str, fields: dict) -> str:
    return sm3_hex(prev_hash.encode() + canonical(fields))


def chain_fields(entry) -> dict:
    """What an entry's hash covers besides prev_hash: every column but the surrogate id and the hash itself."""
    return {
        "shard": entry.shard,
        "seq": entry.seq,
        "at": entry.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor_id": entry.actor_id,
        "actor_label": entry.actor_label,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "data": entry.data,
    }


def shard_of(key) -> int:
    """The shard of a key: a model instance (by its label and pk) or a string. crc32, not hash(): the same key
    must land on the same shard in every process and release."""
    if not isinstance(key, str):
        key = f"{key._meta.label_lower}:{key.pk}"
    return zlib.crc32(key.encode()) % settings.AUDIT_SHARDS


def case_key(case_id) -> str | None:
    """The shard key of a case from its id, without loading it: what a case's child passes as `shard_key`. None
    (no case: the target's own key is used) for a child that has none, such as an imported licence."""
    return f"cases.case:{case_id}" if case_id else None


def audit_record(*, actor, action: str, target=None, data: dict | None = None, shard_key=None):
    """Build one entry and buffer it until the service's transaction commits; pass `shard_key=case` for anything
    belonging to a case, so the case's history stays on one shard and in order."""
    from .models import AuditEntry
    from .writebehind import buffer, pending_connection

    connection = pending_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record must run inside the service's transaction")
    if shard_key is None:
        shard_key = f"{target._meta.label_lower}:{target.pk}" if target is not None else action
    entry = AuditEntry(
        shard=shard_of(shard_key),
        # Whole microseconds in UTC: what both databases store, so the hash of what was read back matches.
        at=timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=str(actor) if actor is not None else "system",
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        # Through JSON once, so what is hashed is exactly what the database gives back (tuples, int keys, dates).
        data=json.loads(canonical(data or {})),
    )
    buffer(connection, entry)
    return entry


class HoldStats:
    """How long flushes held shard heads, for benchmarks to read: `flush` from locking the heads to the rows
    written, `held` until COMMIT returned (when the locks go; it includes the WAL flush of the commit)."""

    def __init__(self):
        self._lock = threading.Lock()
        self.reset()

    def reset(self):
        with self._lock:
            self.count, self.flush_total, self.flush_max, self.held_total, self.held_max = 0, 0.0, 0.0, 0.0, 0.0

    def add(self, flush: float, held: float):
        with self._lock:
            self.count += 1
            self.flush_total += flush
            self.flush_max = max(self.flush_max, flush)
            self.held_total += held
            self.held_max = max(self.held_max, held)

    def summary(self) -> str:
        n = self.count or 1
        return (
            f"audit heads locked {self.flush_total / n * 1000:.2f} ms a transaction for the flush (at most"
            f" {self.flush_max * 1000:.2f}), {self.held_total / n * 1000:.2f} ms until COMMIT returned (at most"
            f" {self.held_max * 1000:.2f}); {self.count} flushes"
        )


HOLD = HoldStats()


def _lock_heads(cursor, connection, shards: list[int]) -> dict[int, tuple[int, str]]:
    """Lock the heads of `shards` in shard order (PostgreSQL locks rows as the sorted scan returns them, so every
    transaction takes them in the same order; SQLite's write lock is the whole database, taken at BEGIN)."""
    marks = ", ".join(["%s"] * len(shards))
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    select = f"SELECT shard, seq, last_hash FROM core_audithead WHERE shard IN ({marks}) ORDER BY shard{lock}"
    cursor.execute(select, shards)
    heads = {shard: (seq, last) for shard, seq, last in cursor.fetchall()}
    if len(heads) < len(shards):
        # A shard added by raising AUDIT_SHARDS after the migration created the heads, or heads emptied by a
        # transactional test's flush.
        missing = [s for s in shards if s not in heads]
        cursor.executemany(
            "INSERT INTO core_audithead (shard, seq, last_hash) VALUES (%s, 0, %s) ON CONFLICT (shard) DO NOTHING",
            [(s, GENESIS) for s in missing],
        )
        cursor.execute(select, shards)
        heads = {shard: (seq, last) for shard, seq, last in cursor.fetchall()}
    return heads


def chain(cursor, connection, entries: list) -> tuple[list[tuple[int, str, int]], list]:
    """Lock the entries' shard heads and chain the entries onto them: returns the heads' moves (seq, last_hash,
    shard) and the entries in the order they must be inserted (by shard, then as recorded)."""
    by_shard = defaultdict(list)
    for entry in entries:
        by_shard[entry.shard].append(entry)
    shards = sorted(by_shard)
    heads = _lock_heads(cursor, connection, shards)
    moves, ordered = [], []
    for shard in shards:
        seq, prev = heads[shard]
        for entry in by_shard[shard]:
            seq += 1
            entry.seq, entry.prev_hash = seq, prev
            entry.hash = prev = entry_digest(prev, entry.chain_fields())
            ordered.append(entry)
        moves.append((seq, prev, shard))
    return moves, ordered


# --- anchors -------------------------------------------------------------------------------------------------


def audit_private_key():
    """The platform audit key: configuration (a PEM or a path, with YIWANG_AUDIT_KEY_PASSPHRASE), never a row,
    so whoever can write the database cannot sign an anchor over a recomputed chain."""
    return sm2.configured_key(
        "YIWANG_AUDIT_KEY",
        getattr(settings, "YIWANG_AUDIT_KEY", ""),
        getattr(settings, "YIWANG_AUDIT_KEY_PASSPHRASE", ""),
        b"yiwang-audit:",
        settings.SECRET_KEY,
    )


def merkle_root(heads: dict) -> str:
    """SM3 Merkle root over {shard: [seq, hash]} in shard order; leaves and nodes prefixed apart (RFC 6962), an
    odd node carried up as it is."""
    level = [sm3_hex(b"\x00" + canonical([int(s), *heads[s]])) for s in sorted(heads, key=int)]
    if not level:
        return sm3_hex(b"")
    while len(level) > 1:
        paired = [
            sm3_hex(b"\x01" + bytes.fromhex(a) + bytes.fromhex(b))
            for a, b in zip(level[::2], level[1::2], strict=False)
        ]
        level = paired + level[len(paired) * 2 :]
    return level[0]


def anchor_bytes(anchor) -> bytes:
    """What an anchor's hash and signature cover: every column but the hash and the signature."""
    return canonical(
        {
            "format": ANCHOR_FORMAT,
            "seq": anchor.seq,
            "at": anchor.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
            "heads": anchor.heads,
            "root": anchor.root,
            "prev_hash": anchor.prev_hash,
            "key_id": anchor.key_id,
        }
    )


def audit_anchor_record(*, min_age: float = 0):
    """Sign the current shard heads as the next anchor; None when no head moved since the last anchor or the
    last one is younger than `min_age` seconds. Two workers racing for the same seq: one wins, the other skips."""
    from .models import AuditAnchor, AuditHead

    now = timezone.now()
    try:
        with transaction.atomic():
            last = AuditAnchor.objects.select_for_update().order_by("-seq").first()
            heads = {
                str(shard): [seq, last_hash]
                for shard, seq, last_hash in AuditHead.objects.filter(seq__gt=0)
                .order_by("shard")
                .values_list("shard", "seq", "last_hash")
            }
            if last is not None and (last.heads == heads or (now - last.at).total_seconds() < min_age):
                return None
            key = audit_private_key()
            anchor = AuditAnchor(
                seq=last.seq + 1 if last else 1,
                at=now,
                heads=heads,
                root=merkle_root(heads),
                prev_hash=last.hash if last else GENESIS,
                key_id=sm2.key_id(sm2.public_pem(key)),
            )
            body = anchor_bytes(anchor)
            anchor.hash = sm3_hex(body)
            anchor.signature = sm2.sign(key, body)
            anchor.save()
    except IntegrityError:
        return None
    return anchor


# --- verification --------------------------------------------------------------------------------------------


def _verify_anchors() -> tuple[list[str], dict[int, dict[int, tuple[str, int]]], int]:
    """Problems of the anchor chain, {shard: {seq: (anchored hash, anchor seq)}}, and how many anchors."""
    from .models import AuditAnchor

    key = audit_private_key()
    public, kid = key.public_key(), sm2.key_id(sm2.public_pem(key))
    anchored: dict[int, dict[int, tuple[str, int]]] = defaultdict(dict)
    problems, prev, expected = [], GENESIS, 1
    for anchor in AuditAnchor.objects.order_by("seq").iterator(chunk_size=500):
        n = anchor.seq
        body = anchor_bytes(anchor)
        if n != expected:
            problems.append(f"锚点链断开：第 {expected} 号锚点缺失（下一个为第 {n} 号）")
        elif anchor.prev_hash != prev:
            problems.append(f"锚点链断开：第 {n} 号锚点的前序哈希不符")
        if sm3_hex(body) != anchor.hash:
            problems.append(f"第 {n} 号锚点内容与哈希不符，疑似被篡改")
        if merkle_root(anchor.heads) != anchor.root:
            problems.append(f"第 {n} 号锚点的默克尔根与其记录的各分片链尾不符")
        if anchor.key_id != kid or not sm2.verify(public, bytes(anchor.signature), body):
            problems.append(f"第 {n} 号锚点的签名不是平台审计密钥所签，疑似伪造或整链被重算")
        for shard, (seq, last_hash) in anchor.heads.items():
            anchored[int(shard)][seq] = (last_hash, n)
        prev, expected = anchor.hash, n + 1
    return problems, anchored, expected - 1


def _head(shard: int) -> tuple[int, str]:
    from .models import AuditHead

    head = AuditHead.objects.filter(shard=shard).values_list("seq", "last_hash").first()
    return head or (0, GENESIS)


def _verify_shard(shard: int, anchored: dict[int, tuple[str, int]]) -> tuple[list[str], int]:
    """The first break of one shard's chain (if any) and how many entries it has.

    The head is read first and the chain walked up to it: on a live platform entries keep committing, each
    with its head, so anything past the head read here is either newer (the head has moved by the time we look
    again) or was put there without moving the head."""
    from .models import AuditEntry

    where = f"分片 {shard}"
    head_seq, head_hash = _head(shard)
    prev, expected = GENESIS, 1
    entries = AuditEntry.objects.filter(shard=shard, seq__lte=head_seq).order_by("seq")
    for entry in entries.iterator(chunk_size=2000):
        if entry.seq != expected:
            return [f"{where}断链：第 {expected} 条缺失（下一条为第 {entry.seq} 条），疑似删除或插入"], expected - 1
        if entry.prev_hash != prev:
            return [f"{where}断链：第 {entry.seq} 条的前序哈希不符，疑似插入或删除"], expected - 1
        if entry_digest(entry.prev_hash, entry.chain_fields()) != entry.hash:
            return [f"{where}断链：第 {entry.seq} 条内容与哈希不符，疑似被篡改"], expected - 1
        if entry.seq in anchored and anchored[entry.seq][0] != entry.hash:
            n = anchored[entry.seq][1]
            return [f"{where}：第 {entry.seq} 条与第 {n} 号锚点记下的哈希不符，疑似整链被重算"], expected - 1
        prev, expected = entry.hash, entry.seq + 1
    count = expected - 1
    problems = []
    beyond = [seq for seq in anchored if seq > count]
    if beyond:
        seq = max(beyond)
        problems.append(
            f"{where}：第 {anchored[seq][1]} 号锚点记到第 {seq} 条，链上只有 {count} 条，疑似末尾被删除、链尾被回退"
        )
    if head_seq != count or head_hash != prev:
        problems.append(f"{where}：链尾记录为第 {head_seq} 条，实际校验到第 {count} 条，疑似末尾被删除或链尾被改")
    later = AuditEntry.objects.filter(shard=shard, seq__gt=head_seq).order_by("seq").values_list("seq", flat=True)
    if (after := later.first()) is not None and _head(shard)[0] < after:
        problems.append(f"{where}：第 {after} 条在链尾记录（第 {_head(shard)[0]} 条）之后，疑似插入或链尾被回退")
    return problems, count


def _verify_shard_in_thread(shard: int, anchored: dict[int, tuple[str, int]]) -> tuple[list[str], int]:
    try:
        return _verify_shard(shard, anchored)
    finally:
        connections.close_all()


def audit_verify() -> tuple[bool, str]:
    """Check the anchor chain and every shard; return (ok, a message naming each break found, in Chinese)."""
    from .models import AuditEntry, AuditHead

    problems, anchored, anchors = _verify_anchors()
    shards = sorted(
        set(range(settings.AUDIT_SHARDS))
        | set(AuditEntry.objects.values_list("shard", flat=True).distinct())
        | set(AuditHead.objects.values_list("shard", flat=True))
        | set(anchored)
    )
    walk_args = (shards, [anchored.get(shard, {}) for shard in shards])
    connection = transaction.get_connection()
    # Threads open their own connections, which cannot see rows of a transaction still open here (a test's).
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with ThreadPoolExecutor(max_workers=VERIFY_THREADS) as pool:
            results = list(pool.map(_verify_shard_in_thread, *walk_args))
    else:
        results = list(map(_verify_shard, *walk_args))
    count = 0
    for shard_problems, shard_count in results:
        problems.extend(shard_problems)
        count += shard_count
    if problems:
        return False, "；".join(problems)
    used = sum(1 for _, shard_count in results if shard_count)
    return True, f"审计链完整：{used} 个分片共 {count} 条，{anchors} 个签名锚点"
