"""Writes to client records: intake, edits, families, status and residence changes, hand-over, merge."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, UniqueConstraint
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.capabilities import (
    can_hand_over,
    can_merge,
    can_set_client_ref,
    can_write_client,
    can_write_family,
    can_write_records_of,
)

from .models import CaseEpisode, Client, Family, LegalStatusEntry, Provider, ProviderHandover, ResidenceEntry, Staff
from .selectors import client_ref_suggestion
from .signals import family_left

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

# The fields intake and the edit form may set; provider and histories change only through their own services,
# and the case's end only by closing it (plans/closure.py).
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
    "social_worker",
    "mentor",
    "languages",
    "latvian_level",
    "interpreter_needed",
    "interpreter_language",
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
    "latvian_level",
    "interpreter_needed",
    "interpreter_language",
)


# Intakes of one provider at the same moment may compute the same next reference; the unique constraint
# refuses the second, which tries the next number.
GENERATED_REF_ATTEMPTS = 3


def _require(allowed: bool) -> None:
    """A capability (`accounts.capabilities`) the user lacks: the view should not have called."""
    if not allowed:
        raise PermissionDenied


def _check_staff(client: Client) -> None:
    """Assigned staff must work for the client's provider, in the matching role; the family is the provider's."""
    for field, role in (("social_worker", "social_worker"), ("mentor", "mentor")):
        staff: Staff | None = getattr(client, field)
        if staff is not None and (staff.provider_id != client.provider_id or staff.role != role):
            raise ValidationError({field: _("Choose a staff member of this provider in that role.")})
    if client.family is not None and client.family.provider_id != client.provider_id:
        raise ValidationError({"family": _("Choose a family of this provider.")})


def _clean_unique_ref(obj: Client | Family, field: str) -> None:
    """full_clean() with the provider's reference clash told at the reference, not above the form."""
    try:
        obj.full_clean()
    except ValidationError as error:
        errors = error.update_error_dict({})
        for message in errors.pop("__all__", []):
            errors.setdefault(field, []).append(message)
        raise ValidationError(errors) from None


def free_ref(model: type[Client] | type[Family], provider: Provider, ref: str) -> str:
    """`ref` if the provider does not use it yet, else `ref-2`, `ref-3`, ... (a hand-over keeps references)."""
    field = "client_ref" if model is Client else "family_ref"
    taken = set(model.objects.filter(provider=provider, **{f"{field}__startswith": ref}).values_list(field, flat=True))
    candidate, number = ref, 1
    while candidate in taken:
        number += 1
        candidate = f"{ref[:45]}-{number}"
    return candidate


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
    _require(can_write_records_of(by, provider.pk))
    client = Client(provider=provider, **{k: v for k, v in data.items() if k in CLIENT_FIELDS})
    # The reference is generated (the next in the provider's pattern); only a manager chooses one.
    generated = not can_set_client_ref(by) or not client.client_ref
    _check_staff(client)
    for attempt in range(1, GENERATED_REF_ATTEMPTS + 1):
        if generated:
            client.client_ref = client_ref_suggestion(provider=provider)
        _clean_unique_ref(client, "client_ref")
        try:
            with transaction.atomic():
                client.save()
            break
        except IntegrityError:
            # Another intake of the provider took the same next number meanwhile: take the one after it.
            if not generated or attempt == GENERATED_REF_ATTEMPTS:
                raise
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


def _check_start_after_episodes(client: Client) -> None:
    """The current episode starts after the earlier ones ended (they never overlap), and not after it closed."""
    start = client.service_start
    if start is None:
        return
    if client.service_end is not None and start > client.service_end:
        raise ValidationError({"service_start": _("The service cannot start after the case was closed.")})
    last_end = CaseEpisode.objects.filter(client=client).aggregate(last=Max("service_end"))["last"]
    if last_end is not None and start <= last_end:
        raise ValidationError(
            {
                "service_start": _("The case starts after its previous episode ended (%(date)s).")
                % {"date": formats.date_format(last_end, "SHORT_DATE_FORMAT")}
            }
        )


@transaction.atomic
def client_update(*, client: Client, by: User, data: Mapping[str, Any]) -> Client:
    """Change the record's own fields; only the fields that differ from the stored row are written."""
    _require(can_write_client(by, client))
    # Compare with the stored row: a ModelForm has already copied its data onto `client`.
    stored = Client.objects.select_for_update().get(pk=client.pk)
    changed = []
    for field, value in data.items():
        if field == "client_ref" and not can_set_client_ref(by):
            continue  # only a manager changes the reference (the form shows it read-only to others)
        if field in CLIENT_FIELDS and getattr(stored, field) != value:
            setattr(stored, field, value)
            changed.append(field)
    if changed:
        _check_staff(stored)
        if "service_start" in changed:
            _check_start_after_episodes(stored)
        _clean_unique_ref(stored, "client_ref")
        stored.save(update_fields=[*changed, "updated_at"])
        logger.info("client %s updated by user %s: %s", stored.pk, by.pk, ", ".join(changed))
    return stored


@transaction.atomic
def legal_status_change(*, client: Client, by: User, legal_status: str, since: date) -> LegalStatusEntry:
    """Add a legal status to the history; earlier entries stay as they are."""
    _require(can_write_client(by, client))
    if LegalStatusEntry.objects.filter(client=client, since=since).exists():
        raise ValidationError({"since": _("There is already a legal status from this day.")})
    entry = LegalStatusEntry(client=client, legal_status=legal_status, since=since, recorded_by=by)
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def residence_change(*, client: Client, by: User, residence: str, since: date) -> ResidenceEntry:
    """Add a residence to the history; earlier entries stay as they are."""
    _require(can_write_client(by, client))
    if ResidenceEntry.objects.filter(client=client, since=since).exists():
        raise ValidationError({"since": _("There is already a residence from this day.")})
    entry = ResidenceEntry(client=client, residence=residence.strip(), since=since, recorded_by=by)
    entry.full_clean()
    entry.save()
    return entry


def _next_family_ref(provider: Provider) -> str:
    number = Family.objects.filter(provider=provider).count() + 1
    while Family.objects.filter(provider=provider, family_ref=f"{provider.code}-F{number:04d}").exists():
        number += 1
    return f"{provider.code}-F{number:04d}"


@transaction.atomic
def family_create(*, by: User, members: Iterable[Client], family_ref: str = "", name: str = "") -> Family:
    """Form a family of clients of the user's provider; the family is that provider's."""
    members = list(members)
    if not members:
        raise ValidationError({"members": _("A family needs at least one member.")})
    for member in members:
        _require(can_write_client(by, member))
    provider = members[0].provider
    family = Family(family_ref=family_ref or _next_family_ref(provider), name=name, provider=provider)
    _clean_unique_ref(family, "family_ref")
    family.save()
    Client.objects.filter(pk__in=[m.pk for m in members]).update(family=family)
    for member in members:
        member.family = family
    return family


@transaction.atomic
def family_add_member(*, family: Family, client: Client, by: User) -> Client:
    """Add a client to a family of their provider (a client belongs to one family at most)."""
    _require(can_write_client(by, client))
    _require(can_write_family(by, family))
    client.family = family
    client.save(update_fields=["family", "updated_at"])
    return client


def _hand_over_one(client: Client, to_provider: Provider, by: User, date: date) -> ProviderHandover:
    handover = ProviderHandover.objects.create(
        client=client, from_provider_id=client.provider_id, to_provider=to_provider, date=date, recorded_by=by
    )
    client.client_ref = free_ref(Client, to_provider, client.client_ref)
    client.provider = to_provider
    client.social_worker = None
    client.mentor = None
    client.save(update_fields=["client_ref", "provider", "family", "social_worker", "mentor", "updated_at"])
    return handover


def _leave_family(client: Client) -> None:
    """The client leaves their family; the apps above keep what served them through it (`signals.family_left`:
    the contacts app keeps the family's contacts so far serving the client)."""
    assert client.family is not None
    family_left.send(sender=Client, client=client, family=client.family)
    client.family = None


@transaction.atomic
def client_handover(
    *, client: Client, to_provider: Provider, by: User, date: date, with_family: bool = True
) -> list[ProviderHandover]:
    """Hand the client to another provider with the whole history; a family stays whole with one provider.

    `with_family`: every member of the client's family is handed over with them, and the family (its
    contacts and plans) becomes the new provider's. Otherwise the client leaves the family, which stays.
    Contacts keep their own provider, so the previous provider's reports keep its contacts. The assigned
    staff worked for the previous provider and are unassigned. References the new provider already uses
    get a suffix (`free_ref`).
    """
    _require(can_hand_over(by, client))
    if to_provider.pk == client.provider_id:
        raise ValidationError({"to_provider": _("Choose another provider.")})
    family = client.family
    if family is None or not with_family:
        if family is not None:
            _leave_family(client)
        handovers = [_hand_over_one(client, to_provider, by, date)]
    else:
        members = list(Client.objects.select_for_update().filter(family=family).order_by("pk"))
        handovers = [_hand_over_one(member, to_provider, by, date) for member in members]
        family.family_ref = free_ref(Family, to_provider, family.family_ref)
        family.provider = to_provider
        family.save(update_fields=["family_ref", "provider"])
    logger.info(
        "client %s handed over by user %s to provider %s (%d persons)", client.pk, by.pk, to_provider.pk, len(handovers)
    )
    return handovers


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
    _require(can_merge(by, keep))
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
            if not getattr(relation.field.remote_field, "through")._meta.auto_created:  # noqa: B009
                continue  # a through model of our own is moved as the model it is, below
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
            moved = related.filter(**{field_name: remove})
            # A row unique with the client (a contact's link to it) is not moved where `keep` has its twin;
            # it goes with `remove`.
            for constraint in relation.related_model._meta.constraints:
                if isinstance(constraint, UniqueConstraint) and field_name in constraint.fields:
                    for other in (f for f in constraint.fields if f != field_name):
                        moved = moved.exclude(**{f"{other}__in": related.filter(**{field_name: keep}).values(other)})
            moved.update(**{field_name: keep})
    changed = []
    for field in _MERGE_FILL_FIELDS:
        if getattr(keep, field) in (None, "") and getattr(remove, field) not in (None, ""):
            setattr(keep, field, getattr(remove, field))
            changed.append(field)
    # The person speaks the languages either record knew.
    languages = list(dict.fromkeys([*keep.languages, *remove.languages]))
    if languages != keep.languages:
        keep.languages = languages
        changed.append("languages")
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
