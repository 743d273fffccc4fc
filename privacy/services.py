"""The data subject's rights: everything held about one person (JSON, PDF), and anonymisation after retention."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from audit.models import Action, AuditEntry
from audit.services import audit_record, unaudited_rows
from clients.choices import InstitutionKind
from clients.documents import remove_documents
from clients.filters import HasNameWord
from clients.languages import language_name
from clients.models import CaseEpisode, Client, Consent, Document, Family, NameWord, name_key
from plans.models import (
    Assessment,
    AssessmentScore,
    Contact,
    ContactClient,
    Goal,
    GoalReview,
    Plan,
    PlanEvent,
    PlanReview,
    Referral,
    Task,
    TaskNote,
)
from reporting.render import pdf_from_template

if TYPE_CHECKING:
    from accounts.models import User

# What takes the place of removed free text that the forms require (titles, goals, notes).
REMOVED_TEXT = "—"
# The opaque reference and name of an anonymised person: the same in every language, nothing to translate.
ANONYMOUS_PREFIX = "ANON-"


# --- Export ---------------------------------------------------------------------------------------------


def _person_contacts(client: Client) -> QuerySet[Any]:
    """The contacts that served the person (`ContactQuerySet.serving`), each marked whether it names them."""
    return (
        Contact.objects.serving(client)
        .select_related("staff")
        .prefetch_related("topics")
        .annotate(names_person=Exists(ContactClient.objects.filter(contact_id=OuterRef("pk"), client=client)))
        .order_by("date", "pk")
    )


def _person_plans(client: Client) -> QuerySet[Plan]:
    """The plans concerning the person: their own, and their family's."""

    concerns = Q(client=client)
    if client.family_id:
        concerns |= Q(family_id=client.family_id)
    tasks = Task.objects.select_related("responsible").prefetch_related("notes").order_by("due_date", "pk")
    return (
        Plan.objects.filter(concerns)
        .prefetch_related(
            "goals",
            Prefetch("goals__tasks", queryset=tasks),
            Prefetch("reviews", queryset=PlanReview.objects.select_related("reviewed_by").order_by("date", "pk")),
            Prefetch("reviews__goal_reviews", queryset=GoalReview.objects.select_related("goal").order_by("goal_id")),
        )
        .order_by("start_date", "pk")
    )


def _contact_row(contact: Contact) -> dict[str, Any]:
    return {
        "contact_ref": contact.contact_ref,
        "date": contact.date,
        "form": contact.form,
        "form_label": contact.get_form_display(),
        "duration_minutes": contact.duration_minutes,
        "topics": sorted(t.topic for t in contact.topics.all()),
        "topic_labels": sorted(str(t.get_topic_display()) for t in contact.topics.all()),
        "place": contact.place,
        "note": contact.note,
        "staff": str(contact.staff),
        "with": "person" if contact.names_person else "family",  # type: ignore[attr-defined]
    }


def _plan_row(plan: Plan) -> dict[str, Any]:
    return {
        "of": "person" if plan.client_id else "family",
        "status": plan.status,
        "status_label": plan.get_status_display(),
        "start_date": plan.start_date,
        "review_date": plan.review_date,
        "summary": plan.summary,
        "closed_at": plan.closed_at,
        "closed_reason": plan.closed_reason,
        "closed_reason_label": plan.get_closed_reason_display() if plan.closed_reason else "",
        "closed_note": plan.closed_note,
        "goals": [
            {
                "area": goal.area,
                "area_label": goal.get_area_display(),
                "description": goal.description,
                "status": goal.status,
                "status_label": goal.get_status_display(),
                "status_date": goal.status_date,
                "tasks": [
                    {
                        "title": task.title,
                        "responsible": str(task.responsible),
                        "due_date": task.due_date,
                        "status": task.status,
                        "status_label": task.get_status_display(),
                        "notes": [{"written_at": note.created_at, "text": note.text} for note in task.notes.all()],
                    }
                    for task in goal.tasks.all()
                ],
            }
            for goal in plan.goals.all()
        ],
        "reviews": [
            {
                "date": review.date,
                "reviewed_by": review.reviewed_by.get_full_name() if review.reviewed_by else "",
                "note": review.note,
                "next_review_date": review.next_review_date,
                "goals": [
                    {
                        "goal": goal_review.goal.description,
                        "status": goal_review.status,
                        "status_label": goal_review.get_status_display(),
                        "note": goal_review.note,
                    }
                    for goal_review in review.goal_reviews.all()
                ],
            }
            for review in plan.reviews.all()
        ],
    }


def _person_assessments(client: Client) -> QuerySet[Assessment]:
    """The person's self-sufficiency assessments, oldest first, with every area row: two queries."""
    rows = AssessmentScore.objects.order_by("area")
    return (
        Assessment.objects.filter(client=client)
        .select_related("staff")
        .prefetch_related(Prefetch("scores", queryset=rows))
        .order_by("date", "pk")
    )


def _assessment_row(assessment: Assessment) -> dict[str, Any]:
    return {
        "assessment_ref": assessment.assessment_ref,
        "date": assessment.date,
        "kind": assessment.kind,
        "kind_label": assessment.get_kind_display(),
        "staff": str(assessment.staff),
        "scores": [
            {
                "area": row.area,
                "area_label": row.get_area_display(),
                "score": row.score,
                "score_label": row.get_score_display() if row.score is not None else "",
                "note": row.note,
            }
            for row in assessment.scores.all()
        ],
    }


def _consent_row(consent: Consent) -> dict[str, Any]:
    labels = dict(InstitutionKind.choices)
    return {
        "kind": consent.kind,
        "kind_label": consent.get_kind_display(),
        "institution_kinds": [
            {"code": code, "label": str(labels.get(code, code))} for code in consent.institution_kinds
        ],
        "given_on": consent.given_on,
        "how": consent.how,
        "how_label": consent.get_how_display(),
        "recorded_by": str(consent.staff) if consent.staff else "",
        "withdrawn_on": consent.withdrawn_on,
        "signed_form": consent.document_id is not None,
    }


def client_data_export(*, client: Client) -> dict[str, Any]:
    """Everything held about one person, for their right of access.

    Other people appear only as references: the family's other members by their client reference, staff by
    name. Choice fields carry the code and, beside it, the label in the active language.
    """
    client = (
        Client.objects.select_related("provider", "family", "social_worker", "mentor")
        .prefetch_related("legal_statuses", "residences", "handovers__from_provider", "handovers__to_provider")
        .get(pk=client.pk)
    )
    family = None
    if client.family_id:
        assert client.family is not None
        others = Client.objects.filter(family_id=client.family_id).exclude(pk=client.pk).order_by("client_ref")
        family = {
            "family_ref": client.family.family_ref,
            "name": client.family.name,
            "other_members": list(others.values_list("client_ref", flat=True)),
        }
    audit = AuditEntry.objects.filter(object_type=Client._meta.label_lower, object_id=str(client.pk)).order_by("at")
    return {
        "exported_at": timezone.now(),
        "person": {
            "client_ref": client.client_ref,
            "first_name": client.first_name,
            "last_name": client.last_name,
            "gender": client.gender,
            "gender_label": client.get_gender_display(),
            "birth_date": client.birth_date,
            "country": str(client.country),
            "country_label": str(getattr(client.country, "name", "")),
            "arrival_route": client.arrival_route,
            "arrival_route_label": client.get_arrival_route_display(),
            "provider": {"code": client.provider.code, "name": client.provider.name},
            "service_start": client.service_start,
            "service_end": client.service_end,
            # The current episode's closing (casework.md "Closing and reopening a case").
            "closure_reason": client.closure_reason,
            "closure_reason_label": client.get_closure_reason_display() if client.closure_reason else "",
            "closure_note": client.closure_note,
            "follow_up_date": client.follow_up_date,
            "social_worker": str(client.social_worker) if client.social_worker else "",
            "mentor": str(client.mentor) if client.mentor else "",
            # Language and interpretation (casework.md): ISO 639-1 codes, each named in the active language.
            "languages": [{"code": code, "label": language_name(code)} for code in client.languages],
            "latvian_level": client.latvian_level,
            "latvian_level_label": client.get_latvian_level_display() if client.latvian_level else "",
            "interpreter_needed": client.interpreter_needed,
            "interpreter_language": client.interpreter_language,
            "interpreter_language_label": language_name(client.interpreter_language)
            if client.interpreter_language
            else "",
            "recorded_at": client.created_at,
            "anonymised_at": client.anonymised_at,
        },
        "family": family,
        "legal_status_history": [
            {"since": e.since, "legal_status": e.legal_status, "label": e.get_legal_status_display()}
            for e in sorted(client.legal_statuses.all(), key=lambda e: e.since)
        ],
        "residence_history": [
            {"since": e.since, "residence": e.residence} for e in sorted(client.residences.all(), key=lambda e: e.since)
        ],
        # The earlier episodes of the case, each with its closing; the current one is in "person".
        "case_episodes": [
            {
                "service_start": e.service_start,
                "service_end": e.service_end,
                "provider": e.provider.name,
                "closure_reason": e.closure_reason,
                "closure_reason_label": e.get_closure_reason_display(),
                "closure_note": e.closure_note,
            }
            for e in CaseEpisode.objects.filter(client=client).select_related("provider").order_by("service_start")
        ],
        "handovers": [
            {"date": h.date, "from_provider": h.from_provider.name, "to_provider": h.to_provider.name}
            for h in sorted(client.handovers.all(), key=lambda h: h.date)
        ],
        "contacts": [_contact_row(c) for c in _person_contacts(client)],
        "plans": [_plan_row(p) for p in _person_plans(client)],
        "referrals": [
            {
                "date": referral.date,
                "staff": str(referral.staff),
                "institution_kind": referral.institution_kind,
                "institution_kind_label": referral.get_institution_kind_display(),
                "institution": referral.institution.name if referral.institution else "",
                "accompanied": referral.accompanied,
                "status": referral.status,
                "status_label": referral.get_status_display(),
                "outcome_date": referral.outcome_date,
                "outcome_reason": referral.outcome_reason,
            }
            for referral in Referral.objects.filter(client=client)
            .select_related("staff", "institution")
            .order_by("date", "pk")
        ],
        "assessments": [_assessment_row(a) for a in _person_assessments(client)],
        "consents": [_consent_row(c) for c in client.consents.select_related("staff").order_by("given_on", "pk")],
        # The documents kept with the person (issue 20): what they are, not the files (given on request apart).
        "documents": [
            {
                "kind": document.kind,
                "kind_label": document.get_kind_display(),
                "valid_until": document.valid_until,
                "uploaded_at": document.uploaded_at,
            }
            for document in Document.objects.filter(client=client).order_by("uploaded_at", "pk")
        ],
        "record_history": [
            {"at": at, "action": action, "action_label": str(dict(Action.choices).get(action, action))}
            for at, action in audit.values_list("at", "action")
        ],
    }


def client_data_pdf(*, client: Client, language: str) -> bytes:
    """The export as an A4 PDF, drawn by WeasyPrint with the reports' static-only URL fetcher and fonts."""

    with translation.override(language):
        return pdf_from_template(
            "privacy/export_pdf.html", {"data": client_data_export(client=client), "language": language}
        )


# --- Anonymisation --------------------------------------------------------------------------------------


def retention_cutoff(*, today: datetime.date) -> datetime.date:
    """A case that ended before this day has been kept for the whole retention period."""
    return today - datetime.timedelta(days=settings.RETENTION_DAYS)


def clients_due_for_anonymisation(*, today: datetime.date, user: User | None = None) -> QuerySet[Client]:
    """Closed cases past the retention period and not yet anonymised; only those `user` may see, when given."""
    clients = Client.objects.for_user(user) if user is not None else Client.objects.all()
    # Index: client_provider_end_idx (provider, service_end).
    return clients.filter(service_end__lt=retention_cutoff(today=today), anonymised_at__isnull=True).order_by(
        "service_end", "pk"
    )


def client_anonymisation_refusal(*, client: Client, today: datetime.date) -> str:
    """Why the person cannot be anonymised yet, or "" when they can."""
    if client.anonymised_at is not None:
        return _("This person has already been anonymised.")
    if client.service_end is None:
        return _("The case is still open. Only a case closed longer ago than the retention period is anonymised.")
    if client.service_end >= retention_cutoff(today=today):
        first_day = client.service_end + datetime.timedelta(days=settings.RETENTION_DAYS + 1)
        return _("The case closed on %(end)s. It can be anonymised after %(days)s days, from %(first)s on.") % {
            "end": formats.date_format(client.service_end, "SHORT_DATE_FORMAT"),
            "days": settings.RETENTION_DAYS,
            "first": formats.date_format(first_day, "SHORT_DATE_FORMAT"),
        }
    return ""


def _fully_anonymised(client_ids: QuerySet[Any] | list[int]) -> bool:
    return not Client.objects.filter(pk__in=client_ids, anonymised_at__isnull=True).exists()


@transaction.atomic
@unaudited_rows()  # its one entry names the fields removed, never their values
def client_anonymise(*, client: Client, by: User | None, today: datetime.date | None = None) -> Client:
    """Remove what identifies the person, and keep what the reports count, so past reports keep their figures.

    Removed: the person's documents (rows and files), the names (the record becomes "ANON-<id>"; the search
    forgets words no other name has), the client reference, the notes on closing the case (its current and earlier
    episodes), the notes and places of the contacts that named them, the free text of their plans (summaries,
    goals, task titles, progress notes, the change history's values) and the notes of their self-sufficiency
    assessments. A contact or a
    plan shared with others (several persons, or a family) is cleared once its last person is anonymised:
    until then it is also a record of someone whose case is still kept.

    Kept, because the report figures (report-metrics.md) are computed from them: gender, country, arrival
    route, family membership, the legal status and residence histories, hand-overs, and every contact's date,
    form, duration, topics, staff and links. Also kept: the languages spoken, the level of Latvian and the
    interpreter's need and language (casework.md "Language and interpretation"): like the country, they do not
    name the person, and the service's figures count them; and the consents' facts (what was agreed to, which
    kinds of institution, when, how, who recorded it, when withdrawn): they hold no free text, and they show
    what the person's data was shared on. The birth date is kept whole: ages are counted in completed
    years on a report's last day, and any date other than the real one changes some age on some day (and
    with it the age groups and the average ages) of a period that may still be asked for. The match hash
    (`Client.match_hash`, a keyed hash of the loose name and birth date under the fund's secret) is kept as it
    was: by it the fund's reports count a person served by several providers once, and a new one made from the
    removed names would count them twice. It names nobody without the fund's key; the client page's notice of
    another provider (`client_served_elsewhere`) leaves anonymised records out.

    The changes go through `update()`, not `save()`: the audit signals would copy the old names into the
    log. One audit entry says that the record was anonymised and which fields, never their values. Entries
    written before keep what they recorded: the audit log is append-only by design (the database refuses
    updates), so its own retention is a separate decision.
    """

    client = Client.objects.select_for_update().get(pk=client.pk)
    refusal = client_anonymisation_refusal(client=client, today=today or timezone.localdate())
    if refusal:
        raise ValidationError(refusal)

    ref = f"{ANONYMOUS_PREFIX}{client.pk}"
    if Client.objects.filter(provider_id=client.provider_id, client_ref=ref).exclude(pk=client.pk).exists():
        ref = f"{ref}-{client.created_at:%Y%m%d%H%M%S}"
    now = timezone.now()
    Client.objects.filter(pk=client.pk).update(
        client_ref=ref,
        first_name=REMOVED_TEXT,
        last_name=ref,
        name_key=name_key(REMOVED_TEXT, ref),
        # The note on closing is free text about the person; the reason and the dates stay for the figures.
        closure_note="",
        anonymised_at=now,
        updated_at=now,
    )

    _forget_name_words(client.name_key.split())
    CaseEpisode.objects.filter(client_id=client.pk).exclude(closure_note="").update(closure_note="")

    family_done = False
    if client.family_id is not None:
        family_done = _fully_anonymised(Client.objects.filter(family_id=client.family_id).values("pk"))
        if family_done:
            Family.objects.filter(pk=client.family_id).update(name="")

    # Contacts: those naming this person whose every person (and family member) is now anonymised.
    kept = Client.objects.filter(anonymised_at__isnull=True)
    names_kept = Exists(ContactClient.objects.filter(contact_id=OuterRef("pk"), client__in=kept))
    family_kept = Exists(kept.filter(family_id=OuterRef("family_id")))
    serves = Q(clients=client) | (Q(family_id=client.family_id) if client.family_id else Q(pk__in=[]))
    contacts = Contact.objects.filter(pk__in=Contact.objects.filter(serves).values("pk")).exclude(
        names_kept | family_kept
    )
    contacts_cleared = contacts.exclude(note="", place="").update(note="", place="")

    concerns = Q(client_id=client.pk) | (Q(family_id=client.family_id) if family_done else Q(pk__in=[]))
    plans = Plan.objects.filter(concerns)
    plans.exclude(summary="").update(summary="")
    # The note on closing is free text about the person too; the reason (a choice) stays for the figures.
    plans.exclude(closed_note="").update(closed_note="")
    # So are the notes of the plans' reviews; the dates and the goals' statuses stay for the figures.
    PlanReview.objects.filter(plan__in=plans).exclude(note="").update(note="")
    GoalReview.objects.filter(review__plan__in=plans).exclude(note="").update(note="")
    Goal.objects.filter(plan__in=plans).update(description=REMOVED_TEXT)
    Task.objects.filter(goal__plan__in=plans).update(title=REMOVED_TEXT)
    # A progress note is never edited through save(); clearing its text on anonymisation is the exception.
    TaskNote.objects.filter(task__goal__plan__in=plans).update(text=REMOVED_TEXT)
    PlanEvent.objects.filter(plan__in=plans).exclude(changes={}).update(changes={})
    # The notes of the person's self-sufficiency assessments too; the dates, kinds and scores stay for the figures.
    AssessmentScore.objects.filter(assessment__client_id=client.pk).exclude(note="").update(note="")

    # The person's documents (scans and photos of them and their papers): the rows now, the files once committed.
    documents_deleted = remove_documents(Document.objects.filter(client_id=client.pk))

    audit_record(
        action=Action.UPDATE,
        object_type=Client._meta.label_lower,
        object_id=client.pk,
        changes={
            "anonymised": ["client_ref", "first_name", "last_name", "closure_note"],
            "contacts_cleared": contacts_cleared,
            "documents_deleted": documents_deleted,
        },
        detail="anonymised",
        actor_id=by.pk if by is not None else None,
        actor_username=by.get_username() if by is not None else None,
        provider_id=client.provider_id,
    )
    client.refresh_from_db()
    return client


def _forget_name_words(words: list[str]) -> None:
    """The search's vocabulary (`NameWord`) forgets the words of an erased name that no other name has: a
    rare surname would otherwise outlive the person's erasure. Tested with the search's own condition
    (`HasNameWord`, and on PostgreSQL its index)."""
    unused = [word for word in set(words) if not Client.objects.filter(HasNameWord([word])).exists()]
    NameWord.objects.filter(word__in=unused).delete()


def clients_anonymise_due(*, today: datetime.date, by: User | None, user: User | None = None) -> int:
    """Anonymise every person due (those `user` may see, when given); each in its own transaction."""
    done = 0
    for pk in list(clients_due_for_anonymisation(today=today, user=user).values_list("pk", flat=True)):
        client_anonymise(client=Client(pk=pk), by=by, today=today)
        done += 1
    return done
