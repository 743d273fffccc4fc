"""Who may see which reports: every reporting view, download and task goes through `for_user`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

from accounts.capabilities import can_read_reports
from audit.querysets import AuditedQuerySet

if TYPE_CHECKING:
    from accounts.models import User


class ReportJobQuerySet(models.QuerySet):
    def with_draft(self) -> ReportJobQuerySet:
        """`draft`: `ReportJob.is_draft` in SQL (the narrative copies are stored stripped, so blank is empty)."""
        unwritten = models.Q(narrative_thematic="") | models.Q(narrative_challenges="")
        draft = models.Q(provider__isnull=False, format="pdf") & unwritten
        return self.annotate(draft=models.ExpressionWrapper(draft, output_field=models.BooleanField()))

    def for_user(self, user: User) -> ReportJobQuerySet:
        if not can_read_reports(user):
            return self.none()
        if user.is_coordinator:
            return self.all()
        return self.filter(provider_id=user.provider_id)


class ReportNarrativeQuerySet(AuditedQuerySet):
    def for_user(self, user: User) -> ReportNarrativeQuerySet:
        if not can_read_reports(user):
            return self.none()
        if user.is_coordinator:
            return self.all()
        return self.filter(provider_id=user.provider_id)
