from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_audit_rechain"),
    ]

    operations = [
        migrations.AlterField(
            model_name="audithead", name="shard", field=models.PositiveSmallIntegerField(unique=True)
        ),
        migrations.AlterField(
            model_name="auditentry", name="shard", field=models.PositiveSmallIntegerField(verbose_name="分片")
        ),
        migrations.AddConstraint(
            model_name="auditentry",
            constraint=models.UniqueConstraint(fields=("shard", "seq"), name="audit_entry_one_per_shard_seq"),
        ),
    ]
