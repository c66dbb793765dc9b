"""SM2 seals and SM3 digests (tongsuopy = Tongsuo's OpenSSL), the canonical bytes a licence signs, and the
platform root key that certifies every seal key.

Signatures are SM2 with the default distinguishing ID 1234567812345678 (GB/T 35276), DER-encoded, so
`openssl pkeyutl -verify -rawin -digest sm3 -pkeyopt distid:1234567812345678` accepts them. The root key signs
the same way, so one command verifies both a licence and its seal key's certificate (docs/verify-licence.md).
"""

import base64
import datetime as dt
import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from tongsuopy.crypto import hashes, serialization
from tongsuopy.crypto.asymciphers import ec
from tongsuopy.crypto.exceptions import InvalidSignature


def sm3_hex(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()


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


def public_key_der(public_pem: str) -> bytes:
    return load_public_key(public_pem).public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def key_id(public_pem: str) -> str:
    """SM3 of the DER SubjectPublicKeyInfo: `openssl pkey -pubin -outform DER | openssl dgst -sm3` gives it."""
    return sm3_hex(public_key_der(public_pem))


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


def load_public_key(public_pem: str):
    return serialization.load_pem_public_key(public_pem.encode())


def sign(private_key, data: bytes) -> bytes:
    return private_key.sign(data, ec.ECDSA(hashes.SM3()))


def verify(public_key, signature: bytes, data: bytes) -> bool:
    try:
        public_key.verify(bytes(signature), data, ec.ECDSA(hashes.SM3()))
    except (InvalidSignature, ValueError):
        return False
    return True


def _derived_root_key(secret_key: str):
    """Development and tests: the same root key from the same SECRET_KEY, so demo data stays verifiable across
    restarts without setup. Production settings refuse to start without YIWANG_ROOT_KEY."""
    order = int("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123", 16)
    seed = int.from_bytes(hashlib.new("sm3", b"yiwang-root:" + secret_key.encode()).digest(), "big")
    return ec.derive_private_key(seed % (order - 1) + 1, ec.SM2())


@lru_cache(maxsize=4)
def _root_key(configured: str, passphrase: str, secret_key: str):
    if not configured:
        return _derived_root_key(secret_key)
    pem = configured if configured.lstrip().startswith("-----BEGIN") else Path(configured).read_text()
    try:
        return serialization.load_pem_private_key(pem.encode(), password=passphrase.encode() or None)
    except (TypeError, ValueError) as error:
        raise ImproperlyConfigured(f"YIWANG_ROOT_KEY cannot be read: {error}") from None


def root_private_key():
    """The platform root key: configuration (a PEM or a path, with YIWANG_ROOT_KEY_PASSPHRASE), never a row, so a
    database write cannot make a seal key trusted."""
    return _root_key(
        getattr(settings, "YIWANG_ROOT_KEY", ""),
        getattr(settings, "YIWANG_ROOT_KEY_PASSPHRASE", ""),
        settings.SECRET_KEY,
    )


def root_public_pem() -> str:
    return (
        root_private_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def root_certify(statement: bytes) -> bytes:
    return sign(root_private_key(), statement)


@lru_cache(maxsize=1024)
def _root_verifies(root_pem: str, certificate: bytes, statement: bytes) -> bool:
    return verify(load_public_key(root_pem), certificate, statement)


def root_verifies(certificate: bytes, statement: bytes) -> bool:
    return _root_verifies(root_public_pem(), bytes(certificate), statement)
