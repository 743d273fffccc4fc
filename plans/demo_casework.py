"""Invented demo casework for `make run`: the providers' catalogues of institutions, referrals with every outcome,
plan reviews with their goals' statuses.

Made to show each page: the demo social worker (DEMO-SW1) and mentor (DEMO-M1) have referrals waiting more than
14 days on their home pages, and the social worker and the manager have plan reviews due within 7 days and
overdue. Deterministic (a seeded generator, dates counted back from today) and idempotent: institutions are
found by their name, referrals by their reference, and a plan already reviewed (or with a goal's outcome) is left
as it is. Rows are written in bulk. Self-sufficiency assessments (an intake and a review of the demo social
worker's first clients, found by reference) and the closings of the ended cases (a reason each, a follow-up due for
the demo social worker, earlier episodes of two clients) are made once.
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from clients.choices import ClosureReason, ConsentHow, ConsentKind
from clients.models import CaseEpisode, Client, Consent, Provider, Staff

from .choices import (
    INSTITUTION_KIND_OF_AREA,
    REFERRAL_STATUSES_WITH_REASON,
    AssessmentKind,
    GoalArea,
    GoalStatus,
    GroupSessionKind,
    InstitutionKind,
    PlanEventKind,
    PlanStatus,
    ReferralOutcomeReason,
    ReferralStatus,
)
from .group_sessions import group_session_record
from .models import (
    Assessment,
    AssessmentScore,
    Goal,
    GoalReview,
    GroupSession,
    Institution,
    Plan,
    PlanEvent,
    PlanReview,
    Referral,
)

SEED = 2026
DAY = datetime.timedelta(days=1)

# Each provider's catalogue: (name, kind, municipality).
CATALOGUE = {
    "DEMO": [
        ("PMLP Rīgas 2. nodaļa", InstitutionKind.MIGRATION, "Rīga"),
        ("NVA Rīgas filiāle", InstitutionKind.EMPLOYMENT, "Rīga"),
        ("NVA Jūrmalas filiāle", InstitutionKind.EMPLOYMENT, "Jūrmala"),
        ("Rīgas Sociālais dienests", InstitutionKind.MUNICIPAL_SOCIAL, "Rīga"),
        ("Ogres novada Sociālais dienests", InstitutionKind.MUNICIPAL_SOCIAL, "Ogre"),
        ("Ģimenes ārsta prakse “Veselība”", InstitutionKind.HEALTH, "Rīga"),
        ("Rīgas 2. slimnīca", InstitutionKind.HEALTH, "Rīga"),
        ("Pamatskola “Ozoli”", InstitutionKind.EDUCATION, "Rīga"),
        ("Pirmsskolas izglītības iestāde “Zīlīte”", InstitutionKind.EDUCATION, "Jūrmala"),
        ("Valodu mācību centrs “Runā latviski”", InstitutionKind.LANGUAGE_COURSE, "Rīga"),
        ("Īres aģentūra “Mājvieta”", InstitutionKind.HOUSING, "Rīga"),
        ("Banka “Daugava”", InstitutionKind.BANK, "Rīga"),
        ("Juridiskās palīdzības birojs “Tiesības visiem”", InstitutionKind.LEGAL_AID, "Rīga"),
        ("Biedrība “Kopā vieglāk”", InstitutionKind.NGO, "Rīga"),
    ],
    "OTHER": [
        ("PMLP Jelgavas nodaļa", InstitutionKind.MIGRATION, "Jelgava"),
        ("NVA Jelgavas filiāle", InstitutionKind.EMPLOYMENT, "Jelgava"),
        ("Jelgavas sociālo lietu pārvalde", InstitutionKind.MUNICIPAL_SOCIAL, "Jelgava"),
        ("Jelgavas poliklīnika", InstitutionKind.HEALTH, "Jelgava"),
    ],
}

# Referrals every demo has, of the demo mentor's active clients (all of them the demo social worker's too), by
# their place in reference order: (client, maker, days ago, kind, status, days to the outcome, reason, accompanied).
FEATURED = [
    # Waiting more than 14 days: on the home pages of the demo social worker and the demo mentor.
    (0, "DEMO-SW1", 21, InstitutionKind.MIGRATION, ReferralStatus.MADE, 0, "", False),
    (1, "DEMO-M1", 18, InstitutionKind.EMPLOYMENT, ReferralStatus.MADE, 0, "", True),
    (2, "DEMO-SW1", 30, InstitutionKind.HOUSING, ReferralStatus.MADE, 0, "", False),
    (4, "DEMO-M1", 16, InstitutionKind.HEALTH, ReferralStatus.MADE, 0, "", True),
    # Waiting, not yet for long.
    (3, "DEMO-M1", 5, InstitutionKind.LANGUAGE_COURSE, ReferralStatus.MADE, 0, "", False),
    # Every outcome.
    (0, "DEMO-M1", 40, InstitutionKind.EMPLOYMENT, ReferralStatus.COMPLETED, 7, "", True),
    (
        5,
        "DEMO-SW1",
        35,
        InstitutionKind.MUNICIPAL_SOCIAL,
        ReferralStatus.NOT_SUCCESSFUL,
        10,
        "documents_missing",
        False,
    ),
    (6, "DEMO-M1", 50, InstitutionKind.HOUSING, ReferralStatus.REFUSED, 12, "no_capacity", True),
    (7, "DEMO-SW1", 25, InstitutionKind.BANK, ReferralStatus.CANCELLED, 3, "", False),
    (1, "DEMO-SW1", 44, InstitutionKind.EDUCATION, ReferralStatus.COMPLETED, 14, "", True),
]
KINDS = [
    (InstitutionKind.MIGRATION, 14),
    (InstitutionKind.EMPLOYMENT, 14),
    (InstitutionKind.MUNICIPAL_SOCIAL, 14),
    (InstitutionKind.HEALTH, 14),
    (InstitutionKind.EDUCATION, 8),
    (InstitutionKind.LANGUAGE_COURSE, 10),
    (InstitutionKind.HOUSING, 8),
    (InstitutionKind.BANK, 6),
    (InstitutionKind.LEGAL_AID, 4),
    (InstitutionKind.NGO, 5),
    (InstitutionKind.OTHER, 3),
]
# What came of a referral older than 14 days (a younger one is mostly still waiting).
OUTCOMES = [
    (ReferralStatus.COMPLETED, 50),
    (ReferralStatus.NOT_SUCCESSFUL, 12),
    (ReferralStatus.REFUSED, 8),
    (ReferralStatus.CANCELLED, 8),
    (ReferralStatus.MADE, 22),
]
RECENT_OUTCOMES = [(ReferralStatus.MADE, 70), (ReferralStatus.COMPLETED, 30)]

# The demo plans' reviews, by the plan's place in its client's reference order (the first four are the demo
# social worker's): (reviewed days ago or None, next review in days, the goals' statuses, days ago a goal took
# its status without a review).
REVIEWS = [
    (30, 3, [GoalStatus.ACHIEVED, GoalStatus.OPEN], 0),  # due within 7 days
    (40, -5, [GoalStatus.PARTLY_ACHIEVED, GoalStatus.OPEN], 0),  # overdue
    (None, -2, None, 0),  # never reviewed, overdue
    (20, 6, [GoalStatus.OPEN, GoalStatus.NOT_ACHIEVED], 0),  # due within 7 days
    (25, 4, [GoalStatus.OPEN, GoalStatus.OPEN], 0),  # the other social worker's: on the manager's home page
    (15, 75, [GoalStatus.ACHIEVED, GoalStatus.DROPPED], 0),
    (None, None, [GoalStatus.ACHIEVED, GoalStatus.OPEN], 10),  # an outcome set on the plan page
]
GOAL_NOTES = {
    GoalStatus.OPEN: "Turpinām darbu pie mērķa.",
    GoalStatus.ACHIEVED: "Mērķis sasniegts.",
    GoalStatus.PARTLY_ACHIEVED: "Daļēji sasniegts, turpinām.",
    GoalStatus.NOT_ACHIEVED: "Netika sasniegts šajā periodā.",
    GoalStatus.DROPPED: "Klients no mērķa atteicās.",
}


def _pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


def _institutions() -> dict[tuple[int, str], list[Institution]]:
    """Fill each demo provider's catalogue (missing names only); its institutions by (provider, kind)."""
    providers = {p.code: p for p in Provider.objects.filter(code__in=CATALOGUE)}
    existing = set(Institution.objects.filter(provider__in=providers.values()).values_list("provider_id", "name"))
    Institution.objects.bulk_create(
        Institution(provider=providers[code], name=name, kind=kind, municipality=municipality)
        for code, rows in CATALOGUE.items()
        if code in providers
        for name, kind, municipality in rows
        if (providers[code].pk, name) not in existing
    )
    by_kind: dict[tuple[int, str], list[Institution]] = {}
    for institution in Institution.objects.filter(provider__in=providers.values()).order_by("name", "pk"):
        by_kind.setdefault((institution.provider_id, institution.kind), []).append(institution)
    return by_kind


def _goal_of_kind(client: Client, kind: str, goals: dict[int, list[Goal]]) -> Goal | None:
    """The client's own plan goal whose area leads to this kind of institution, if there is one."""
    return next((g for g in goals.get(client.pk, []) if INSTITUTION_KIND_OF_AREA.get(g.area) == kind), None)


def _referral(
    *,
    ref: str,
    client: Client,
    staff: Staff,
    day: datetime.date,
    kind: str,
    status: str,
    outcome_in: int,
    reason: str,
    accompanied: bool,
    institution: Institution | None,
    goal: Goal | None,
) -> Referral:
    waiting = status == ReferralStatus.MADE
    return Referral(
        referral_ref=ref,
        date=day,
        staff=staff,
        provider_id=staff.provider_id,
        client=client,
        institution_kind=kind,
        institution=institution,
        goal=goal,
        accompanied=accompanied,
        status=status,
        outcome_date=None if waiting else day + outcome_in * DAY,
        outcome_reason=reason if status in REFERRAL_STATUSES_WITH_REASON else "",
        created_by=staff.user,
    )


def build_demo_referrals() -> None:
    """The catalogues, the featured referrals and about one referral in two of the other active clients."""
    today = timezone.localdate()
    rng = random.Random(SEED)  # noqa: S311 - demo data, not security
    catalogue = _institutions()
    staff = {s.staff_ref: s for s in Staff.objects.filter(provider__code__in=CATALOGUE).select_related("user")}
    active = Client.objects.filter(provider__code__in=CATALOGUE, service_end__isnull=True)
    active = list(active.select_related("mentor", "social_worker").order_by("provider__code", "client_ref"))
    goals: dict[int, list[Goal]] = {}
    for goal in Goal.objects.filter(plan__client__in=active, plan__status=PlanStatus.ACTIVE).order_by("pk"):
        goals.setdefault(goal.plan.client_id, []).append(goal)
    existing = set(Referral.objects.filter(provider__code__in=CATALOGUE).values_list("referral_ref", flat=True))
    new: list[Referral] = []

    def add(ref: str, client: Client, maker: Staff, days_ago: int, kind: str, status: str, *rest) -> None:
        outcome_in, reason, accompanied = rest
        day = max(today - days_ago * DAY, client.service_start)
        if ref in existing or day > today or (status != ReferralStatus.MADE and day + outcome_in * DAY > today):
            return
        # A named institution of the maker's catalogue, or (one time in a few) none named.
        named = [*catalogue.get((maker.provider_id, kind), []), None]
        institution = named[sum(map(ord, ref)) % len(named)] if len(named) > 1 else None
        new.append(
            _referral(
                ref=ref,
                client=client,
                staff=maker,
                day=day,
                kind=kind,
                status=status,
                outcome_in=outcome_in,
                reason=reason,
                accompanied=accompanied,
                institution=institution,
                goal=_goal_of_kind(client, kind, goals),
            )
        )

    mentors_own = [c for c in active if c.mentor_id == staff["DEMO-M1"].pk]
    for number, (place, maker, days_ago, kind, status, *rest) in enumerate(FEATURED, start=1):
        if place < len(mentors_own):
            client = mentors_own[place]
            add(f"{client.client_ref}-NF{number:02d}", client, staff[maker], days_ago, kind, status, *rest)
    for client in active:
        if rng.random() >= 0.5 or client.mentor_id is None or client.social_worker_id is None:
            continue
        for number in range(1, rng.randint(1, 3) + 1):
            maker = client.social_worker if rng.random() < 0.35 else client.mentor
            days_ago = rng.randint(1, 150)
            kind = _pick(rng, KINDS)
            status = _pick(rng, OUTCOMES if days_ago > 14 else RECENT_OUTCOMES)
            outcome_in = rng.randint(1, max(1, min(30, days_ago)))
            reason = rng.choice(ReferralOutcomeReason.values)
            accompanied = maker.role == "mentor" and rng.random() < 0.6
            maker = staff[maker.staff_ref]  # with its user, for created_by
            ref = f"{client.client_ref}-N{number:02d}"
            add(ref, client, maker, days_ago, kind, status, outcome_in, reason, accompanied)
    Referral.objects.bulk_create(new, batch_size=500)
    build_demo_consents()


def build_demo_consents() -> None:
    """Each referred demo client's consent to share with institutions (every kind), given on their first
    referral's day and recorded by their social worker: a referral needs it (casework.md "Consent")."""
    referred = (
        Client.objects.filter(provider__code__in=CATALOGUE, referrals__isnull=False)
        .exclude(consents__kind=ConsentKind.SHARE_WITH_INSTITUTIONS)
        .annotate(first_referral=Min("referrals__date"))
        .select_related("social_worker")
        .order_by("pk")
    )
    Consent.objects.bulk_create(
        Consent(
            client=client,
            kind=ConsentKind.SHARE_WITH_INSTITUTIONS,
            given_on=client.first_referral,
            how=ConsentHow.SIGNED if client.pk % 3 else ConsentHow.ORAL_WITH_INTERPRETER,
            staff=client.social_worker,
            created_by=client.social_worker.user if client.social_worker else None,
        )
        for client in referred
    )


def build_demo_reviews() -> None:
    """Reviews of the first demo plans (`REVIEWS`), their goals' statuses and the plans' next review dates."""
    today = timezone.localdate()
    plans = list(
        Plan.objects.filter(provider__code="DEMO", status=PlanStatus.ACTIVE, client__isnull=False)
        .select_related("client__social_worker__user")
        .prefetch_related("goals")
        .order_by("client__client_ref", "pk")[: len(REVIEWS)]
    )
    reviewed = set(PlanReview.objects.filter(plan__in=plans).values_list("plan_id", flat=True))
    goal_reviews: list[GoalReview] = []
    events: list[PlanEvent] = []
    changed_goals: list[Goal] = []
    for plan, (reviewed_ago, next_in, statuses, status_ago) in zip(plans, REVIEWS, strict=False):
        goals = sorted(plan.goals.all(), key=lambda g: g.pk)
        if plan.pk in reviewed or any(not g.is_open for g in goals):
            continue  # already made: the demo never changes what is there
        if reviewed_ago is None and plan.review_date is not None and plan.review_date <= today + 7 * DAY:
            continue  # made due on an earlier day: it stays so
        worker = plan.client.social_worker.user if plan.client.social_worker else None
        day = today - status_ago * DAY
        if reviewed_ago is not None:
            day = max(today - reviewed_ago * DAY, plan.start_date)
            next_review = max(today + next_in * DAY, day + DAY)
            review = PlanReview.objects.create(
                plan=plan,
                date=day,
                reviewed_by=worker,
                note="Pārrunājām plāna izpildi ar klientu.",
                next_review_date=next_review,
            )
            goal_reviews += [
                GoalReview(review=review, goal=goal, status=status, note=GOAL_NOTES[status])
                for goal, status in zip(goals, statuses or [], strict=False)
            ]
        if next_in is not None:
            Plan.objects.filter(pk=plan.pk).update(review_date=max(today + next_in * DAY, plan.start_date))
        for goal, status in zip(goals, statuses or [], strict=False):
            if status == GoalStatus.OPEN:
                continue
            goal.status, goal.status_date = status, max(day, plan.start_date)
            changed_goals.append(goal)
            if reviewed_ago is None:
                changes = {"description": [None, goal.description[:80]], "status": [GoalStatus.OPEN, status]}
                events.append(PlanEvent(plan=plan, kind=PlanEventKind.GOAL_STATUS, actor=worker, changes=changes))
    GoalReview.objects.bulk_create(goal_reviews)
    Goal.objects.bulk_update(changed_goals, ["status", "status_date"])
    PlanEvent.objects.bulk_create(events)


# The demo social worker's clients assessed (the first of them in reference order) and the areas that apply.
ASSESSED_CLIENTS = 8
ASSESSED_AREAS = (GoalArea.DOCUMENTS, GoalArea.HOUSING, GoalArea.EMPLOYMENT, GoalArea.LANGUAGE, GoalArea.HEALTH)
# Why the demo's ended cases closed, in turn.
CLOSURE_REASONS = (
    ClosureReason.GOALS_ACHIEVED,
    ClosureReason.MOVED_WITHIN_LATVIA,
    ClosureReason.LEFT_LATVIA,
    ClosureReason.TRANSFERRED_TO_MUNICIPALITY,
    ClosureReason.LOST_CONTACT,
)


def build_demo_assessments() -> None:
    """An intake assessment a week into the case and, 90 days on, a review with the scores moved up (or down)."""
    today = timezone.localdate()
    rng = random.Random(SEED + 1)  # noqa: S311 - demo data, not security
    worker = Staff.objects.filter(staff_ref="DEMO-SW1", provider__code="DEMO").first()
    if worker is None:
        return
    clients = list(
        Client.objects.filter(social_worker=worker, service_end__isnull=True, service_start__isnull=False).order_by(
            "client_ref"
        )[:ASSESSED_CLIENTS]
    )
    existing = set(Assessment.objects.filter(provider=worker.provider).values_list("assessment_ref", flat=True))
    assessments: list[Assessment] = []
    scores: list[tuple[Assessment, str, int]] = []
    for client in clients:
        intake_day = min(client.service_start + 7 * DAY, today)
        first = {area: rng.randint(1, 3) for area in ASSESSED_AREAS}
        for suffix, kind, day, moved in (
            ("A1", AssessmentKind.INTAKE, intake_day, 0),
            ("A2", AssessmentKind.REVIEW, intake_day + 90 * DAY, 1),
        ):
            ref = f"{client.client_ref}-{suffix}"
            if ref in existing or day > today:
                continue
            assessment = Assessment(
                assessment_ref=ref,
                date=day,
                staff=worker,
                provider_id=worker.provider_id,
                client=client,
                kind=kind,
                created_by_id=worker.user_id,
            )
            assessments.append(assessment)
            for area, score in first.items():
                scores.append((assessment, area, max(1, min(5, score + moved * rng.choice((-1, 1, 1, 2))))))
    Assessment.objects.bulk_create(assessments)
    AssessmentScore.objects.bulk_create(
        AssessmentScore(assessment=assessment, area=area, score=score) for assessment, area, score in scores
    )


def build_demo_closings() -> None:
    """A reason for every ended demo case without one, a follow-up due for the demo social worker's first, and an
    earlier episode of two long-served clients."""
    today = timezone.localdate()
    ended = list(
        Client.objects.filter(provider__code__in=CATALOGUE, service_end__isnull=False, closure_reason="").order_by(
            "provider__code", "client_ref"
        )
    )
    follow_up_given = Client.objects.filter(provider__code="DEMO", follow_up_date__isnull=False).exists()
    for number, client in enumerate(ended):
        client.closure_reason = CLOSURE_REASONS[number % len(CLOSURE_REASONS)]
        if not follow_up_given and client.social_worker and client.social_worker.staff_ref == "DEMO-SW1":
            client.follow_up_date, follow_up_given = today + 3 * DAY, True
    Client.objects.bulk_update(ended, ["closure_reason", "follow_up_date"])
    if CaseEpisode.objects.filter(client__provider__code="DEMO").exists():
        return
    long_served = Client.objects.filter(
        provider__code="DEMO", service_end__isnull=True, service_start__lte=today - 400 * DAY
    ).order_by("client_ref")[:2]
    CaseEpisode.objects.bulk_create(
        CaseEpisode(
            client=client,
            provider_id=client.provider_id,
            service_start=client.service_start - 300 * DAY,
            service_end=client.service_start - 120 * DAY,
            closure_reason=ClosureReason.LOST_CONTACT,
        )
        for client in long_served
    )


# Group sessions: (staff, days ago, kind, topics, minutes, place, clients listed, of them absent).
GROUP_SESSIONS = [
    ("DEMO-M1", 6, GroupSessionKind.LANGUAGE_LESSON, ["language"], 90, "Rīgas Centrālā bibliotēka", 6, 1),
    ("DEMO-SW1", 13, GroupSessionKind.INFORMATION_SESSION, ["employment", "benefits"], 60, "Biedrības telpas", 5, 0),
    ("DEMO-M1", 20, GroupSessionKind.CULTURAL_ACTIVITY, ["daily_life"], 120, "Latvijas Nacionālais muzejs", 4, 1),
]


def build_demo_group_sessions() -> None:
    """A Latvian lesson with one absent, an information session and a museum visit of the demo provider, each
    through `group_session_record` as the page records one (a mentor lists only their own clients)."""
    if GroupSession.objects.filter(contact__provider__code="DEMO").exists():
        return
    today = timezone.localdate()
    for staff_ref, days_ago, kind, topics, minutes, place, listed, absent in GROUP_SESSIONS:
        staff = Staff.objects.filter(provider__code="DEMO", staff_ref=staff_ref).select_related("user").first()
        if staff is None or staff.user is None:
            continue
        day = today - days_ago * DAY
        pool = Client.objects.filter(provider_id=staff.provider_id, service_end__isnull=True, service_start__lte=day)
        if staff.user.is_mentor:
            pool = pool.filter(mentor=staff)
        clients = list(pool.order_by("client_ref")[:listed])
        if len(clients) <= absent:
            continue
        group_session_record(
            staff=staff,
            date=day,
            kind=kind,
            topics=topics,
            duration_minutes=minutes,
            place=place,
            attendance={client: number >= absent for number, client in enumerate(clients)},
            actor=staff.user,
        )


@transaction.atomic
def build_demo_casework() -> None:
    """Referrals, reviews, assessments and closings, after the demo records and plans (`build_demo_records`,
    `build_demo_plans`)."""
    build_demo_referrals()
    build_demo_reviews()
    build_demo_assessments()
    build_demo_closings()
    build_demo_group_sessions()
