"""Access and refresh tokens issued before hashed storage (OAUTH2_PROVIDER["COMPLIANT_BCP_RFC9700_TOKEN_STORAGE"])
still hold their secret in the `token` column. django-oauth-toolkit finds every token by `token_checksum`, which
those rows already have, so the plaintext is blanked and a database copy no longer yields a usable token."""

from django.db import migrations


def redact(apps, schema_editor):
    for model in ("AccessToken", "RefreshToken"):
        apps.get_model("oauth2_provider", model).objects.exclude(token="").exclude(token_checksum="").update(token="")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_api_token_scopes_and_expiry"),
        ("oauth2_provider", "0022_refreshtoken_token_family_index"),
    ]

    operations = [migrations.RunPython(redact, migrations.RunPython.noop)]
