"""What each role may do: one predicate per question a view, service or template asks.

The domain spec's table "Who may see what", written once. Views, services and templates
(`{% load capabilities %}`) ask these; nothing else compares a role. Which *rows* a user sees stays
with the querysets' `for_user(user)`, which ask the same role questions for their filters.

Every predicate is False for an anonymous or inactive user. Objects are read by their attributes
(`client.provider_id`), so this bottom layer imports no app above it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from .models import Role

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

    AnyUser = AbstractBaseUser | AnonymousUser


class OfProvider(Protocol):
    """A record that belongs to one provider: a client, a family."""

    @property
    def provider_id(self) -> int | None: ...


_WRITER_ROLES = (Role.SOCIAL_WORKER, Role.MANAGER)


def _role(user: AnyUser) -> str:
    """The user's role, or "" for anyone who cannot act (anonymous, inactive, no role)."""
    if not user.is_authenticated or not user.is_active:
        return ""
    return str(getattr(user, "role", "") or "")


def _provider_id(user: AnyUser) -> int | None:
    return getattr(user, "provider_id", None)


def _of_provider(user: AnyUser, *roles: str) -> bool:
    """The user has one of `roles` and works for a provider."""
    return _role(user) in roles and _provider_id(user) is not None


def _own(user: AnyUser, provider_id: int | None) -> bool:
    return provider_id is not None and provider_id == _provider_id(user)


# Clients and families ----------------------------------------------------------------------------


def works_with_clients(user: AnyUser) -> bool:
    """Social workers, mentors and managers of a provider have the client pages; coordinators never do.

    The rule is the user's one-row property (`User.works_with_clients`), which the querysets' `for_user` read too.
    """
    return bool(_role(user)) and bool(getattr(user, "works_with_clients", False))


def can_read_provider_clients(user: AnyUser) -> bool:
    """Social workers and managers read every client and family of their provider."""
    return _of_provider(user, *_WRITER_ROLES)


def sees_assigned_clients_only(user: AnyUser) -> bool:
    """Mentors read only the clients assigned to them ("My clients")."""
    return _of_provider(user, Role.MENTOR)


def can_write_clients(user: AnyUser) -> bool:
    """Social workers and managers take clients in, form families and change records (their provider's)."""
    return _of_provider(user, *_WRITER_ROLES)


def can_write_records_of(user: AnyUser, provider_id: int | None) -> bool:
    """May the user write the client records of this provider (only their own)?"""
    return can_write_clients(user) and _own(user, provider_id)


def can_write_client(user: AnyUser, client: OfProvider) -> bool:
    return can_write_records_of(user, client.provider_id)


def can_write_family(user: AnyUser, family: OfProvider) -> bool:
    return can_write_records_of(user, family.provider_id)


def can_set_client_ref(user: AnyUser) -> bool:
    """The provider's manager sets a client's reference; for anyone else it is generated, and shown read-only."""
    return _of_provider(user, Role.MANAGER)


def can_close_case(user: AnyUser, client: OfProvider) -> bool:
    """The provider's social workers and managers close a client's case, reopen it and mark its follow-up done;
    mentors and coordinators never (casework.md "Closing and reopening a case")."""
    return can_write_client(user, client)


def can_hand_over(user: AnyUser, client: OfProvider) -> bool:
    """The provider's manager hands its client (with the family) over to another provider."""
    return _of_provider(user, Role.MANAGER) and _own(user, client.provider_id)


def can_merge(user: AnyUser, client: OfProvider) -> bool:
    """The provider's manager merges two records of its client."""
    return _of_provider(user, Role.MANAGER) and _own(user, client.provider_id)


def can_manage_privacy(user: AnyUser) -> bool:
    """The data subject's rights (a person's export, anonymisation) are the provider manager's."""
    return _of_provider(user, Role.MANAGER)


def can_import(user: AnyUser) -> bool:
    """A provider's manager imports records of the exchange format into their provider."""
    return _of_provider(user, Role.MANAGER)


def can_export(user: AnyUser) -> bool:
    """A provider's manager exports their provider's records in the exchange format."""
    return _of_provider(user, Role.MANAGER)


def _assigned_mentor(user: AnyUser, client: OfProvider) -> bool:
    """The user is the client's mentor (their active staff record of the client's provider).

    Reads `user.staff` (one query, then cached on the user).
    """
    if not (_of_provider(user, Role.MENTOR) and _own(user, client.provider_id)):
        return False
    staff = getattr(user, "staff", None)  # a missing one-to-one row raises an AttributeError subclass
    return staff is not None and staff.is_active and staff.pk == getattr(client, "mentor_id", None)


def can_read_documents(user: AnyUser, client: OfProvider) -> bool:
    """A client's documents (casework.md "Documents"): the social workers and managers of the client's provider,
    and the client's own mentor; never a coordinator, nor a mentor for a client not assigned to them."""
    return can_write_client(user, client) or _assigned_mentor(user, client)


def can_upload_documents(user: AnyUser, client: OfProvider) -> bool:
    """Whoever reads a client's documents adds to them: a mentor photographs a residence permit on a visit."""
    return can_read_documents(user, client)


def can_delete_documents(user: AnyUser, client: OfProvider) -> bool:
    """The social workers and managers of the client's provider remove a document; a mentor does not."""
    return can_write_client(user, client)


# Plans and contacts ------------------------------------------------------------------------------


def can_edit_plans(user: AnyUser) -> bool:
    """Social workers and managers draft and change plans, goals and tasks; mentors only update tasks."""
    return _of_provider(user, *_WRITER_ROLES)


def can_review_plans(user: AnyUser) -> bool:
    """Social workers and managers set goals' outcomes and review plans; mentors read them, coordinators never."""
    return can_edit_plans(user)


def can_assess(user: AnyUser, client: OfProvider) -> bool:
    """Self-sufficiency assessments of their provider's clients: social workers and managers record them (as they
    write the client's record) while the case is open (the closure assessment is part of closing it); mentors read
    them on the client page, coordinators never see them."""
    return can_write_client(user, client) and getattr(client, "service_end", None) is None


def can_log_contact(user: AnyUser) -> bool:
    """A contact is delivered by a staff member: the user's own active staff record of their provider.

    Reads `user.staff` (one query, then cached on the user).
    """
    if not works_with_clients(user):
        return False
    staff = getattr(user, "staff", None)  # a missing one-to-one row raises an AttributeError subclass
    return staff is not None and staff.is_active and staff.provider_id == _provider_id(user)


# Referrals ---------------------------------------------------------------------------------------


def can_refer(user: AnyUser) -> bool:
    """A referral is made by a staff member and belongs to them (casework.md "Referrals"): social workers and
    mentors refer as themselves, for the clients they may see (a mentor: their assigned clients only), as a
    manager with a staff record does; a manager without one records the referral naming which of their
    provider's staff made it (`refers_naming_staff`). Any of them records the outcome
    (`can_record_referral_outcome`), not only its maker. Coordinators never.
    """
    return can_log_contact(user) or refers_naming_staff(user)


def refers_naming_staff(user: AnyUser) -> bool:
    """A provider's manager without an active staff record of their own chooses the staff member who made a
    referral (from their provider's staff); everyone else who refers is the one who made it.

    Reads `user.staff` (one query, then cached on the user).
    """
    return _of_provider(user, Role.MANAGER) and not can_log_contact(user)


def can_record_referral_outcome(user: AnyUser, referral: OfProvider) -> bool:
    """The outcome of one of their provider's referrals, for a client they may see (the row's `for_user`)."""
    return can_refer(user) and _own(user, referral.provider_id)


def can_manage_institutions(user: AnyUser) -> bool:
    """The provider's managers keep its catalogue of named institutions."""
    return _of_provider(user, Role.MANAGER)


# Group sessions ----------------------------------------------------------------------------------


def can_record_group_sessions(user: AnyUser) -> bool:
    """A group session (casework.md "Group sessions") is a contact of form `group`: run by the user's own active
    staff record, as any contact is (social workers, mentors, a manager with a staff record)."""
    return can_log_contact(user)


def can_read_group_sessions(user: AnyUser) -> bool:
    """Social workers and managers list their provider's group sessions, a mentor those they ran or with one of
    their assigned clients listed; coordinators never (an attendance list names persons)."""
    return works_with_clients(user)


def may_list_in_group_session(staff: Any, client: Any) -> bool:
    """Whom a staff member may put on a session's attendance list: their provider's clients, and a mentor only
    the clients assigned to them (domain.md: a mentor reads and serves their assigned clients only)."""
    if staff.provider_id is None or client.provider_id != staff.provider_id:
        return False
    return staff.role != Role.MENTOR or client.mentor_id == staff.pk


def can_correct_group_session(user: AnyUser, session: Any) -> bool:
    """The attendance of one of their provider's sessions is corrected by whoever ran it, or by the provider's
    social workers and managers (`session.contact` with its staff)."""
    contact = session.contact
    if not works_with_clients(user) or not _own(user, contact.provider_id):
        return False
    return contact.staff.user_id == getattr(user, "pk", None) or _of_provider(user, *_WRITER_ROLES)


# Consents ----------------------------------------------------------------------------------------


def can_manage_consents(user: AnyUser, client: OfProvider) -> bool:
    """Consents (casework.md "Consent") of their provider's clients: social workers and managers record and
    withdraw them, as they write the client's record; mentors read their assigned clients' on the client page (a
    referral of theirs relies on them), coordinators never see them."""
    return can_write_client(user, client)


def records_naming_staff(user: AnyUser) -> bool:
    """A user without an active staff record of their provider (a manager without one) names which of their
    provider's staff recorded a consent; everyone else who records one is its recorder.

    Reads `user.staff` (one query, then cached on the user).
    """
    return can_write_clients(user) and not can_log_contact(user)


# Reports -----------------------------------------------------------------------------------------


def can_read_reports(user: AnyUser) -> bool:
    """Managers and social workers read their provider's reports; coordinators read all; mentors none."""
    return _role(user) == Role.COORDINATOR or _of_provider(user, *_WRITER_ROLES)


def can_report_on_all_providers(user: AnyUser) -> bool:
    """Fund coordinators read the reports of every provider and of all of them together."""
    return _role(user) == Role.COORDINATOR


def can_report_on(user: AnyUser, provider_id: int | None) -> bool:
    """May the user read the reports of this provider (None: all providers together)?"""
    if not can_read_reports(user):
        return False
    return can_report_on_all_providers(user) or _own(user, provider_id)


def can_compare_providers(user: AnyUser) -> bool:
    """The providers' figures side by side (issue 21): whoever reads every provider's reports, the fund's
    coordinators. A manager or social worker reads their own provider's report only, which compares nothing."""
    return can_report_on_all_providers(user)


def can_make_reports(user: AnyUser) -> bool:
    """Managers (their provider) and coordinators (any) ask for report files; social workers only read."""
    return _role(user) == Role.COORDINATOR or _of_provider(user, Role.MANAGER)


def can_write_narrative(user: AnyUser) -> bool:
    """The manager writes the text sections of their provider's report."""
    return _of_provider(user, Role.MANAGER)


# The organisation --------------------------------------------------------------------------------


def can_read_audit(user: AnyUser) -> bool:
    """A provider's manager browses the audit entries of their provider."""
    return _of_provider(user, Role.MANAGER)


def can_manage_staff_accounts(user: AnyUser) -> bool:
    """A manager looks after the sign-in of their provider's people; the admin after everyone's."""
    if not user.is_authenticated or not user.is_active:
        return False
    return bool(getattr(user, "is_superuser", False)) or _of_provider(user, Role.MANAGER)


def can_read_staff_caseloads(user: AnyUser) -> bool:
    """A provider's manager opens each of their staff's caseload and open tasks (the month at a glance)."""
    return _of_provider(user, Role.MANAGER)


# For templates: `{% load capabilities %}`, `user|can:"import"`, `{% can user "hand_over" client as x %}`.

USER_CAPABILITIES: dict[str, Callable[[Any], bool]] = {
    "works_with_clients": works_with_clients,
    "read_provider_clients": can_read_provider_clients,
    "see_assigned_clients_only": sees_assigned_clients_only,
    "write_clients": can_write_clients,
    "set_client_ref": can_set_client_ref,
    "manage_privacy": can_manage_privacy,
    "import": can_import,
    "export": can_export,
    "edit_plans": can_edit_plans,
    "review_plans": can_review_plans,
    "log_contact": can_log_contact,
    "refer": can_refer,
    "record_group_sessions": can_record_group_sessions,
    "read_group_sessions": can_read_group_sessions,
    "manage_institutions": can_manage_institutions,
    "read_reports": can_read_reports,
    "report_on_all_providers": can_report_on_all_providers,
    "compare_providers": can_compare_providers,
    "make_reports": can_make_reports,
    "write_narrative": can_write_narrative,
    "read_audit": can_read_audit,
    "manage_staff_accounts": can_manage_staff_accounts,
    "read_staff_caseloads": can_read_staff_caseloads,
}

OBJECT_CAPABILITIES: dict[str, Callable[[Any, Any], bool]] = {
    "write_client": can_write_client,
    "write_family": can_write_family,
    "hand_over": can_hand_over,
    "close_case": can_close_case,
    "merge": can_merge,
    "record_referral_outcome": can_record_referral_outcome,
    "assess": can_assess,
    "correct_group_session": can_correct_group_session,
    "manage_consents": can_manage_consents,
    "read_documents": can_read_documents,
    "upload_documents": can_upload_documents,
    "delete_documents": can_delete_documents,
}
