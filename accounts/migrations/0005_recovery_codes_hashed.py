"""Recovery codes made before this migration were stored as the codes: store their keyed hashes instead.

The codes people printed keep working (`accounts.recovery`); the database no longer holds them.
"""

from django.db import migrations
from django.utils.crypto import salted_hmac

# accounts.recovery as it is at this migration, frozen here (a test holds the two equal).
KEY_LENGTH = 16


def recovery_code_key(code):
    normalised = "".join(code.split()).replace("-", "").lower()
    return salted_hmac("accounts.recovery_code", normalised, algorithm="sha256").hexdigest()[:KEY_LENGTH]


def hash_stored_codes(apps, schema_editor):
    StaticToken = apps.get_model("otp_static", "StaticToken")
    for token in StaticToken.objects.all().iterator():
        # A hash has KEY_LENGTH hex digits; django-otp's codes have 8 base-32 characters.
        if len(token.token) != KEY_LENGTH:
            token.token = recovery_code_key(token.token)
            token.save(update_fields=["token"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_user_manager_audited"),
        ("otp_static", "0003_add_timestamps"),
    ]

    # Backwards there is nothing to restore: the codes are not kept.
    operations = [migrations.RunPython(hash_stored_codes, migrations.RunPython.noop)]
