"""The words of clients' names (`NameWord`), kept by triggers, and a GIN index of each name's words.

The client list's search (clients/filters.py) compares the searched words with the distinct words of
names in Python, then asks the database for the names having the words found. Triggers rather than
save(), so that bulk inserts, COPY and queryset updates add their words as well: statement-level
triggers over the transition tables (a COPY of many rows adds its words in one statement). Words are
never removed: a word no name has any more matches nobody.
"""

from django.db import migrations, models

# The search's condition must be this very expression for PostgreSQL to use the index (`HasNameWord`).
# ANALYZE: the planner's statistics of an indexed expression are gathered only then.
PG_INDEX = """
CREATE INDEX client_name_words_idx ON clients_client USING gin ((string_to_array(name_key, ' ')));
ANALYZE clients_client;
"""

# Sorted, so that two transactions adding the same new words wait for each other rather than deadlock.
PG_FUNCTION = """
CREATE OR REPLACE FUNCTION clients_name_words_add() RETURNS trigger AS $$
BEGIN
    INSERT INTO clients_nameword (word)
    SELECT DISTINCT w.word
    FROM new_rows r CROSS JOIN LATERAL unnest(string_to_array(r.name_key, ' ')) AS w(word)
    WHERE w.word <> '' AND NOT EXISTS (SELECT FROM clients_nameword k WHERE k.word = w.word)
    ORDER BY w.word
    ON CONFLICT (word) DO NOTHING;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER clients_name_words_ins AFTER INSERT ON clients_client REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION clients_name_words_add();
CREATE TRIGGER clients_name_words_upd AFTER UPDATE ON clients_client REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION clients_name_words_add();
"""

PG_FILL = """
INSERT INTO clients_nameword (word)
SELECT DISTINCT w.word FROM clients_client c CROSS JOIN LATERAL unnest(string_to_array(c.name_key, ' ')) AS w(word)
WHERE w.word <> '' ON CONFLICT (word) DO NOTHING;
"""

PG_DROP = """
DROP TRIGGER IF EXISTS clients_name_words_ins ON clients_client;
DROP TRIGGER IF EXISTS clients_name_words_upd ON clients_client;
DROP FUNCTION IF EXISTS clients_name_words_add();
DROP INDEX IF EXISTS client_name_words_idx;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0003_client_anonymised_at"),
    ]

    operations = [
        migrations.CreateModel(
            name="NameWord",
            fields=[
                ("word", models.CharField(max_length=250, primary_key=True, serialize=False)),
            ],
        ),
        migrations.RunSQL([PG_FUNCTION, PG_FILL, PG_INDEX], PG_DROP),
    ]
