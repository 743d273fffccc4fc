"""Which contacts, plans and tasks a user may see."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from accounts.models import User


class ContactQuerySet(models.QuerySet):
    def for_user(self, user: User) -> ContactQuerySet:
        """Contacts that serve a client the user may see, delivered by the user's provider."""
        from clients.models import Client

        visible = Client.objects.for_user(user)
        if not user.is_authenticated or not getattr(user, "works_with_clients", False):
            return self.none()
        named = visible.filter(contacts=models.OuterRef("pk"))
        family = visible.filter(family_id=models.OuterRef("family_id"))
        return self.filter(provider_id=user.provider_id).filter(models.Exists(named) | models.Exists(family))
