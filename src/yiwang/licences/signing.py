"""SM2 seals and SM3 digests, the canonical bytes a licence signs, and the platform root key that certifies
every seal key.

The SM2 primitives live in core.sm2 (the audit anchors sign with them too) and are re-exported here. The root
key signs the same way as a seal, so one command verifies both a licence and its seal key's certificate
(docs/verify-licence.md).
"""

import base64
import datetime as dt
import hashlib
import json
import os
from functools import lru_cache

from django.conf import settings
from tongsuopy.crypto import serialization
from tongsuopy.crypto.asymciphers import ec

from yiwang.core import sm2

# The SM2 primitives, under the names the licence code (and its migrations) has always called.
sm3_hex = sm2.sm3_hex
public_key_der = sm2.public_key_der
key_id = sm2.key_id
load_public_key = sm2.load_public_key
sign = sm2.sign
verify = sm2.verify


LICENCE_FORMAT = "yiwang-licence/2"
SEAL_FORMAT = "yiwang-seal-key/1"


def canonical_json(payload: dict) -> bytes:
    """Sorted keys, no spaces, UTF-8 (not \\u escapes): one byte string per payload, rebuilt alike by anyone."""
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def utc_text(moment: dt.datetime | None) -> str | None:
    """A moment as signed: UTC, whole seconds, `Z` (what stored moments are truncated to before signing)."""
    if moment is None:
        return None
    return moment.astimezone(dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def licence_payload(
    *,
    number,
    type_code,
    type_name,
    holder_name,
    holder_code,
    department_code,
    department_name,
    issued_on,
    valid_until,
    signed_at,
    key_id,
    data,
) -> dict:
    """What a licence's seal signs: only what the printed licence and the public verification page show (a
    person's identity number masked), so the signed bytes can be handed to anyone who verifies."""
    return {
        "format": LICENCE_FORMAT,
        "number": number,
        "type": type_code,
        "type_name": type_name,
        "holder_name": holder_name,
        "holder_code": holder_code,
        "issuer": department_code,
        "issuer_name": department_name,
        "issued_on": issued_on.isoformat(),
        "valid_until": valid_until.isoformat() if valid_until else None,
        "signed_at": utc_text(signed_at),
        "key_id": key_id,
        "data": data,
    }


def seal_statement(*, key_id, department_code, valid_from, retired_at, revoked_at, revocation_reason) -> bytes:
    """What the root key certifies about one seal key; re-signed at each rotation or revocation, so clearing a
    retirement or a revocation in the database breaks the certificate instead of widening the key's window."""
    return canonical_json(
        {
            "format": SEAL_FORMAT,
            "key_id": key_id,
            "department": department_code,
            "valid_from": utc_text(valid_from),
            "retired_at": utc_text(retired_at),
            "revoked_at": utc_text(revoked_at),
            "revocation_reason": revocation_reason or None,
        }
    )


def _at_rest_key() -> bytes:
    """The passphrase the private keys are encrypted under.

    Production sets YIWANG_SEAL_KEY (kept outside the database). Development and tests fall back to a key
    derived from SECRET_KEY so the demo runs without setup; prod settings refuse the demo SECRET_KEY anyway.
    """
    configured = os.environ.get("YIWANG_SEAL_KEY", "")
    if configured:
        return configured.encode()
    return base64.b64encode(hashlib.new("sm3", b"yiwang-seal:" + settings.SECRET_KEY.encode()).digest())


def new_key_pair() -> tuple[str, bytes]:
    """(public key PEM, encrypted private key PEM) of a fresh SM2 key."""
    key = ec.generate_private_key(ec.SM2())
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(_at_rest_key()),
    )
    return public_pem.decode(), private_pem


def load_private_key(encrypted_pem: bytes):
    return serialization.load_pem_private_key(bytes(encrypted_pem), password=_at_rest_key())


def _derived_root_key(secret_key: str):
    """Development and tests: the same root key from the same SECRET_KEY, so demo data stays verifiable across
    restarts without setup. Production settings refuse to start without YIWANG_ROOT_KEY."""
    return sm2.derived_key(b"yiwang-root:", secret_key)


def root_private_key():
    """The platform root key: configuration (a PEM or a path, with YIWANG_ROOT_KEY_PASSPHRASE), never a row, so a
    database write cannot make a seal key trusted."""
    return sm2.configured_key(
        "YIWANG_ROOT_KEY",
        getattr(settings, "YIWANG_ROOT_KEY", ""),
        getattr(settings, "YIWANG_ROOT_KEY_PASSPHRASE", ""),
        b"yiwang-root:",
        settings.SECRET_KEY,
    )


def root_public_pem() -> str:
    return sm2.public_pem(root_private_key())


def root_certify(statement: bytes) -> bytes:
    return sign(root_private_key(), statement)


@lru_cache(maxsize=1024)
def _root_verifies(root_pem: str, certificate: bytes, statement: bytes) -> bool:
    return verify(load_public_key(root_pem), certificate, statement)


def root_verifies(certificate: bytes, statement: bytes) -> bool:
    return _root_verifies(root_public_pem(), bytes(certificate), statement)
