"""Production settings refuse to start when unsafe; `yiwang check` reports what is off."""

import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from tests.config.prod_env import GOOD


def _import_prod(**env):
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", *PRODUCTION_KEYS, *PASSPHRASES}}
    return subprocess.run(
        [sys.executable, "-c", "import yiwang.config.settings.prod"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_prod_refuses_debug():
    result = _import_prod(DEBUG="1", SECRET_KEY="x" * 40)
    assert result.returncode != 0
    assert "DEBUG" in result.stderr


def test_prod_refuses_the_demo_secret():
    result = _import_prod(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


PRODUCTION_KEYS = {
    "OIDC_RSA_PRIVATE_KEY": GOOD["OIDC_RSA_PRIVATE_KEY"],
    "YIWANG_SEAL_KEY": GOOD["YIWANG_SEAL_KEY"],
    "YIWANG_ROOT_KEY": GOOD["YIWANG_ROOT_KEY"],
    "YIWANG_AUDIT_KEY": GOOD["YIWANG_AUDIT_KEY"],
}
PASSPHRASES = {k: GOOD[k] for k in ("YIWANG_ROOT_KEY_PASSPHRASE", "YIWANG_AUDIT_KEY_PASSPHRASE")}


@pytest.mark.parametrize("missing", sorted(PRODUCTION_KEYS))
def test_prod_refuses_to_start_without_its_keys(missing):
    keys = {k: v for k, v in PRODUCTION_KEYS.items() if k != missing}
    result = _import_prod(DEBUG="0", SECRET_KEY=GOOD["SECRET_KEY"], **PASSPHRASES, **keys)
    assert result.returncode != 0
    assert missing in result.stderr


def test_prod_starts_when_configured():
    configured = _import_prod(
        DEBUG="0",
        SECRET_KEY=GOOD["SECRET_KEY"],
        **PASSPHRASES,
        **PRODUCTION_KEYS,
    )
    assert configured.returncode == 0, configured.stderr


def test_check_flags_the_demo_secret_outside_debug(db):
    with pytest.raises(CommandError, match="SECRET_KEY"):
        call_command("yiwang_check")


def test_check_passes_and_names_the_missing_holiday_year(db, capsys):
    with override_settings(SECRET_KEY="a-long-production-secret-" + "k" * 20):
        call_command("yiwang_check")
    out = capsys.readouterr().out
    assert "配置检查通过" in out
    assert "2027 年尚无节假日数据" in out
