"""Reads of client records: the client list, possible duplicates, one client with its histories."""

from __future__ import annotations

import re
from datetime import date, timedelta
from difflib import SequenceMatcher
from typing import TYPE_CHECKING, Any, cast

from django.db.models import BigIntegerField, Exists, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Cast, Substr
from django.http import Http404
from django.utils import timezone

from accounts.capabilities import can_read_documents

from .choices import StaffRole
from .models import (
    Client,
    Consent,
    Document,
    Family,
    LegalStatusEntry,
    Provider,
    ProviderHandover,
    ResidenceEntry,
    Staff,
    by_name,
    name_key,
    person_match_hash,
)

if TYPE_CHECKING:
    from accounts.models import User

# Two words of a name key at least this similar (difflib's ratio) are the same word written
# differently: "muhamad" / "muhamid" (Muhammad / Mohammed) are 0.86, "rania" / "rami" only 0.67.
WORD_SIMILARITY = 0.8
# Shorter words must be equal: "nur" and "umar" are two people.
SHORTEST_FUZZY_WORD = 4


def _latest(model: type[LegalStatusEntry] | type[ResidenceEntry], field: str) -> Subquery:
    return Subquery(model.objects.filter(client=OuterRef("pk")).order_by("-since").values(field)[:1])


def client_list(*, user: User) -> QuerySet[Client]:
    """The user's visible clients with their current legal status and residence, in one query."""
    visible = cast("QuerySet[Client]", Client.objects.for_user(user))
    return (
        visible.select_related("family", "social_worker", "mentor")
        .annotate(
            current_legal_status=_latest(LegalStatusEntry, "legal_status"),
            current_residence=_latest(ResidenceEntry, "residence"),
        )
        .order_by(*by_name(), "client_ref")
    )


def _get_client_for_user(user: User, pk: int) -> Client:
    """The client if the user may see them (with the family); 404 otherwise, never telling whether they exist."""
    try:
        return Client.objects.for_user(user).select_related("family").get(pk=pk)
    except Client.DoesNotExist:
        raise Http404 from None


def _get_family_for_user(user: User, pk: int) -> Family:
    """The family if the user may see it; 404 otherwise."""
    try:
        return Family.objects.for_user(user).get(pk=pk)
    except Family.DoesNotExist:
        raise Http404 from None


def client_detail(*, user: User, pk: int) -> Client | None:
    """One visible client with its family, histories and hand-overs, or None."""
    return (
        Client.objects.for_user(user)
        .select_related("family", "social_worker", "mentor", "provider")
        .prefetch_related(
            Prefetch("legal_statuses", queryset=LegalStatusEntry.objects.select_related("recorded_by")),
            Prefetch("residences", queryset=ResidenceEntry.objects.select_related("recorded_by")),
            Prefetch(
                "handovers",
                queryset=ProviderHandover.objects.select_related("from_provider", "to_provider", "recorded_by"),
            ),
        )
        .filter(pk=pk)
        .first()
    )


def family_members(*, user: User, family: Family) -> QuerySet[Client]:
    """The members of a family that the user may see (members handed to another provider are not shown)."""
    return client_list(user=user).filter(family=family)


def family_list(*, user: User) -> QuerySet[Family]:
    return Family.objects.for_user(user).prefetch_related(
        Prefetch("members", queryset=Client.objects.for_user(user).order_by(*by_name()))
    )


def similar_words(a: str, b: str) -> bool:
    if a == b:
        return True
    if min(len(a), len(b)) < SHORTEST_FUZZY_WORD:
        return False
    return SequenceMatcher(None, a, b).ratio() >= WORD_SIMILARITY


def similar_names(key_a: str, key_b: str) -> bool:
    """Whether two name keys (see `models.name_key`) look like the same name.

    Word by word, so that family members ("Nour Haddad", "Omar Haddad") are not taken for one
    person: every word of the shorter name must be like a different word of the longer one.
    """
    words_a, words_b = key_a.split(), key_b.split()
    if not words_a or not words_b:
        return False
    shorter, longer = sorted((words_a, words_b), key=len)
    unmatched = list(longer)
    for word in shorter:
        match = next((other for other in unmatched if similar_words(word, other)), None)
        if match is None:
            return False
        unmatched.remove(match)
    return True


def client_duplicates(
    *,
    user: User,
    first_name: str,
    last_name: str,
    birth_date: date | None = None,
    country: str = "",
    exclude_pk: int | None = None,
) -> list[Client]:
    """The user's visible clients with a similar name and the same birth date or the same country."""
    same = Q()
    if birth_date:
        same |= Q(birth_date=birth_date)
    if country:
        same |= Q(country=country)
    if not same:
        return []
    key = name_key(first_name, last_name)
    candidates = Client.objects.for_user(user).filter(same)
    if exclude_pk is not None:
        candidates = candidates.exclude(pk=exclude_pk)
    # Compare the keys in Python: a provider has a few hundred clients, and the birth date or
    # country index narrows them to a handful before any name is read.
    matching = [pk for pk, other in candidates.values_list("pk", "name_key") if similar_names(key, other)]
    if not matching:
        return []
    return list(client_list(user=user).filter(pk__in=matching))


def _kept_elsewhere(match_hash: str | None, provider_id: int) -> bool:
    """Whether a provider other than `provider_id` keeps a record with this match hash (not anonymised).

    Deliberately not through `for_user`: the answer is one yes or no, and the callers show only "this person
    may already be served by another provider", never which provider or anything of its record.
    """
    if match_hash is None:
        return False
    # Index: client_match_hash_idx (the few records of one hash), then their provider.
    others = Client.objects.filter(match_hash=match_hash, anonymised_at__isnull=True).exclude(provider_id=provider_id)
    return others.exists()


def client_served_elsewhere(*, client: Client) -> bool:
    """Whether the person of a client the user may see may also be another provider's client: a record there
    has the same loose name and birth date (`person_match_hash`). Without a birth date, never."""
    return _kept_elsewhere(client.match_hash, client.provider_id)


def person_served_elsewhere(*, provider: Provider, first_name: str, last_name: str, birth_date: date | None) -> bool:
    """At intake: whether a provider other than `provider` keeps a record of a person of this loose name and
    birth date (see `client_served_elsewhere`)."""
    return _kept_elsewhere(person_match_hash(name_key(first_name, last_name), birth_date), provider.pk)


# A reference that ends in a number: the provider's pattern is what comes before it ("LSK-", "C", "2026/").
_NUMBERED_REF = re.compile(r"^(?P<prefix>.*?)(?P<number>[0-9]+)$")
# Longer runs of digits are not counted on (they would not fit a bigint).
MAX_REF_DIGITS = 18


def client_ref_suggestion(*, provider: Provider) -> str:
    """The next free reference in the provider's pattern: that of its latest client, with the next number.

    "LSK-0041" is followed by "LSK-0042" (the highest number of that pattern plus one, the digits' width kept); a
    provider without a numbered reference yet starts at its code and 0001.
    """
    # The latest record: the primary key index read backwards to the provider's newest row.
    latest = Client.objects.filter(provider=provider).order_by("-pk").values_list("client_ref", flat=True).first()
    match = _NUMBERED_REF.match(latest or "")
    prefix, width = (match["prefix"], len(match["number"])) if match else (f"{provider.code}-", 4)
    # The highest number after the prefix, in the database: a provider may have tens of thousands of clients.
    # Index: client_ref_per_provider (provider, client_ref), the provider's references.
    pattern = rf"^{re.escape(prefix)}[0-9]{{1,{MAX_REF_DIGITS}}}$"
    number = Cast(Substr("client_ref", len(prefix) + 1), BigIntegerField())
    highest = Client.objects.filter(provider=provider, client_ref__regex=pattern).aggregate(n=Max(number))["n"]
    return f"{prefix}{(highest or 0) + 1:0{width}d}"


def staff_choices(*, user: User, role: str) -> QuerySet[Staff]:
    """Active staff of the user's provider in one role, for the assignment fields, in Latvian alphabetical order."""
    return Staff.objects.for_user(user).filter(role=role, is_active=True).order_by(*by_name(), "pk")


def intake_defaults(*, user: User, provider: Provider) -> dict[str, Any]:
    """A new record's starting values: the next reference, today, and the social worker taking the client in.

    The social worker is the user's own staff record when they are an active social worker of the provider
    (a manager taking a client in chooses one).
    """
    defaults: dict[str, Any] = {
        "client_ref": client_ref_suggestion(provider=provider),
        "service_start": timezone.localdate(),
    }
    own = staff_choices(user=user, role=StaffRole.SOCIAL_WORKER).filter(user=user).first()
    if own is not None:
        defaults["social_worker"] = own.pk
    return defaults


def merge_candidates(*, user: User, client: Client) -> QuerySet[Client]:
    """The other records of the same provider that could be merged into `client`."""
    return Client.objects.for_user(user).filter(provider_id=client.provider_id).exclude(pk=client.pk)


# Consents (casework.md "Consent") -----------------------------------------------------------------


def _valid_consent(kind: str, on: date, institution_kind: str | None = None) -> Q:
    """THE RULE of a valid consent, for the database (`Consent.valid_on` is the same for one row): of `kind`,
    given by `on` and not withdrawn by then (a withdrawal stops it from that day); to share with institutions of
    `institution_kind`, one naming that kind or no kind (all kinds)."""
    condition = Q(kind=kind, given_on__lte=on) & (Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=on))
    if institution_kind is not None:
        condition &= Q(institution_kinds=[]) | Q(institution_kinds__contains=[institution_kind])
    return condition


def consent_valid(client: Client, kind: str, on: date, institution_kind: str | None = None) -> bool:
    """Did `client` give a consent of `kind` valid on `on` (to share with institutions: of `institution_kind`)?

    The one home of the rule "valid to share with institutions of that kind on that day" (referrals ask it).
    One query; index consent_client_kind_idx.
    """
    return Consent.objects.filter(_valid_consent(kind, on, institution_kind), client=client).exists()


def without_valid_consent(
    clients: list[Client], kind: str, on: date, institution_kind: str | None = None
) -> list[Client]:
    """Those of `clients` without a valid consent (`consent_valid`), in their order: one query for a family."""
    consenting = set(
        Consent.objects.filter(_valid_consent(kind, on, institution_kind), client__in=[c.pk for c in clients])
        .order_by()
        .values_list("client_id", flat=True)
    )
    return [client for client in clients if client.pk not in consenting]


def consents_of(*, client: Client) -> QuerySet[Consent]:
    """The client's consents, withdrawn ones too, the latest given first, with who recorded them and the form.

    Only for a client fetched through `Client.objects.for_user` (the client page's readers see them).
    """
    return Consent.objects.filter(client=client).select_related("staff", "document").order_by("-given_on", "-id")


# Documents (casework.md "Documents") --------------------------------------------------------------

# A document valid until this many days from today, or no longer valid, is "expiring" (home pages, reminders).
DOCUMENT_EXPIRY_DAYS = 30
# Expiring documents listed on a home page at most, the soonest first.
EXPIRING_DOCUMENTS_LISTED = 20


def _mark_expiry(documents: list[Document], today: date) -> list[Document]:
    """Give each document `days_left` (None: no validity date; negative: expired) and `expiring` (within
    DOCUMENT_EXPIRY_DAYS or expired). No query."""
    for document in documents:
        days = (document.valid_until - today).days if document.valid_until else None
        document.days_left = days  # type: ignore[attr-defined]
        document.expired = days is not None and days < 0  # type: ignore[attr-defined]
        document.expiring = days is not None and days <= DOCUMENT_EXPIRY_DAYS  # type: ignore[attr-defined]
    return documents


def documents_of_client(*, client: Client, user: User, today: date | None = None) -> list[Document] | None:
    """The client's documents for the client page, newest first, with their expiry marks (one query); None for a
    user who may not read them (a coordinator never reaches the page; a mentor only their assigned clients')."""
    if not can_read_documents(user, client):
        return None
    # Index: document_client_kind_idx (client first).
    documents = list(Document.objects.filter(client=client).select_related("uploaded_by"))
    return _mark_expiry(documents, today or timezone.localdate())


def documents_expiring(*, user: User, today: date, within_days: int = DOCUMENT_EXPIRY_DAYS) -> list[Document]:
    """The documents of the user's clients that are valid for `within_days` more days at most, or no longer, the
    soonest first, with the client (one query; the home pages, the morning reminders).

    The user's clients: those assigned to them as social worker or mentor, of the clients they may see
    (`Client.objects.for_user`: a coordinator none), with an open case. A document counts only while it is the
    latest of its kind for the client: a residence permit renewed (a later one uploaded, valid longer) no longer
    reminds anyone.
    """
    mine = Q(social_worker__user=user, social_worker__is_active=True) | Q(mentor__user=user, mentor__is_active=True)
    clients = Client.objects.for_user(user).filter(mine, service_end__isnull=True, anonymised_at__isnull=True)
    renewed = Document.objects.filter(
        client_id=OuterRef("client_id"), kind=OuterRef("kind"), valid_until__gt=OuterRef("valid_until")
    )
    # Index: document_client_kind_idx, for each of the user's clients (a caseload: tens). Not by the document's
    # provider: a client handed over keeps the documents uploaded at their former provider.
    documents = (
        Document.objects.filter(client__in=clients, valid_until__lte=today + timedelta(days=within_days))
        .exclude(Exists(renewed))
        .select_related("client")
        .order_by("valid_until", "id")
    )
    return _mark_expiry(list(documents[:EXPIRING_DOCUMENTS_LISTED]), today)
