"""Seal keys get a key id, a validity window and the root key's certificate; every licence is re-signed over its
public view (the first format signed a person's full identity number, which a published bundle cannot show).

Re-signing uses each licence's own seal key (the platform holds it) and keeps the moment it was first signed, so
its key's window still holds it; the old digest is kept in `legacy_digest` for QR codes printed before.
"""

from django.db import migrations, models

from yiwang.accounts.identifiers import mask_identity_number
from yiwang.licences import signing


def _seconds(moment):
    return moment.replace(microsecond=0) if moment is not None else None


def certify_and_resign(apps, schema_editor):
    SealKey = apps.get_model("licences", "SealKey")
    Licence = apps.get_model("licences", "Licence")
    for key in SealKey.objects.select_related("department"):
        key.key_id = signing.key_id(key.public_key_pem)
        key.valid_from, key.retired_at = _seconds(key.created_at), _seconds(key.retired_at)
        statement = signing.seal_statement(
            key_id=key.key_id,
            department_code=key.department.code,
            valid_from=key.valid_from,
            retired_at=key.retired_at,
            revoked_at=None,
            revocation_reason="",
        )
        key.certificate = signing.root_certify(statement)
        key.save(update_fields=["key_id", "valid_from", "retired_at", "certificate"])
    licences = Licence.objects.select_related(
        "licence_type", "department__region", "holder_entity", "holder_person", "seal_key"
    )
    for licence in licences:
        key = licence.seal_key
        signed_at = max(_seconds(licence.created_at), key.valid_from)
        if key.retired_at is not None:
            signed_at = min(signed_at, key.retired_at)
        if licence.holder_entity_id:
            holder_name, holder_code = licence.holder_entity.name, licence.holder_entity.uscc
        else:
            holder_name = licence.holder_person.name
            holder_code = mask_identity_number(licence.holder_person.id_number)
        canonical = signing.canonical_json(
            signing.licence_payload(
                number=licence.number,
                type_code=licence.licence_type.code,
                type_name=licence.licence_type.name,
                holder_name=holder_name,
                holder_code=holder_code,
                department_code=licence.department.code,
                department_name=f"{licence.department.region.name}{licence.department.name}",
                issued_on=licence.issued_on,
                valid_until=licence.valid_until,
                signed_at=signed_at,
                key_id=key.key_id,
                data=licence.data,
            )
        )
        licence.legacy_digest, licence.signed_at = licence.digest, signed_at
        licence.digest = signing.sm3_hex(canonical)
        licence.signature = signing.sign(signing.load_private_key(key.private_key_encrypted), canonical)
        licence.save(update_fields=["legacy_digest", "signed_at", "digest", "signature"])


class Migration(migrations.Migration):
    dependencies = [
        ("licences", "0001_licences_and_seals"),
    ]

    operations = [
        migrations.AddField(
            model_name="licence",
            name="legacy_digest",
            field=models.CharField(blank=True, max_length=64, verbose_name="原 SM3 摘要"),
        ),
        migrations.AddField(
            model_name="licence",
            name="signed_at",
            field=models.DateTimeField(null=True, verbose_name="签章时间"),
        ),
        migrations.AddField(
            model_name="sealkey",
            name="certificate",
            field=models.BinaryField(default=b"", verbose_name="根密钥证书（SM2 签名）"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="sealkey",
            name="key_id",
            field=models.CharField(default="", max_length=64, verbose_name="密钥标识"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="sealkey",
            name="revocation_reason",
            field=models.TextField(blank=True, verbose_name="吊销理由"),
        ),
        migrations.AddField(
            model_name="sealkey",
            name="revoked_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="吊销生效时间"),
        ),
        migrations.AddField(
            model_name="sealkey",
            name="valid_from",
            field=models.DateTimeField(null=True, verbose_name="生效时间"),
        ),
        migrations.RunPython(certify_and_resign, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="licence",
            name="signed_at",
            field=models.DateTimeField(verbose_name="签章时间"),
        ),
        migrations.AlterField(
            model_name="sealkey",
            name="key_id",
            field=models.CharField(max_length=64, unique=True, verbose_name="密钥标识"),
        ),
        migrations.AlterField(
            model_name="sealkey",
            name="valid_from",
            field=models.DateTimeField(verbose_name="生效时间"),
        ),
    ]
