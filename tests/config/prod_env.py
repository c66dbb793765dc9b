"""A production environment that passes every check: each test changes one variable of it."""

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from tongsuopy.crypto import serialization as tongsuo_serialization
from tongsuopy.crypto.asymciphers import ec


def pem(key) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def sm2_pem(passphrase: bytes = b"root-passphrase-2026") -> str:
    return (
        ec.generate_private_key(ec.SM2())
        .private_bytes(
            tongsuo_serialization.Encoding.PEM,
            tongsuo_serialization.PrivateFormat.PKCS8,
            tongsuo_serialization.BestAvailableEncryption(passphrase),
        )
        .decode()
    )


GOOD = {
    "DJANGO_SETTINGS_MODULE": "yiwang.config.settings.prod",
    "DEBUG": "0",
    "SECRET_KEY": "Vq3-mZ8t_Lr0pW9x&Kd2Hs7Nc4Jf6Gb1Ya5Ue8Ro0Ti3Pw7Qz9Mn2Lk4Xc6Vb8Nm1Aa",
    "YIWANG_SEAL_KEY": "海珠区电子印章-口令-2026-q4",
    "OIDC_RSA_PRIVATE_KEY": pem(rsa.generate_private_key(public_exponent=65537, key_size=2048)),
    "YIWANG_ROOT_KEY": sm2_pem(),
    "YIWANG_ROOT_KEY_PASSPHRASE": "root-passphrase-2026",
    "YIWANG_AUDIT_KEY": sm2_pem(b"audit-passphrase-2026"),
    "YIWANG_AUDIT_KEY_PASSPHRASE": "audit-passphrase-2026",
    "ALLOWED_HOSTS": "zwfw.example.gov.cn",
    "YIWANG_PUBLIC_URL": "https://zwfw.example.gov.cn",
}
