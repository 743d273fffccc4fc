"""The casework files of exchange format version 2: episodes.csv, plans.csv, goals.csv, referrals.csv, assessments.csv.

Each is imported by a `FastImport` with its resource's widgets (exchange/resources.py), so that the cell rules and
their messages are the ones of every other file; the rules across cells, and the references to plans, goals and
institutions, are here. The files are small next to contacts.csv: they are written with Django's bulk_create and
`bulk_update_rows`, and their stored records are always looked up (`table_was_empty` is not used).

Matching, so that importing twice changes nothing: an episode by (client, service_start); a plan, goal, referral
or assessment by its reference within its provider (a plan's provider is its client's or family's, a goal's its
plan's, a referral's and an assessment's its staff member's).

Goal.created_at is a moment and goals.csv's `created_on` a day: a new goal is stored at noon of that day, local
time, and exported as its local day. A goal whose stored day equals the row's keeps its moment.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import CaseEpisode, Client
from plans.choices import REFERRAL_STATUSES_WITH_REASON, GoalStatus, ReferralStatus
from plans.models import SCORED_AREAS, Assessment, AssessmentScore, Goal, Institution, Plan, Referral

from .bulk import bulk_update_rows, values_where_in
from .cells import AREAS
from .fast import FastImport, Records, Row
from .formats import ReadError
from .results import FileCounts
from .widgets import AmbiguousRef, ImportContext, RefIndex, ambiguous

NOON = datetime.time(12, 0)


@dataclass(slots=True)
class Stored:
    """A record in the database, as a row is compared with it."""

    id: int
    provider_id: int
    values: tuple  # the attributes of the resource's `compare`
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Changed:
    row: Row
    stored: Stored
    values: tuple


def _add(row: Row, column: str, message: str) -> None:
    row.errors.setdefault(column, []).append(message)


def noon(day: datetime.date) -> datetime.datetime:
    """The moment a goal created on `day` is stored at: noon, local time."""
    return timezone.make_aware(datetime.datetime.combine(day, NOON))


def plan_index(ctx: ImportContext) -> RefIndex:
    """The plans an import's rows may name (a manager's: their provider's), loaded when first asked."""
    if ctx.plans is None:
        ctx.plans = _index(Plan, "plan_ref", ctx)
    return ctx.plans


def goal_index(ctx: ImportContext) -> RefIndex:
    if ctx.goals is None:
        ctx.goals = _index(Goal, "goal_ref", ctx)
    return ctx.goals


def _index(model: Any, ref_field: str, ctx: ImportContext) -> RefIndex:
    index = RefIndex()
    records = model.objects.all()
    if ctx.scope_provider_id is not None:
        records = records.filter(provider_id=ctx.scope_provider_id)
    for ref, pk, provider_id in records.values_list(ref_field, "id", "provider_id").iterator(chunk_size=5000):
        index.add(ref, pk, provider_id)
    return index


class CaseworkImport(FastImport):
    """What the casework importers share: references resolved before a row is matched, records found by reference."""

    def __init__(self, sheet: Records, ctx: ImportContext, errors: list[ReadError]) -> None:
        super().__init__(sheet, ctx, errors)
        self.table_was_empty = False  # small files: `load` also prepares what the rows' rules need

    def pick(self, row: Row, candidates: list[Any]) -> Any:
        self.resolve(row)
        if row.blocked:
            # It names a refused row, so it is not written: rows of later files that name it are not reported either
            # (a referral naming a goal of a refused plan).
            self.ctx.refuse(self.name, row.cells[self.ref_index].strip())
        return super().pick(row, candidates)

    def resolve(self, row: Row) -> None:
        """Turns the references the widgets only checked into ids (`row.values`), with their errors."""

    def load_by_ref(self, model: Any, rows: list[Row], fields: tuple[str, ...]) -> dict[str, list[Stored]]:
        """The stored records of the rows' references within the import's scope, with `fields` as values."""
        ref_field = self.resource.ref_column
        found: dict[str, list[Stored]] = {}
        for ref, pk, provider_id, *values in values_where_in(
            model, (ref_field, "id", "provider_id", *fields), ref_field, self.stored_refs(rows)
        ):
            if self.ctx.in_scope(provider_id):
                found.setdefault(ref, []).append(Stored(pk, provider_id, tuple(values)))
        return found

    def changed(self, row: Row, found: Stored) -> Changed | None:
        """The row's values of `compare` (a column the file leaves out keeps the stored value); None when equal."""
        after = tuple(row.values.get(name, before) for name, before in zip(self.compare, found.values, strict=True))
        provider_id = self.provider_of(row)
        if after == found.values and provider_id in (None, found.provider_id):
            return None
        return Changed(row, found, after)

    def staff_provider(self, row: Row) -> int | None:
        staff_id = row.values.get("staff_id")
        return None if staff_id is None else self.ctx.staff_by_id[staff_id].provider_id


# --- episodes.csv ---------------------------------------------------------------------------------------------


class EpisodeImport(CaseworkImport):
    """Earlier episodes of clients' cases; they may not overlap each other nor the current one (clients.csv)."""

    name = "episodes"
    model = CaseEpisode
    memoized = ("client_ref", "provider", "closure_reason")

    def __init__(self, sheet: Records, ctx: ImportContext, errors: list[ReadError]) -> None:
        super().__init__(sheet, ctx, errors)
        # Each client's episodes as the import leaves them: start -> (end, the row that gives it or None: stored).
        self.episodes: dict[int, dict[datetime.date, tuple[datetime.date, int | None]]] = {}
        self.current: dict[int, tuple[datetime.date | None, datetime.date | None]] = {}
        self.stored: dict[tuple[int, datetime.date], list[Stored]] = {}  # of the clients loaded so far

    def key(self, row: Row) -> tuple[int, datetime.date] | None:
        client_id, start = row.values.get("client_id"), row.values.get("service_start")
        return None if client_id is None or start is None else (client_id, start)

    def load(self, rows: list[Row]) -> dict[tuple[int, datetime.date], list[Stored]]:
        client_ids = sorted({row.values["client_id"] for row in rows if row.values.get("client_id") is not None})
        new_ids = [pk for pk in client_ids if pk not in self.current]
        for pk, start, end in values_where_in(Client, ("id", "service_start", "service_end"), "id", new_ids):
            self.current[pk] = (start, end)
            self.episodes[pk] = {}
        fields = ("id", "client", "service_start", "provider", *self.compare[1:])
        for pk, client_id, start, provider_id, *values in values_where_in(CaseEpisode, fields, "client", new_ids):
            self.stored[(client_id, start)] = [Stored(pk, provider_id, (provider_id, *values))]
            self.episodes[client_id][start] = (values[0], None)
        return self.stored

    def pick(self, row: Row, candidates: list[Stored]) -> Stored | None:
        """Keyed by the client's id, which the client_ref widget found within the import's scope."""
        super().pick(row, [])
        return candidates[0] if candidates else None

    def check_row(self, row: Row, found: Stored | None) -> None:
        client_id, start, end = (row.values.get(name) for name in ("client_id", "service_start", "service_end"))
        if client_id is None or start is None or end is None:
            return
        if end < start:
            _add(row, "service_end", _("The episode ends before it starts."))
            return
        current_start, current_end = self.current.get(client_id, (None, None))
        if current_start is not None and start <= (current_end or datetime.date.max) and end >= current_start:
            message = _(
                "This episode overlaps the client's current episode, from %(start)s in clients.csv; "
                "list only earlier episodes here."
            )
            _add(row, "service_start", message % {"start": current_start.isoformat()})
            return
        episodes = self.episodes.setdefault(client_id, {})
        for other_start, (other_end, other_row) in sorted(episodes.items()):
            if other_start != start and other_start <= end and other_end >= start:
                values = {"start": other_start.isoformat(), "end": other_end.isoformat(), "row": other_row}
                if other_row is None:
                    message = _("This episode overlaps the client's recorded episode from %(start)s to %(end)s.")
                else:
                    message = _("This episode overlaps the episode from %(start)s to %(end)s (row %(row)d).")
                _add(row, "service_start", message % values)
                return
        episodes[start] = (end, row.number)

    def change(self, row: Row, found: Stored) -> Changed | None:
        return self.changed(row, found)

    def write(self, new: list[Row], changed: list[Changed]) -> None:
        CaseEpisode.objects.bulk_create(
            [
                CaseEpisode(
                    client_id=row.values["client_id"],
                    provider_id=row.values["provider_id"],
                    service_start=row.values["service_start"],
                    service_end=row.values["service_end"],
                    closure_reason=row.values["closure_reason"],
                )
                for row in new
            ],
            batch_size=1000,
        )
        episodes = [CaseEpisode(id=c.stored.id, **dict(zip(self.compare, c.values, strict=True))) for c in changed]
        bulk_update_rows(CaseEpisode, episodes, ["provider", "service_end", "closure_reason"])


# --- plans.csv ------------------------------------------------------------------------------------------------


class PlanImport(CaseworkImport):
    """A plan of one client or of a family; its provider is the client's or family's."""

    name = "plans"
    model = Plan
    memoized = ("staff_ref", "status", "start", "review_date")

    def __init__(self, sheet: Records, ctx: ImportContext, errors: list[ReadError]) -> None:
        super().__init__(sheet, ctx, errors)
        self.family_providers: dict[int, int] = {}  # family id -> provider id, made when first needed

    def resolve(self, row: Row) -> None:
        """The plan's client or family, and its provider: theirs."""
        values = row.values
        if "provider_id" in values:
            return
        values["provider_id"] = None
        if values.get("client_id") is not None:
            values["provider_id"] = self.ctx.clients[self._cell(row, "client_ref")][1]
        if "family_id" not in values:
            return  # no family_ref column: the stored family stays
        ref = values["family_id"]
        values["family_id"] = None
        if ref and "family_ref" not in row.errors:
            try:
                values["family_id"], provider_id = self._family(ref, self.staff_provider_of(row))
            except ValueError as exc:
                _add(row, "family_ref", str(exc))
            else:
                values["provider_id"] = values["provider_id"] or provider_id

    def staff_provider_of(self, row: Row) -> int | None:
        staff_id = row.values.get("social_worker_id")
        return None if staff_id is None else self.ctx.staff_by_id[staff_id].provider_id

    def _family(self, ref: str, staff_provider_id: int | None) -> tuple[int, int]:
        """The family of the plan's social worker's provider, or the only one of that reference in the scope."""
        if staff_provider_id is not None and (staff_provider_id, ref) in self.ctx.families:
            return self.ctx.families[(staff_provider_id, ref)], staff_provider_id
        if not self.family_providers:
            self.family_providers = {pk: provider_id for (provider_id, _ref), pk in self.ctx.families.items()}
        found = [pk for pk in self.ctx.families_named(ref) if self.ctx.in_scope(self.family_providers[pk])]
        if len(found) > 1:
            raise ambiguous(ref)
        if not found:
            raise ValueError(_("No family with reference '%(ref)s'.") % {"ref": ref})
        return found[0], self.family_providers[found[0]]

    def provider_of(self, row: Row) -> int | None:
        return row.values.get("provider_id")

    def load(self, rows: list[Row]) -> dict[str, list[Stored]]:
        found = self.load_by_ref(Plan, rows, (*self.compare, "version"))
        for candidates in found.values():
            for stored in candidates:
                stored.extra["version"] = stored.values[-1]
                stored.values = stored.values[:-1]
        return found

    def check_row(self, row: Row, found: Stored | None) -> None:
        values = row.values
        client_given = bool(self._cell(row, "client_ref"))
        family_given = bool(self._cell(row, "family_ref"))
        if client_given == family_given:
            _add(row, "client_ref", _("Give client_ref or family_ref, one of them: whose plan is it?"))
        start, review = values.get("start_date"), values.get("review_date")
        if start and review and review < start:
            _add(row, "review_date", _("The review date is before the plan's start."))

    def _cell(self, row: Row, column: str) -> str:
        return row.cells[self.headers.index(column)].strip() if column in self.headers else ""

    def change(self, row: Row, found: Stored) -> Changed | None:
        return self.changed(row, found)

    def write(self, new: list[Row], changed: list[Changed]) -> None:
        plans = [
            Plan(
                plan_ref=row.values["plan_ref"],
                provider_id=row.values["provider_id"],
                **{attribute: row.values.get(attribute) for attribute in self.compare},
            )
            for row in new
        ]
        Plan.objects.bulk_create(plans, batch_size=1000)
        for row, plan in zip(new, plans, strict=True):
            row.id = plan.pk
        now = timezone.now()
        updated = [
            Plan(
                id=c.stored.id,
                provider_id=self.provider_of(c.row) or c.stored.provider_id,
                version=c.stored.extra["version"] + 1,  # an editor holding the plan is told it changed
                updated_at=now,
                **dict(zip(self.compare, c.values, strict=True)),
            )
            for c in changed
        ]
        names = [name.removesuffix("_id") for name in self.compare]
        bulk_update_rows(Plan, updated, [*names, "provider", "version", "updated_at"])

    def after_write(self, new: list[Row], changed: list[Changed]) -> None:
        index = plan_index(self.ctx)
        for row in new:
            assert row.id is not None
            index.add(row.values["plan_ref"], row.id, row.values["provider_id"], written=True)
        for c in changed:
            provider_id = self.provider_of(c.row) or c.stored.provider_id
            index.add(c.row.values["plan_ref"], c.stored.id, provider_id, written=True)


# --- goals.csv ------------------------------------------------------------------------------------------------


class GoalImport(CaseworkImport):
    name = "goals"
    model = Goal
    memoized = ("area", "created_on", "status", "status_date")

    def resolve(self, row: Row) -> None:
        values = row.values
        if "provider_id" in values:
            return
        values["provider_id"] = None
        ref = values.get("plan_id") or ""
        if not ref or "plan_ref" in row.errors:
            values["plan_id"] = None
            return
        values["plan_id"] = None
        if self.ctx.is_refused("plans", ref):
            row.blocked = True
            return
        try:
            found = plan_index(self.ctx).find(ref)
        except AmbiguousRef as exc:
            _add(row, "plan_ref", str(exc))
            return
        if found is None:
            _add(row, "plan_ref", _("No plan with reference '%(ref)s'.") % {"ref": ref})
            return
        values["plan_id"], values["provider_id"] = found

    def provider_of(self, row: Row) -> int | None:
        return row.values.get("provider_id")

    def load(self, rows: list[Row]) -> dict[str, list[Stored]]:
        fields = tuple("created_at" if name == "created_on" else name for name in self.compare)
        found = self.load_by_ref(Goal, rows, fields)
        position = self.compare.index("created_on")
        for candidates in found.values():
            for stored in candidates:
                values = list(stored.values)
                values[position] = timezone.localtime(values[position]).date()
                stored.values = tuple(values)
        return found

    def check_row(self, row: Row, found: Stored | None) -> None:
        values = row.values
        status, status_date, created_on = values.get("status"), values.get("status_date"), values.get("created_on")
        if not status or "status_date" in row.errors:
            return
        if status == GoalStatus.OPEN and status_date is not None:
            _add(row, "status_date", _("Leave this empty while the goal is open."))
        elif status != GoalStatus.OPEN and status_date is None:
            _add(row, "status_date", _("Give the day the goal took its status; only an open goal has none."))
        elif status_date is not None and created_on is not None and status_date < created_on:
            _add(row, "status_date", _("The status date is before the goal was created (created_on)."))

    def change(self, row: Row, found: Stored) -> Changed | None:
        return self.changed(row, found)

    def _goal(self, values: dict[str, Any], **kwargs: Any) -> Goal:
        goal = Goal(
            plan_id=values["plan_id"],
            area=values["area"],
            description=values["description"],
            status=values["status"],
            status_date=values["status_date"],
            **kwargs,
        )
        goal.created_at = noon(values["created_on"])
        return goal

    def write(self, new: list[Row], changed: list[Changed]) -> None:
        goals = [self._goal(v, goal_ref=v["goal_ref"], provider_id=v["provider_id"]) for v in (r.values for r in new)]
        moments = [goal.created_at for goal in goals]
        Goal.objects.bulk_create(goals, batch_size=1000)  # sets created_at to now (auto_now_add): set again below
        for row, goal, moment in zip(new, goals, moments, strict=True):
            row.id = goal.pk
            goal.created_at = moment
        bulk_update_rows(Goal, goals, ["created_at"])
        position = self.compare.index("created_on")
        updated = []
        for c in changed:
            values = dict(zip(self.compare, c.values, strict=True))
            goal = self._goal(values, id=c.stored.id, provider_id=self.provider_of(c.row) or c.stored.provider_id)
            if values["created_on"] == c.stored.values[position]:
                updated.append((goal, False))
            else:
                updated.append((goal, True))
        fields = ["plan", "provider", "area", "description", "status", "status_date"]
        bulk_update_rows(Goal, [goal for goal, _moved in updated], fields)
        bulk_update_rows(Goal, [goal for goal, moved in updated if moved], ["created_at"])

    def after_write(self, new: list[Row], changed: list[Changed]) -> None:
        index = goal_index(self.ctx)
        for row in new:
            assert row.id is not None
            index.add(row.values["goal_ref"], row.id, row.values["provider_id"], written=True)
        for c in changed:
            provider_id = self.provider_of(c.row) or c.stored.provider_id
            index.add(c.row.values["goal_ref"], c.stored.id, provider_id, written=True)


# --- referrals.csv --------------------------------------------------------------------------------------------


class ReferralImport(CaseworkImport):
    """A referral belongs to its staff member's provider; its institution is a name of that provider's catalogue."""

    name = "referrals"
    model = Referral
    memoized = ("date", "staff_ref", "client_ref", "institution_kind", "accompanied", "status", "outcome_date")

    def __init__(self, sheet: Records, ctx: ImportContext, errors: list[ReadError]) -> None:
        super().__init__(sheet, ctx, errors)
        self.institutions: dict[int, dict[str, int]] = {}  # provider id -> {name: id}
        self.goal_subjects: dict[int, tuple[int | None, int | None]] = {}  # goal id -> its plan's (client, family)
        self.client_families: dict[int, int | None] = {}
        self.resolved: set[int] = set()  # the numbers of the rows whose goal_ref is resolved

    def provider_of(self, row: Row) -> int | None:
        return self.staff_provider(row)

    def resolve(self, row: Row) -> None:
        values = row.values
        if "goal_id" not in values or row.number in self.resolved:
            return  # no goal_ref column (the stored goal stays), or resolved already
        self.resolved.add(row.number)
        ref = values["goal_id"]
        values["goal_id"] = None
        if not ref or "goal_ref" in row.errors:
            return
        if self.ctx.is_refused("goals", ref):
            row.blocked = True
            return
        try:
            found = goal_index(self.ctx).find(ref, self.provider_of(row))
        except AmbiguousRef as exc:
            _add(row, "goal_ref", str(exc))
            return
        if found is None:
            _add(row, "goal_ref", _("No goal with reference '%(ref)s'.") % {"ref": ref})
            return
        values["goal_id"] = found[0]

    def load(self, rows: list[Row]) -> dict[str, list[Stored]]:
        for row in rows:
            self.resolve(row)
        goal_ids = sorted({g for row in rows if (g := row.values.get("goal_id")) is not None} - set(self.goal_subjects))
        for pk, client_id, family_id_ in Goal.objects.filter(pk__in=goal_ids).values_list(
            "id", "plan__client_id", "plan__family_id"
        ):
            self.goal_subjects[pk] = (client_id, family_id_)
        client_ids = sorted({c for row in rows if (c := row.values.get("client_id")) is not None})
        missing = [pk for pk in client_ids if pk not in self.client_families]
        self.client_families.update(values_where_in(Client, ("id", "family"), "id", missing))
        fields = tuple("institution__name" if name == "institution_name" else name for name in self.compare)
        found: dict[str, list[Stored]] = {}
        records = Referral.objects.filter(referral_ref__in=self.stored_refs(rows))
        for ref, pk, provider_id, *values in records.values_list("referral_ref", "id", "provider_id", *fields):
            if self.ctx.in_scope(provider_id):
                values[self.compare.index("institution_name")] = values[self.compare.index("institution_name")] or ""
                found.setdefault(ref, []).append(Stored(pk, provider_id, tuple(values)))
        return found

    def check_row(self, row: Row, found: Stored | None) -> None:
        values = row.values
        status, date = values.get("status"), values.get("date")
        outcome_date, reason = values.get("outcome_date"), values.get("outcome_reason")
        if status == ReferralStatus.MADE:
            if outcome_date is not None:
                _add(row, "outcome_date", _("Leave this empty while the referral waits for an outcome (status made)."))
        elif status and "outcome_date" not in row.errors:
            if outcome_date is None:
                _add(row, "outcome_date", _("Give the day of the outcome: required unless the status is made."))
            elif date is not None and outcome_date < date:
                _add(row, "outcome_date", _("The outcome date is before the referral's date."))
        if reason and status and status not in REFERRAL_STATUSES_WITH_REASON:
            _add(row, "outcome_reason", _("A reason is given only for the statuses not_successful and refused."))
        goal_id, client_id = values.get("goal_id"), values.get("client_id")
        if goal_id is not None and client_id is not None:
            plan_client, plan_family = self.goal_subjects.get(goal_id, (None, None))
            family = self.client_families.get(client_id)
            if plan_client != client_id and (plan_family is None or plan_family != family):
                _add(row, "goal_ref", _("This goal is of a plan of another client or family."))

    def change(self, row: Row, found: Stored) -> Changed | None:
        return self.changed(row, found)

    def _institution(self, provider_id: int, name: str, kind: str) -> int | None:
        """The provider's institution of that name, made in its catalogue when new."""
        if not name:
            return None
        catalogue = self.institutions.get(provider_id)
        if catalogue is None:
            catalogue = self.institutions[provider_id] = dict(
                Institution.objects.filter(provider_id=provider_id).values_list("name", "id")
            )
        if name not in catalogue:
            catalogue[name] = Institution.objects.create(provider_id=provider_id, name=name, kind=kind).pk
        return catalogue[name]

    def _referral(self, values: dict[str, Any], provider_id: int, **kwargs: Any) -> Referral:
        # Not asked for the person's consent to share (plans.referrals.referral_consent_lacking), as a referral
        # made in the browser is: referrals.csv is the history, made before and elsewhere, and is kept as it was.
        return Referral(
            provider_id=provider_id,
            date=values["date"],
            staff_id=values["staff_id"],
            client_id=values["client_id"],
            institution_kind=values["institution_kind"],
            institution_id=self._institution(
                provider_id, values.get("institution_name") or "", values["institution_kind"]
            ),
            goal_id=values.get("goal_id"),
            accompanied=values.get("accompanied") or False,
            status=values["status"],
            outcome_date=values.get("outcome_date"),
            outcome_reason=values.get("outcome_reason") or "",
            **kwargs,
        )

    def write(self, new: list[Row], changed: list[Changed]) -> None:
        referrals = [
            self._referral(row.values, self.staff_provider(row) or 0, referral_ref=row.values["referral_ref"])
            for row in new
        ]
        Referral.objects.bulk_create(referrals, batch_size=1000)
        updated = [
            self._referral(
                dict(zip(self.compare, c.values, strict=True)),
                self.provider_of(c.row) or c.stored.provider_id,
                id=c.stored.id,
            )
            for c in changed
        ]
        fields = ["provider", "date", "staff", "client", "institution_kind", "institution", "goal", "accompanied"]
        bulk_update_rows(Referral, updated, [*fields, "status", "outcome_date", "outcome_reason"])


# --- assessments.csv ------------------------------------------------------------------------------------------


@dataclass(slots=True)
class ScoreChange:
    area: str
    score: int | None
    stored: tuple[int, int | None, str] | None  # (id, score, note) of the stored AssessmentScore


class AssessmentImport(CaseworkImport):
    """An assessment and one AssessmentScore for each non-empty area column; an emptied area is no longer scored."""

    name = "assessments"
    model = Assessment
    memoized = ("date", "staff_ref", "client_ref", "kind", *AREAS)

    def __init__(self, sheet: Records, ctx: ImportContext, errors: list[ReadError]) -> None:
        super().__init__(sheet, ctx, errors)
        self.areas = [area for area in AREAS if area in self.headers]

    def provider_of(self, row: Row) -> int | None:
        return self.staff_provider(row)

    def load(self, rows: list[Row]) -> dict[str, list[Stored]]:
        found = self.load_by_ref(Assessment, rows, self.compare)
        by_id = {stored.id: stored for candidates in found.values() for stored in candidates}
        for stored in by_id.values():
            stored.extra["scores"] = {}
        fields = ("assessment", "id", "area", "score", "note")
        for assessment_id, pk, area, score, note in values_where_in(AssessmentScore, fields, "assessment", list(by_id)):
            by_id[assessment_id].extra["scores"][area] = (pk, score, note)
        return found

    def _score_changes(self, row: Row, stored: dict[str, tuple[int, int | None, str]]) -> list[ScoreChange]:
        changes = []
        for area in self.areas:
            score = row.values.get(f"score_{area}")
            before = stored.get(area)
            if (before[1] if before else None) != score:
                changes.append(ScoreChange(area, score, before))
        return changes

    def change(self, row: Row, found: Stored) -> tuple[Changed | None, list[ScoreChange]] | None:
        own = self.changed(row, found)
        scores = self._score_changes(row, found.extra["scores"])
        if own is None and not scores:
            return None
        return own or Changed(row, found, found.values), scores

    def _assessment(self, values: dict[str, Any], provider_id: int, **kwargs: Any) -> Assessment:
        return Assessment(
            provider_id=provider_id,
            date=values["date"],
            staff_id=values["staff_id"],
            client_id=values["client_id"],
            kind=values["kind"],
            **kwargs,
        )

    def write(self, new: list[Row], changed: list[tuple[Changed, list[ScoreChange]]]) -> None:
        """The assessments, their score rows and each one's copy of its scores (`Assessment.area_scores`), the copy
        set here from the rows written: the database's trigger, which would read each chunk's rows back, is told so
        for the writes of this chunk (plans/migrations/sql/0011). A write the database refuses rolls the file back
        to its savepoint (FastImport._guarded), and the setting with it."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('caseapp.area_scores_written', 'on', true)")
            self._write_rows(new, changed)
            cursor.execute("SELECT set_config('caseapp.area_scores_written', 'off', true)")

    def _write_rows(self, new: list[Row], changed: list[tuple[Changed, list[ScoreChange]]]) -> None:
        assessments = [
            self._assessment(
                row.values,
                self.staff_provider(row) or 0,
                assessment_ref=row.values["assessment_ref"],
                area_scores=[row.values.get(f"score_{area}") for area in SCORED_AREAS],
            )
            for row in new
        ]
        Assessment.objects.bulk_create(assessments, batch_size=1000)
        scores = [
            AssessmentScore(assessment_id=assessment.pk, area=area, score=score)
            for row, assessment in zip(new, assessments, strict=True)
            for area in self.areas
            if (score := row.values.get(f"score_{area}")) is not None
        ]
        updated = [
            self._assessment(
                dict(zip(self.compare, c.values, strict=True)),
                self.provider_of(c.row) or c.stored.provider_id,
                id=c.stored.id,
            )
            for c, _scores in changed
        ]
        bulk_update_rows(Assessment, updated, ["provider", "date", "staff", "client", "kind"])
        rescored: list[AssessmentScore] = []
        unscored: list[int] = []
        copies: list[Assessment] = []
        for c, changes in changed:
            after = {area: stored[1] for area, stored in c.stored.extra["scores"].items()}
            for change in changes:
                after[change.area] = change.score
                if change.stored is None:
                    scores.append(AssessmentScore(assessment_id=c.stored.id, area=change.area, score=change.score))
                elif change.score is None and not change.stored[2]:
                    unscored.append(change.stored[0])  # an emptied area without a note: no longer scored
                else:
                    rescored.append(AssessmentScore(id=change.stored[0], score=change.score))
            if changes:
                copies.append(Assessment(id=c.stored.id, area_scores=[after.get(area) for area in SCORED_AREAS]))
        AssessmentScore.objects.bulk_create(scores, batch_size=1000)
        bulk_update_rows(AssessmentScore, rescored, ["score"])
        AssessmentScore.objects.filter(pk__in=unscored).delete()
        Assessment.objects.bulk_update(copies, ["area_scores"], batch_size=1000)


def import_episodes(sheet: Records, ctx: ImportContext, errors: list[ReadError]) -> FileCounts:
    return EpisodeImport(sheet, ctx, errors).run()


def import_plans(sheet: Records, ctx: ImportContext, errors: list[ReadError]) -> FileCounts:
    return PlanImport(sheet, ctx, errors).run()


def import_goals(sheet: Records, ctx: ImportContext, errors: list[ReadError]) -> FileCounts:
    return GoalImport(sheet, ctx, errors).run()


def import_referrals(sheet: Records, ctx: ImportContext, errors: list[ReadError]) -> FileCounts:
    return ReferralImport(sheet, ctx, errors).run()


def import_assessments(sheet: Records, ctx: ImportContext, errors: list[ReadError]) -> FileCounts:
    return AssessmentImport(sheet, ctx, errors).run()
