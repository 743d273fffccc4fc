"""Which contacts, plans and tasks a user may see (who may change them: `accounts.capabilities`)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.apps import apps
from django.db import models

from audit.querysets import AuditedQuerySet
from clients.models import Client

from .choices import OPEN_TASK_STATUSES, ReferralStatus

if TYPE_CHECKING:
    from accounts.models import User


class ContactQuerySet(AuditedQuerySet):
    def for_user(self, user: User) -> ContactQuerySet:
        """Contacts that serve a client the user may see, delivered by the user's provider."""
        visible = Client.objects.for_user(user)
        if not user.is_authenticated or not getattr(user, "works_with_clients", False):
            return self.none()
        named = visible.filter(contacts=models.OuterRef("pk"))
        family = visible.filter(family_id=models.OuterRef("family_id"))
        return self.filter(provider_id=user.provider_id).filter(models.Exists(named) | models.Exists(family))

    def served_client_ids(self) -> models.QuerySet:
        """The ids of the persons these contacts served: those they name and every member of a family they name.

        The one definition of whom a contact serves (report-metrics.md, "Persons served"), used by the report
        figures and the home pages; the month rollups' triggers (reporting/migrations/0005) are its mirror in
        SQL, held to it by tests/reporting/test_rollups.py. A link `via_family` (a member who left the family
        since) is a link like any other here: the family's provider still served them.

        One uncorrelated set (a UNION), so that the database builds it once and joins the served clients to it,
        instead of probing every client of the database with EXISTS … OR EXISTS ….
        """
        contacts = self.order_by()
        links = apps.get_model("plans", "ContactClient")._default_manager  # plans.models imports this module
        # Index: the contacts' own filter (contact_provider_date_idx / contact_date_idx), then the link's unique
        # (contact, client).
        named = links.filter(contact__in=contacts.values("pk")).order_by().values("client_id")
        # Index: the client family FK.
        members = Client.objects.filter(family_id__in=contacts.filter(family__isnull=False).values("family_id"))
        return named.union(members.order_by().values("pk"))

    def serving(self, client: Client) -> ContactQuerySet:
        """The contacts that served the client, named or through their present family, by any provider.

        Only for a client already fetched through `Client.objects.for_user`: a client handed
        over to a new provider takes their history along, but not the contacts of a family they
        left (links `via_family`), which stay with that family's provider.
        """
        # A UNION of two indexed lookups, not one `client = … OR family = …` across the client link: no
        # index serves that OR, so it read every contact of the database. The UNION also counts a contact
        # naming the client and their family once.
        # Index: the client link's client FK; contact_family_date_idx.
        contacts = self.model._default_manager
        links = apps.get_model("plans", "ContactClient")._default_manager  # plans.models imports this module
        named = links.filter(client=client, via_family=False).order_by().values("contact_id")
        if client.family_id:
            named = named.union(contacts.filter(family_id=client.family_id).order_by().values("pk"))
        return self.filter(pk__in=named)


def _visible_subject(user: User, client_field: str, family_field: str) -> models.Q:
    """The plans (or tasks) of a client the user may see, or of a family with such a member."""
    visible = Client.objects.for_user(user)
    return models.Q(models.Exists(visible.filter(pk=models.OuterRef(client_field)))) | models.Q(
        models.Exists(visible.filter(family_id=models.OuterRef(family_field)))
    )


def _provider_subject(user: User, client_field: str, family_field: str) -> models.Q:
    own = Client.objects.filter(provider_id=user.provider_id or 0)  # for_user has made sure there is one
    return models.Q(models.Exists(own.filter(pk=models.OuterRef(client_field)))) | models.Q(
        models.Exists(own.filter(family_id=models.OuterRef(family_field)))
    )


class PlanQuerySet(AuditedQuerySet):
    def for_user(self, user: User) -> PlanQuerySet:
        """Social workers and managers: their provider's plans; mentors: plans of their clients
        and plans where they are responsible for a task; coordinators: none."""
        if not user.is_authenticated or not user.is_active or not getattr(user, "works_with_clients", False):
            return self.none()
        condition = _visible_subject(user, "client_id", "family_id")
        if user.is_mentor:
            # plans.models imports this module: the model is looked up, not imported.
            theirs = apps.get_model("plans", "Task").objects.filter(
                goal__plan=models.OuterRef("pk"), responsible__user=user
            )
            condition |= models.Q(models.Exists(theirs)) & _provider_subject(user, "client_id", "family_id")
        return self.filter(condition)


class TaskQuerySet(AuditedQuerySet):
    def for_user(self, user: User) -> TaskQuerySet:
        """Social workers and managers: their provider's tasks; mentors: the tasks of their clients'
        plans and the tasks they are responsible for within their provider; coordinators: none."""
        if not user.is_authenticated or not user.is_active or not getattr(user, "works_with_clients", False):
            return self.none()
        condition = _visible_subject(user, "goal__plan__client_id", "goal__plan__family_id")
        if user.is_mentor:
            condition |= models.Q(responsible__user=user) & _provider_subject(
                user, "goal__plan__client_id", "goal__plan__family_id"
            )
        return self.filter(condition)

    def open(self) -> TaskQuerySet:
        return self.filter(status__in=OPEN_TASK_STATUSES)


class InstitutionQuerySet(AuditedQuerySet):
    def for_user(self, user: User) -> InstitutionQuerySet:
        """The user's provider's catalogue: everyone who works with its clients picks from it; others none."""
        if not user.is_authenticated or not user.is_active or not getattr(user, "works_with_clients", False):
            return self.none()
        return self.filter(provider_id=user.provider_id)


class ReferralQuerySet(AuditedQuerySet):
    def for_user(self, user: User) -> ReferralQuerySet:
        """Referrals made by the user's provider for a client the user may see (a mentor: their assigned
        clients); coordinators none."""
        if not user.is_authenticated or not user.is_active or not getattr(user, "works_with_clients", False):
            return self.none()
        visible = Client.objects.for_user(user).filter(pk=models.OuterRef("client_id"))
        return self.filter(models.Exists(visible), provider_id=user.provider_id)

    def waiting(self, *, since: datetime.date) -> ReferralQuerySet:
        """Still `made` (no outcome yet) and made before `since`."""
        return self.filter(status=ReferralStatus.MADE, date__lt=since)


class GroupSessionQuerySet(AuditedQuerySet):
    def for_user(self, user: User) -> GroupSessionQuerySet:
        """The group sessions of the user's provider: all of them for social workers and managers; for a mentor
        those they ran and those with one of their assigned clients on the attendance list; coordinators none
        (an attendance list is persons' data)."""
        if not user.is_authenticated or not user.is_active or not getattr(user, "works_with_clients", False):
            return self.none()
        own = self.filter(contact__provider_id=user.provider_id)
        if user.is_mentor:
            # plans.models imports this module: the model is looked up, not imported.
            attendance = apps.get_model("plans", "GroupAttendance")._default_manager
            listed = attendance.filter(session_id=models.OuterRef("pk"), client__in=Client.objects.for_user(user))
            return own.filter(models.Q(contact__staff__user=user) | models.Exists(listed))
        return own
