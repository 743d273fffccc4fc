"""A family belongs to one provider (issue 15): each family takes the provider of most of its members."""

from collections import Counter

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models


def set_family_providers(apps, schema_editor):
    Family = apps.get_model("clients", "Family")
    Client = apps.get_model("clients", "Client")
    Contact = apps.get_model("plans", "Contact")
    members: dict[int, Counter] = {}
    for family_id, provider_id in Client.objects.filter(family__isnull=False).values_list("family_id", "provider_id"):
        members.setdefault(family_id, Counter())[provider_id] += 1
    contacts: dict[int, Counter] = {}
    for family_id, provider_id in Contact.objects.filter(family__isnull=False).values_list("family_id", "provider_id"):
        contacts.setdefault(family_id, Counter())[provider_id] += 1
    for family in Family.objects.all().iterator():
        counts = members.get(family.pk) or contacts.get(family.pk)
        if not counts:
            # A family nobody belongs to and no contact names: nothing to keep.
            if not family.plans.exists():
                family.delete()
                continue
            counts = Counter(family.plans.values_list("drafted_by__provider_id", flat=True).exclude(drafted_by=None))
        if not counts:
            counts = Counter([apps.get_model("clients", "Provider").objects.order_by("pk").values_list("pk", flat=True)[0]])
        # The provider of most members; on a tie the one made first.
        family.provider_id = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[0][0]
        family.save(update_fields=["provider"])


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0004_nameword"),
        ("plans", "0003_contact_staff_family_date_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="family",
            name="provider",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="families",
                to="clients.provider",
                verbose_name="provider",
            ),
        ),
        migrations.RunPython(set_family_providers, migrations.RunPython.noop),
        # Unique within a provider from 0006 on; no longer across providers, so that 0004 of plans can split a family.
        migrations.AlterField(
            model_name="family",
            name="family_ref",
            field=models.CharField(
                db_index=True,
                max_length=50,
                validators=[
                    django.core.validators.RegexValidator(
                        "^[A-Za-z0-9_\\-./]+$", "Use only letters A–Z, digits and the signs _ - . /"
                    )
                ],
                verbose_name="family reference",
            ),
        ),
    ]
