"""Proposal 5: two indexes on plans_contact, made on the benchmark database before the proposed measurements.

- (staff_id, date): the manager's month at a glance counts each staff member's contacts and
  minutes of the month with correlated subqueries (plans/selectors.py `month_at_a_glance`);
  the FK index on staff_id alone reads all of a staff member's contacts to keep the month's.
- (family_id, date): a family's latest contact (proposal 2) and the report's "contacts of a
  family in a month" probes read the family's contacts in date order.
In the application these are two `models.Index` entries in plans.models.Contact.Meta.indexes
(names e.g. contact_staff_date_idx, contact_family_date_idx) with a migration.
"""

INDEXES = {
    "bench_contact_staff_date_idx": "plans_contact (staff_id, date)",
    "bench_contact_family_date_idx": "plans_contact (family_id, date)",
}


def create(cursor) -> None:
    for name, target in INDEXES.items():
        cursor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")
    cursor.execute("ANALYZE plans_contact")
