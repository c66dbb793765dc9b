from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("core", "0004_upload_records_and_idempotency_keys")]

    operations = [
        migrations.CreateModel(
            name="CacheGeneration",
            fields=[
                ("name", models.CharField(max_length=40, primary_key=True, serialize=False)),
                ("token", models.CharField(max_length=32)),
            ],
        ),
    ]
