from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("core", "0007_audit_shard_constraints")]

    operations = [
        migrations.CreateModel(
            name="CacheGeneration",
            fields=[
                ("name", models.CharField(max_length=40, primary_key=True, serialize=False)),
                ("token", models.CharField(max_length=32)),
            ],
        ),
    ]
