"""The OpenID Connect signing key, loadable from settings (no Django models imported here).

Production sets OIDC_RSA_PRIVATE_KEY (a PEM) in the environment. Development and tests generate an RSA key
once and keep it in YIWANG_VAR_DIR, so ID tokens stay verifiable across restarts of the same instance.
"""

import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

KEY_FILE = "oidc-rsa-private.pem"


def oidc_private_key(var_dir: Path) -> str:
    from_env = os.environ.get("OIDC_RSA_PRIVATE_KEY", "").strip()
    if from_env:
        return from_env.replace("\\n", "\n") + "\n"
    path = Path(var_dir) / KEY_FILE
    if not path.exists():
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        try:
            # O_EXCL: when two processes start together, one writes and the other reads the winner's key.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as f:
                f.write(pem)
    return path.read_text()
