"""Who may see which rows: every view, export and task goes through `for_user`."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.apps import apps
from django.db import models

from audit.querysets import AuditedQuerySet

if TYPE_CHECKING:
    from accounts.models import User

    from .models import Client


class ClientQuerySet(AuditedQuerySet):
    def for_user(self, user: User) -> ClientQuerySet:
        """Social workers and managers: their provider's clients; mentors: assigned ones; else none."""
        if not user.is_authenticated or not user.is_active or not getattr(user, "works_with_clients", False):
            return self.none()
        if user.is_mentor:
            return self.filter(mentor__user=user, mentor__is_active=True, provider_id=user.provider_id)
        return self.filter(provider_id=user.provider_id)


class FamilyQuerySet(AuditedQuerySet):
    def for_user(self, user: User) -> FamilyQuerySet:
        """Social workers and managers: their provider's families; mentors: those with a member assigned to them.

        A family belongs to one provider (`Family.provider`); its members are that provider's clients.
        """
        if not user.is_authenticated or not user.is_active or not getattr(user, "works_with_clients", False):
            return self.none()
        own = self.filter(provider_id=user.provider_id)
        if user.is_mentor:
            clients = cast("type[Client]", apps.get_model("clients", "Client"))  # models.py imports this module
            visible = clients.objects.for_user(user).filter(family_id=models.OuterRef("pk"))
            return own.filter(models.Exists(visible))
        return own


class StaffQuerySet(AuditedQuerySet):
    def for_user(self, user: User) -> StaffQuerySet:
        if not user.is_authenticated or not user.is_active or not getattr(user, "works_with_clients", False):
            return self.none()
        return self.filter(provider_id=user.provider_id)
