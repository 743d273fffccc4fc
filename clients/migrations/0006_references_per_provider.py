"""References are unique within a provider (issue 15): one provider's references tell nothing of another's.

A plain index on each reference stays for imports of several providers' folders, which look references up
across providers.
"""

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models

REF_VALIDATOR = django.core.validators.RegexValidator(
    "^[A-Za-z0-9_\\-./]+$", "Use only letters A–Z, digits and the signs _ - . /"
)


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0005_family_provider"),
        ("plans", "0004_contact_client_via_family"),
    ]

    operations = [
        migrations.AlterField(
            model_name="family",
            name="provider",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="families",
                to="clients.provider",
                verbose_name="provider",
            ),
        ),
        migrations.AlterField(
            model_name="client",
            name="client_ref",
            field=models.CharField(db_index=True, max_length=50, validators=[REF_VALIDATOR], verbose_name="client reference"),
        ),
        migrations.AlterField(
            model_name="staff",
            name="staff_ref",
            field=models.CharField(db_index=True, max_length=50, validators=[REF_VALIDATOR], verbose_name="staff reference"),
        ),
        migrations.AlterField(
            model_name="contract",
            name="number",
            field=models.CharField(db_index=True, max_length=50, verbose_name="contract number"),
        ),
        migrations.AddConstraint(
            model_name="contract",
            constraint=models.UniqueConstraint(fields=("provider", "number"), name="contract_number_per_provider"),
        ),
        migrations.AddConstraint(
            model_name="client",
            constraint=models.UniqueConstraint(
                fields=("provider", "client_ref"),
                name="client_ref_per_provider",
                violation_error_message="Your provider already has a client with this reference.",
            ),
        ),
        migrations.AddConstraint(
            model_name="family",
            constraint=models.UniqueConstraint(
                fields=("provider", "family_ref"),
                name="family_ref_per_provider",
                violation_error_message="Your provider already has a family with this reference.",
            ),
        ),
        migrations.AddConstraint(
            model_name="staff",
            constraint=models.UniqueConstraint(
                fields=("provider", "staff_ref"),
                name="staff_ref_per_provider",
                violation_error_message="Your provider already has a staff member with this reference.",
            ),
        ),
    ]
