"""Names in Latvian alphabetical order: the SQL function (kept as written in sql/), then the orderings and index."""

import clients.models
from pathlib import Path

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('clients', '0006_references_per_provider'),
    ]

    operations = [
        migrations.RunSQL(
            (Path(__file__).resolve().parent / "sql" / "0007_latvian_name_order.sql").read_text(encoding="utf-8"),
            "DROP FUNCTION IF EXISTS latvian_sort_key(text);",
        ),
        migrations.AlterModelOptions(
            name='client',
            options={'ordering': [clients.models.LatvianSortKey('last_name'), clients.models.LatvianSortKey('first_name'), 'last_name', 'first_name', 'client_ref'], 'verbose_name': 'client', 'verbose_name_plural': 'clients'},
        ),
        migrations.AlterModelOptions(
            name='staff',
            options={'ordering': [clients.models.LatvianSortKey('last_name'), clients.models.LatvianSortKey('first_name'), 'last_name', 'first_name'], 'verbose_name': 'staff member', 'verbose_name_plural': 'staff'},
        ),
        migrations.RemoveIndex(
            model_name='client',
            name='client_provider_name_idx',
        ),
        migrations.AddIndex(
            model_name='client',
            index=models.Index(models.F('provider'), clients.models.LatvianSortKey('last_name'), clients.models.LatvianSortKey('first_name'), name='client_provider_lv_name_idx'),
        ),
    ]
