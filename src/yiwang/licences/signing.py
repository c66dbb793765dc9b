"""SM2 seals and SM3 digests (tongsuopy = Tongsuo's OpenSSL), and the canonical bytes a licence signs.

Signatures are SM2 with the default distinguishing ID 1234567812345678 (GB/T 35276), DER-encoded, so
`openssl pkeyutl -verify -rawin -digest sm3 -pkeyopt distid:1234567812345678` accepts them.
"""

import base64
import hashlib
import json
import os

from django.conf import settings
from tongsuopy.crypto import hashes, serialization
from tongsuopy.crypto.asymciphers import ec
from tongsuopy.crypto.exceptions import InvalidSignature


def sm3_hex(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()


def canonical_bytes(*, number, type_code, holder_id, department_code, issued_on, valid_until, data) -> bytes:
    """The exact bytes that are digested and signed: anyone can rebuild them from what the licence shows."""
    payload = {
        "number": number,
        "type": type_code,
        "holder": holder_id,
        "issuer": department_code,
        "issued_on": issued_on.isoformat(),
        "valid_until": valid_until.isoformat() if valid_until else None,
        "data": data,
    }
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


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
