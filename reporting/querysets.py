"""Who may see which reports: every reporting view, download and task goes through `for_user`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

if TYPE_CHECKING:
    from accounts.models import User


def can_read_reports(user: Any) -> bool:
    """Managers and social workers read their provider's reports; coordinators read all; mentors none."""
    if not user.is_authenticated or not user.is_active:
        return False
    if getattr(user, "is_coordinator", False):
        return True
    return (getattr(user, "is_manager", False) or getattr(user, "is_social_worker", False)) and bool(user.provider_id)


def can_make_reports(user: Any) -> bool:
    """Managers (their provider) and coordinators (any) ask for report files; social workers only read."""
    return can_read_reports(user) and (user.is_manager or user.is_coordinator)


def can_read_provider(user: Any, provider_id: int | None) -> bool:
    """May the user read the reports of this provider (None: all providers)?"""
    if not can_read_reports(user):
        return False
    if user.is_coordinator:
        return True
    return provider_id is not None and provider_id == user.provider_id


class ReportJobQuerySet(models.QuerySet):
    def for_user(self, user: User) -> ReportJobQuerySet:
        if not can_read_reports(user):
            return self.none()
        if user.is_coordinator:
            return self.all()
        return self.filter(provider_id=user.provider_id)


class ReportNarrativeQuerySet(models.QuerySet):
    def for_user(self, user: User) -> ReportNarrativeQuerySet:
        if not can_read_reports(user):
            return self.none()
        if user.is_coordinator:
            return self.all()
        return self.filter(provider_id=user.provider_id)
