"""docs/verify-licence.md as written: its OpenSSL commands and its Python example (with gmssl, an SM2 library
yiwang does not use) verify a freshly issued licence's bundle, and reject a tampered one."""

import io
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse

from yiwang.licences import signing

DOC = Path(__file__).resolve().parents[2] / "docs" / "verify-licence.md"


def blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", DOC.read_text(), flags=re.DOTALL | re.MULTILINE)


def openssl_has_sm2() -> bool:
    if shutil.which("openssl") is None:
        return False
    listed = subprocess.run(["openssl", "list", "-digest-algorithms"], capture_output=True, text=True).stdout
    return "SM3" in listed.upper()


@pytest.fixture
def requires_openssl_sm2():
    if not openssl_has_sm2():
        if os.environ.get("CI") == "true":
            pytest.fail("CI must run the documented OpenSSL commands: install an OpenSSL 3 with SM2/SM3")
        pytest.skip("this machine's openssl lacks SM2/SM3, so the documented commands cannot run here")


@pytest.fixture
def bundle(client, licence, tmp_path):
    answer = client.get(reverse("licences:public_bundle", args=[licence.number]), {"d": licence.digest})
    assert answer.status_code == 200
    with zipfile.ZipFile(io.BytesIO(answer.content)) as archive:
        archive.extractall(tmp_path)
    return tmp_path


def run_shell(folder: Path) -> subprocess.CompletedProcess:
    script = "\n".join(blocks("sh"))
    return subprocess.run(["bash", "-c", script], cwd=folder, capture_output=True, text=True)


def tamper(folder: Path) -> None:
    signed = (folder / "licence.json").read_bytes()
    (folder / "licence.json").write_bytes(signed.replace("热食".encode(), "冷食".encode()))


def test_the_page_has_the_commands_and_the_example():
    assert blocks("sh") and "distid:1234567812345678" in blocks("sh")[0]
    assert len(blocks("python")) == 1 and "from gmssl import" in blocks("python")[0]


def test_the_openssl_commands_verify_a_fresh_bundle_as_written(requires_openssl_sm2, bundle, licence):
    done = run_shell(bundle)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.split()
    assert lines[0] == signing.key_id(signing.root_public_pem())
    assert lines.count("Verified") == 2 and lines[-1] == licence.digest


def test_the_openssl_commands_reject_a_tampered_bundle(requires_openssl_sm2, bundle):
    tamper(bundle)
    done = run_shell(bundle)
    assert done.returncode != 0 and "Signature Verification Failure" in done.stdout


def test_the_openssl_commands_reject_a_seal_key_the_root_did_not_certify(requires_openssl_sm2, bundle):
    public_pem, _private = signing.new_key_pair()
    (bundle / "seal-key.pem").write_text(public_pem)
    assert run_shell(bundle).returncode != 0


def python_example() -> dict:
    namespace: dict = {}
    exec(compile(blocks("python")[0], str(DOC), "exec"), namespace)
    return namespace


def test_the_python_example_verifies_with_gmssl(bundle):
    verify_bundle = python_example()["verify_bundle"]
    root_id = signing.key_id(signing.root_public_pem())
    assert verify_bundle(bundle, root_id, "2026-11-23") == "valid"
    assert verify_bundle(bundle, root_id, "2099-01-01") == "expired"
    with pytest.raises(ValueError, match="unknown root"):
        verify_bundle(bundle, "0" * 64, "2026-11-23")


def test_the_python_example_rejects_tampering_and_foreign_keys(bundle):
    verify_bundle = python_example()["verify_bundle"]
    root_id = signing.key_id(signing.root_public_pem())
    original = (bundle / "seal-key.pem").read_text()
    public_pem, _private = signing.new_key_pair()
    (bundle / "seal-key.pem").write_text(public_pem)
    with pytest.raises(ValueError, match="unknown key"):
        verify_bundle(bundle, root_id, "2026-11-23")
    (bundle / "seal-key.pem").write_text(original)
    tamper(bundle)
    with pytest.raises(ValueError, match="altered"):
        verify_bundle(bundle, root_id, "2026-11-23")
