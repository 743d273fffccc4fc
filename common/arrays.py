"""`column = ANY(ARRAY(subquery))`: a condition PostgreSQL can answer from the column's index.

A subquery under `IN (...)` or `EXISTS (...)` that is ORed with another condition is tested row by row (a hashed
SubPlan over every candidate row); `ARRAY(subquery)` is computed once, before the scan (an InitPlan), and
`column = ANY(that array)` is an index condition, so two of them ORed become a BitmapOr of two index scans.
Used where a list is "the rows of the user's own clients" (`plans.selectors.my_tasks`).
"""

from __future__ import annotations

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import F, Lookup, QuerySet


class EqualsAny(Lookup):
    """`lhs = ANY(rhs)`, rhs an array expression."""

    lookup_name = "equals_any"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]


def in_array_of(column: str, values: QuerySet) -> EqualsAny:
    """`column = ANY(ARRAY(values))`; `values` a one-column queryset (`.values("pk")`)."""
    return EqualsAny(F(column), ArraySubquery(values))
