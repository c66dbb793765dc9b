"""SM3 against GB/T 32905's vectors, SM2 seals that OpenSSL 3 verifies, private keys encrypted at rest."""

import shutil
import subprocess

import pytest

from yiwang.licences import signing
from yiwang.licences.models import SealKey
from yiwang.licences.selectors import licence_verify
from yiwang.licences.services import licence_canonical, seal_key_rotate


def test_sm3_matches_the_gbt_32905_vectors():
    assert signing.sm3_hex(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert signing.sm3_hex(b"abcd" * 16) == "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"


def test_the_digest_is_sm3_of_the_canonical_bytes_anyone_can_rebuild(licence):
    canonical = licence_canonical(licence)
    assert canonical.startswith(b'{"data":{') and b" " not in canonical.replace("热食类食品制售".encode(), b"")
    assert "热食类食品制售".encode() in canonical  # UTF-8, not \\u escapes
    assert licence.digest == signing.sm3_hex(canonical)


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl CLI missing")
def test_openssl_verifies_the_seal(licence, tmp_path):
    (tmp_path / "pub.pem").write_text(licence.seal_key.public_key_pem)
    (tmp_path / "data").write_bytes(licence_canonical(licence))
    (tmp_path / "sig.der").write_bytes(bytes(licence.signature))
    command = [
        "openssl",
        "pkeyutl",
        "-verify",
        "-pubin",
        "-inkey",
        "pub.pem",
        "-rawin",
        "-in",
        "data",
        "-sigfile",
        "sig.der",
        "-digest",
        "sm3",
        "-pkeyopt",
        "distid:1234567812345678",
    ]
    ok = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True)
    assert ok.returncode == 0 and "Signature Verified Successfully" in ok.stdout, ok.stdout + ok.stderr
    (tmp_path / "data").write_bytes(licence_canonical(licence).replace("热食".encode(), "冷食".encode()))
    bad = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True)
    assert bad.returncode != 0


def test_private_keys_are_stored_encrypted(licence):
    stored = bytes(licence.seal_key.private_key_encrypted)
    assert b"ENCRYPTED PRIVATE KEY" in stored
    with pytest.raises((TypeError, ValueError)):
        from tongsuopy.crypto import serialization

        serialization.load_pem_private_key(stored, password=None)


def test_rotation_keeps_old_licences_valid_and_signs_new_ones_with_the_new_key(licence, superuser):
    old_key = licence.seal_key
    new_key = seal_key_rotate(actor=superuser, department=licence.department)
    old_key.refresh_from_db()
    assert old_key.retired_at is not None and new_key.retired_at is None and new_key.pk != old_key.pk
    assert SealKey.objects.filter(department=licence.department, retired_at__isnull=True).count() == 1
    assert licence_verify(licence.number).status == "valid"  # signed by a rotated-out key, still genuine


def test_only_the_departments_administrators_rotate_its_seal(licence, samr_reviewer):
    from yiwang.core.errors import NotFound

    with pytest.raises(NotFound):
        seal_key_rotate(actor=samr_reviewer, department=licence.department)
