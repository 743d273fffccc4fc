"""Client.match_hash: the keyed hash of the loose name and birth date by which the fund's figures count a person
served by several providers once (clients.models.person_match_hash), filled for the records already there."""

from django.db import migrations, models


def fill(apps, schema_editor):
    from clients.models import refresh_match_hashes  # noqa: PLC0415 - a pure function of the stored columns

    refresh_match_hashes(apps.get_model("clients", "Client"))


class Migration(migrations.Migration):

    dependencies = [
        ('clients', '0009_documents_consent_language'),
    ]

    operations = [
        migrations.AddField(
            model_name='client',
            name='match_hash',
            field=models.CharField(blank=True, editable=False, max_length=64, null=True),
        ),
        migrations.AddIndex(
            model_name='client',
            index=models.Index(condition=models.Q(('match_hash__isnull', False)), fields=['match_hash'], name='client_match_hash_idx'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
