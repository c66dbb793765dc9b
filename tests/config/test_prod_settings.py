"""Issue #10: production settings pass Django's deployment checks and refuse to start on a weak SECRET_KEY, a weak
seal passphrase, an unreadable OIDC key or a wildcard host. Each case runs the real settings in a subprocess."""

import os
import subprocess
import sys

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from django.test import override_settings

from tests.config.prod_env import GOOD, pem
from yiwang.config.cli import main as yiwang


def run_prod(tmp_path, *args, **env):
    clean = {k: v for k, v in os.environ.items() if k not in {*GOOD, "YIWANG_VAR_DIR"}}
    return subprocess.run(
        [sys.executable, "-m", "django", *args],
        env={**clean, **GOOD, "YIWANG_VAR_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_good_configuration_passes_check_deploy_with_no_warning(tmp_path):
    """Issue #10: `manage.py check --deploy` failed on production settings (no HSTS, no SSL redirect)."""
    result = run_prod(tmp_path, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
    # The one silenced check is HSTS preload, opted into by the operator; with it on, nothing is silenced.
    preload = run_prod(tmp_path, "check", "--deploy", "--fail-level", "WARNING", YIWANG_HSTS_PRELOAD="1")
    assert preload.returncode == 0 and "(0 silenced)" in preload.stdout, preload.stderr


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("SECRET_KEY", "a" * 32, "SECRET_KEY"),
        ("SECRET_KEY", "ab" * 40, "SECRET_KEY"),
        ("SECRET_KEY", "django-insecure-" + GOOD["SECRET_KEY"], "SECRET_KEY"),
        ("YIWANG_SEAL_KEY", "x", "YIWANG_SEAL_KEY"),
        ("YIWANG_SEAL_KEY", "abcd" * 10, "YIWANG_SEAL_KEY"),
        ("OIDC_RSA_PRIVATE_KEY", "-----BEGIN PRIVATE KEY-----\ngarbage\n-----END PRIVATE KEY-----", "OIDC_RSA"),
        ("OIDC_RSA_PRIVATE_KEY", pem(ec.generate_private_key(ec.SECP256R1())), "OIDC_RSA"),
        ("OIDC_RSA_PRIVATE_KEY", pem(rsa.generate_private_key(public_exponent=65537, key_size=1024)), "OIDC_RSA"),
        ("ALLOWED_HOSTS", "*", "ALLOWED_HOSTS"),
        ("YIWANG_ROOT_KEY", "/nonexistent/root-key.pem", "YIWANG_ROOT_KEY"),
        ("YIWANG_ROOT_KEY_PASSPHRASE", "not-the-passphrase", "YIWANG_ROOT_KEY"),
        ("YIWANG_ROOT_KEY", pem(ec.generate_private_key(ec.SECP256R1())), "YIWANG_ROOT_KEY"),
        ("YIWANG_AUDIT_KEY", "/nonexistent/audit-key.pem", "YIWANG_AUDIT_KEY"),
        ("YIWANG_AUDIT_KEY_PASSPHRASE", "not-the-passphrase", "YIWANG_AUDIT_KEY"),
        ("YIWANG_AUDIT_KEY", pem(ec.generate_private_key(ec.SECP256R1())), "YIWANG_AUDIT_KEY"),
        ("ALLOWED_HOSTS", "zwfw.example.gov.cn,*.example.gov.cn", "ALLOWED_HOSTS"),
        ("ALLOWED_HOSTS", ".example.gov.cn", "ALLOWED_HOSTS"),
    ],
    ids=[
        "secret-32a",
        "secret-2-chars",
        "secret-insecure-prefix",
        "seal-x",
        "seal-repetitive",
        "oidc-garbage",
        "oidc-ec-key",
        "oidc-rsa-1024",
        "hosts-star",
        "root-key-missing-file",
        "root-key-wrong-passphrase",
        "root-key-not-sm2",
        "audit-key-missing-file",
        "audit-key-wrong-passphrase",
        "audit-key-not-sm2",
        "hosts-star-subdomain",
        "hosts-leading-dot",
    ],
)
def test_production_refuses_to_start_on_a_weak_or_unreadable_setting(tmp_path, name, value, says):
    """Issue #10: a 32×"a" secret, YIWANG_SEAL_KEY=x, a garbage OIDC_RSA_PRIVATE_KEY and ALLOWED_HOSTS=* all
    started."""
    result = run_prod(tmp_path, "check", "--deploy", **{name: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and says in result.stderr


def test_production_refuses_the_root_key_as_the_audit_key(tmp_path):
    """Issue #11: the audit anchors' signing key is configuration of its own, not the key that certifies seals."""
    result = run_prod(
        tmp_path,
        "check",
        "--deploy",
        YIWANG_AUDIT_KEY=GOOD["YIWANG_ROOT_KEY"],
        YIWANG_AUDIT_KEY_PASSPHRASE=GOOD["YIWANG_ROOT_KEY_PASSPHRASE"],
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "YIWANG_AUDIT_KEY" in result.stderr


def test_yiwang_check_runs_djangos_deploy_checks(db, capsys):
    """`yiwang check --deploy` was refused (the platform's command took no options); it now runs Django's
    deployment checks and then the platform's own."""
    with override_settings(SECRET_KEY=GOOD["SECRET_KEY"]):
        yiwang(["yiwang", "check", "--deploy"])
    out, err = capsys.readouterr()
    assert "security.W004" in err  # the test settings have no HSTS: Django's deploy check ran
    assert "SM3" in out and "配置检查通过" in out
