"""API tokens get scopes and an expiry. A token made before had every power of its user and no end: it keeps the
scopes of its user's job (staff: read + review; the public: read + apply) and expires 90 days after this
migration, so integrations keep working while their operators replace them."""

import datetime as dt

from django.db import migrations, models
from django.utils import timezone

GRACE = dt.timedelta(days=90)


def scope_existing_tokens(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    StaffRole = apps.get_model("org", "StaffRole")
    staff = set(StaffRole.objects.filter(active=True).values_list("user_id", flat=True))
    expires_at = timezone.now() + GRACE
    for token in ApiToken.objects.select_related("user"):
        works_as_staff = token.user.is_superuser or token.user_id in staff
        token.scopes = ["read", "review"] if works_as_staff else ["apply", "read"]
        token.expires_at = expires_at
        token.save(update_fields=["scopes", "expires_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_public_accounts"),
        ("org", "0002_staff_role_head"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="scopes",
            field=models.JSONField(default=list, verbose_name="权限范围"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True, verbose_name="失效时间"),
        ),
        migrations.RunPython(scope_existing_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(verbose_name="失效时间"),
        ),
    ]
