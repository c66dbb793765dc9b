"""Every case submitted with an Idempotency-Key before keys were claimed (core 0004) gets its claim row, so
case_submit need look for an earlier case only when the claim finds the key taken."""

from django.db import migrations
from django.utils import timezone

BATCH = 2000


def claim(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    IdempotencyKey = apps.get_model("core", "IdempotencyKey")
    now = timezone.now()
    keyed = Case.objects.exclude(idempotency_key="").values_list("submitted_by_id", "idempotency_key").order_by("pk")
    rows = []
    for user_id, key in keyed.iterator(chunk_size=BATCH):
        rows.append(IdempotencyKey(user_id=user_id, key=key, created_at=now))
        if len(rows) == BATCH:
            IdempotencyKey.objects.bulk_create(rows, ignore_conflicts=True)
            rows = []
    IdempotencyKey.objects.bulk_create(rows, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0008_caselog_action_choices"),
        ("core", "0004_upload_records_and_idempotency_keys"),
    ]

    operations = [migrations.RunPython(claim, migrations.RunPython.noop)]
