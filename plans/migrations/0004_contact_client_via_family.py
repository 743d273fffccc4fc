"""The contact-client link as a model of its own, with `via_family`; contact references unique per provider.

The link keeps its table (`plans_contact_clients`, which the rollup triggers read); only a column is added.
Families whose members were split across providers by a hand-over (issue 15) are split too: the
members of another provider form a family of their own there, and the old family's contacts keep
serving them through `via_family` links, so that no report of the old provider changes.
"""

import django.db.models.deletion
from django.db import migrations, models


def split_families(apps, schema_editor):
    Family = apps.get_model("clients", "Family")
    Client = apps.get_model("clients", "Client")
    Contact = apps.get_model("plans", "Contact")
    ContactClient = apps.get_model("plans", "ContactClient")
    strays = Client.objects.filter(family__isnull=False).exclude(provider_id=models.F("family__provider_id"))
    for family_id, provider_id in sorted(set(strays.values_list("family_id", "provider_id"))):
        old = Family.objects.get(pk=family_id)
        new = Family.objects.create(family_ref=old.family_ref, name=old.name, provider_id=provider_id)
        moved = list(Client.objects.filter(family_id=family_id, provider_id=provider_id).values_list("pk", flat=True))
        contact_ids = list(Contact.objects.filter(family_id=family_id).values_list("pk", flat=True))
        linked = set(
            ContactClient.objects.filter(contact_id__in=contact_ids, client_id__in=moved).values_list(
                "contact_id", "client_id"
            )
        )
        ContactClient.objects.bulk_create(
            [
                ContactClient(contact_id=contact_id, client_id=client_id, via_family=True)
                for contact_id in contact_ids
                for client_id in moved
                if (contact_id, client_id) not in linked
            ],
            batch_size=1000,
        )
        Client.objects.filter(pk__in=moved).update(family=new)


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0005_family_provider"),
        ("plans", "0003_contact_staff_family_date_indexes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="contact",
            name="contact_ref",
            field=models.CharField(db_index=True, max_length=50, verbose_name="contact reference"),
        ),
        migrations.AddConstraint(
            model_name="contact",
            constraint=models.UniqueConstraint(fields=("provider", "contact_ref"), name="contact_ref_per_provider"),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ContactClient",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        (
                            "client",
                            models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="clients.client"),
                        ),
                        (
                            "contact",
                            models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="plans.contact"),
                        ),
                    ],
                    options={"db_table": "plans_contact_clients"},
                ),
                migrations.AlterField(
                    model_name="contact",
                    name="clients",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="contacts",
                        through="plans.ContactClient",
                        to="clients.client",
                        verbose_name="clients",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="contactclient",
                    constraint=models.UniqueConstraint(fields=("contact", "client"), name="contact_client_once"),
                ),
            ],
        ),
        migrations.AddField(
            model_name="contactclient",
            name="via_family",
            field=models.BooleanField(db_default=False, default=False),
        ),
        migrations.RunPython(split_families, migrations.RunPython.noop),
    ]
