"""The append-only guard of audit entries declared on the model with django-pgtrigger, replacing 0002's own SQL."""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0003_security_actions'),
    ]

    operations = [
        pgtrigger.migrations.AddTrigger(
            model_name='auditentry',
            trigger=pgtrigger.compiler.Trigger(name='append_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;", hash='ab24cb77a22d3160dc788fecde00a98236f14d09', operation='UPDATE OR DELETE', pgid='pgtrigger_append_only_6cfb3', table='audit_auditentry', when='BEFORE')),
        ),
        # The library's trigger is in place before 0002's goes: the table is never unguarded.
        migrations.RunSQL(
            "DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_auditentry;"
            " DROP FUNCTION IF EXISTS audit_entry_append_only();",
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
