"""Writes to client records: intake, edits, families, status and residence changes, hand-over, merge."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Client, Family, LegalStatusEntry, Provider, ProviderHandover, ResidenceEntry, Staff

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

# The fields intake and the edit form may set; provider and histories change only through their own services.
CLIENT_FIELDS = (
    "client_ref",
    "first_name",
    "last_name",
    "gender",
    "birth_date",
    "country",
    "family",
    "arrival_route",
    "service_start",
    "service_end",
    "social_worker",
    "mentor",
)

# Blank fields of the kept record that a merge fills from the removed one.
_MERGE_FILL_FIELDS = (
    "gender",
    "birth_date",
    "country",
    "family",
    "arrival_route",
    "social_worker",
    "mentor",
)


def _require_writer(user: User, provider_id: int | None) -> None:
    """Social workers and managers write their own provider's records; nobody else does."""
    if not (user.is_social_worker or user.is_manager) or provider_id is None or user.provider_id != provider_id:
        raise PermissionDenied


def _require_manager(user: User, provider_id: int | None) -> None:
    if not user.is_manager or provider_id is None or user.provider_id != provider_id:
        raise PermissionDenied


def _check_staff(client: Client) -> None:
    """Assigned staff must work for the client's provider, in the matching role."""
    for field, role in (("social_worker", "social_worker"), ("mentor", "mentor")):
        staff: Staff | None = getattr(client, field)
        if staff is not None and (staff.provider_id != client.provider_id or staff.role != role):
            raise ValidationError({field: _("Choose a staff member of this provider in that role.")})


@transaction.atomic
def client_create(
    *,
    by: User,
    provider: Provider,
    data: Mapping[str, Any],
    legal_status: str = "",
    legal_status_since: date | None = None,
    residence: str = "",
    residence_since: date | None = None,
) -> Client:
    """Open a new client's record, with the first legal status and residence when known."""
    _require_writer(by, provider.pk)
    client = Client(provider=provider, **{k: v for k, v in data.items() if k in CLIENT_FIELDS})
    _check_staff(client)
    client.full_clean()
    client.save()
    start = client.service_start or timezone.localdate()
    if legal_status:
        LegalStatusEntry.objects.create(
            client=client, legal_status=legal_status, since=legal_status_since or start, recorded_by=by
        )
    if residence:
        ResidenceEntry.objects.create(
            client=client, residence=residence, since=residence_since or start, recorded_by=by
        )
    logger.info("client %s created by user %s", client.pk, by.pk)
    return client


@transaction.atomic
def client_update(*, client: Client, by: User, data: Mapping[str, Any]) -> Client:
    """Change the record's own fields; only the fields that differ from the stored row are written."""
    _require_writer(by, client.provider_id)
    # Compare with the stored row: a ModelForm has already copied its data onto `client`.
    stored = Client.objects.select_for_update().get(pk=client.pk)
    changed = []
    for field, value in data.items():
        if field in CLIENT_FIELDS and getattr(stored, field) != value:
            setattr(stored, field, value)
            changed.append(field)
    if changed:
        _check_staff(stored)
        stored.full_clean()
        stored.save(update_fields=[*changed, "updated_at"])
        logger.info("client %s updated by user %s: %s", stored.pk, by.pk, ", ".join(changed))
    return stored


@transaction.atomic
def legal_status_change(*, client: Client, by: User, legal_status: str, since: date) -> LegalStatusEntry:
    """Add a legal status to the history; earlier entries stay as they are."""
    _require_writer(by, client.provider_id)
    if LegalStatusEntry.objects.filter(client=client, since=since).exists():
        raise ValidationError({"since": _("There is already a legal status from this day.")})
    entry = LegalStatusEntry(client=client, legal_status=legal_status, since=since, recorded_by=by)
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def residence_change(*, client: Client, by: User, residence: str, since: date) -> ResidenceEntry:
    """Add a residence to the history; earlier entries stay as they are."""
    _require_writer(by, client.provider_id)
    if ResidenceEntry.objects.filter(client=client, since=since).exists():
        raise ValidationError({"since": _("There is already a residence from this day.")})
    entry = ResidenceEntry(client=client, residence=residence.strip(), since=since, recorded_by=by)
    entry.full_clean()
    entry.save()
    return entry


def _next_family_ref(provider: Provider) -> str:
    number = Family.objects.count() + 1
    while Family.objects.filter(family_ref=f"{provider.code}-F{number:04d}").exists():
        number += 1
    return f"{provider.code}-F{number:04d}"


@transaction.atomic
def family_create(*, by: User, members: Iterable[Client], family_ref: str = "", name: str = "") -> Family:
    """Form a family of clients of the user's provider (a family is visible through its members)."""
    members = list(members)
    if not members:
        raise ValidationError({"members": _("A family needs at least one member.")})
    for member in members:
        _require_writer(by, member.provider_id)
    provider = members[0].provider
    family = Family(family_ref=family_ref or _next_family_ref(provider), name=name)
    family.full_clean()
    family.save()
    Client.objects.filter(pk__in=[m.pk for m in members]).update(family=family)
    for member in members:
        member.family = family
    return family


@transaction.atomic
def family_add_member(*, family: Family, client: Client, by: User) -> Client:
    """Add a client to a family (a client belongs to one family at most)."""
    _require_writer(by, client.provider_id)
    client.family = family
    client.save(update_fields=["family", "updated_at"])
    return client


@transaction.atomic
def client_handover(*, client: Client, to_provider: Provider, by: User, date: date) -> ProviderHandover:
    """Hand the client to another provider with the whole history.

    Contacts keep their own provider, so the previous provider's reports keep its contacts.
    The assigned staff worked for the previous provider and are unassigned.
    """
    _require_manager(by, client.provider_id)
    if to_provider.pk == client.provider_id:
        raise ValidationError({"to_provider": _("Choose another provider.")})
    handover = ProviderHandover.objects.create(
        client=client, from_provider_id=client.provider_id, to_provider=to_provider, date=date, recorded_by=by
    )
    client.provider = to_provider
    client.social_worker = None
    client.mentor = None
    client.save(update_fields=["provider", "social_worker", "mentor", "updated_at"])
    logger.info("client %s handed over by user %s to provider %s", client.pk, by.pk, to_provider.pk)
    return handover


def _move_dated_history(model: type[LegalStatusEntry] | type[ResidenceEntry], keep: Client, remove: Client) -> None:
    """Move entries of `remove` to `keep`; the same entry on the same day is kept once."""
    value_field = "legal_status" if model is LegalStatusEntry else "residence"
    kept = {e.since: getattr(e, value_field) for e in model.objects.filter(client=keep)}
    for entry in model.objects.filter(client=remove):
        if entry.since not in kept:
            continue
        if kept[entry.since] != getattr(entry, value_field):
            raise ValidationError(
                _("Both records have a different %(what)s from %(day)s; correct one of them first.")
                % {"what": model._meta.verbose_name, "day": entry.since.isoformat()}
            )
        entry.delete()
    model.objects.filter(client=remove).update(client=keep)


@transaction.atomic
def client_merge(*, keep: Client, remove: Client, by: User) -> Client:
    """Merge two records of the same person: everything of `remove` moves to `keep`, then it is deleted.

    Contacts, plans and any other record that points at a client are moved generically, through
    the client's related objects, so that apps added later are merged too.
    """
    _require_manager(by, keep.provider_id)
    if keep.pk == remove.pk:
        raise ValidationError(_("Choose two different records."))
    if remove.provider_id != keep.provider_id:
        raise ValidationError(_("Only records of the same provider can be merged."))
    # Lock both rows so that nothing else writes to them meanwhile.
    list(Client.objects.select_for_update().filter(pk__in=[keep.pk, remove.pk]))
    _move_dated_history(LegalStatusEntry, keep, remove)
    _move_dated_history(ResidenceEntry, keep, remove)
    for relation in Client._meta.related_objects:
        if relation.related_model in (LegalStatusEntry, ResidenceEntry):
            continue
        field_name = relation.field.name
        related = relation.related_model._default_manager
        if relation.many_to_many:
            for obj in related.filter(**{field_name: remove}).exclude(**{field_name: keep}):
                getattr(obj, field_name).add(keep)
        elif relation.one_to_one:
            if related.filter(**{field_name: keep}).exists():
                raise ValidationError(
                    _("Both records have a %(what)s; remove one of them first.")
                    % {"what": relation.related_model._meta.verbose_name}
                )
            related.filter(**{field_name: remove}).update(**{field_name: keep})
        else:
            related.filter(**{field_name: remove}).update(**{field_name: keep})
    changed = []
    for field in _MERGE_FILL_FIELDS:
        if getattr(keep, field) in (None, "") and getattr(remove, field) not in (None, ""):
            setattr(keep, field, getattr(remove, field))
            changed.append(field)
    # The case opened when the first of the two records did.
    if remove.service_start and (keep.service_start is None or remove.service_start < keep.service_start):
        keep.service_start = remove.service_start
        changed.append("service_start")
    removed_ref = remove.client_ref
    remove.delete()
    if changed:
        keep.save(update_fields=[*set(changed), "updated_at"])
    logger.info("client %s merged into %s by user %s", removed_ref, keep.pk, by.pk)
    return keep
