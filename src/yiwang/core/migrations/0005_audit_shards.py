"""The audit log becomes settings.AUDIT_SHARDS chains with signed anchors (core.audit): the columns first; the
existing chain is verified and re-chained into shards by 0006, and (shard, seq) made unique by 0007."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_upload_records_and_idempotency_keys"),
    ]

    operations = [
        migrations.AddField(model_name="audithead", name="shard", field=models.PositiveSmallIntegerField(default=0)),
        migrations.AddField(
            model_name="auditentry",
            name="shard",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="分片"),
        ),
        migrations.AlterField(
            model_name="auditentry", name="seq", field=models.PositiveBigIntegerField(verbose_name="序号")
        ),
        migrations.AlterField(model_name="auditentry", name="at", field=models.DateTimeField(verbose_name="时间")),
        migrations.AlterModelOptions(
            name="auditentry",
            options={"ordering": ["-pk"], "verbose_name": "审计记录", "verbose_name_plural": "审计记录"},
        ),
        migrations.CreateModel(
            name="AuditAnchor",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("seq", models.PositiveBigIntegerField(unique=True, verbose_name="序号")),
                ("at", models.DateTimeField(verbose_name="时间")),
                ("heads", models.JSONField(verbose_name="各分片链尾")),
                ("root", models.CharField(max_length=64, verbose_name="默克尔根")),
                ("prev_hash", models.CharField(max_length=64, verbose_name="前序哈希")),
                ("hash", models.CharField(max_length=64, verbose_name="哈希（SM3）")),
                ("key_id", models.CharField(max_length=64, verbose_name="密钥标识")),
                ("signature", models.BinaryField(verbose_name="签名（SM2）")),
            ],
            options={"verbose_name": "审计锚点", "verbose_name_plural": "审计锚点", "ordering": ["-seq"]},
        ),
    ]
