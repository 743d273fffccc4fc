"""What a report's figures are: the typed result of `figures_for`, its categories and its rounding."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from clients.choices import RECEPTION_CENTRE, ArrivalRoute, ClosureReason, InstitutionKind, LegalStatus
from plans.choices import ContactForm, GoalArea, GoalStatus, ReferralStatus

from ..periods import Period

if TYPE_CHECKING:  # the publication-safe figures are built from these: a name for the type checker only
    from ..suppression import SafeFigures

# The schema reports are produced in; report-figures/1 (without the form `group`, `interpreter_contacts` and
# `results`) is still given on request (`figures_json(..., schema=SCHEMA_V1)`, `build_report --schema`).
SCHEMA = "report-figures/2"
SCHEMA_V1 = "report-figures/1"
SCHEMAS = (SCHEMA, SCHEMA_V1)
UNKNOWN = "unknown"

# The categories of each table, in the order the spec lists them; every one is always shown.
GENDERS = ("female", "male", "other", UNKNOWN)
AGE_GROUPS = ("children", "adults", "seniors", UNKNOWN)
LEGAL_STATUSES = (*LegalStatus.values, UNKNOWN)
RESIDENCES = (RECEPTION_CENTRE, "outside", UNKNOWN)
ARRIVAL_ROUTES = (*ArrivalRoute.values, UNKNOWN)
# The forms of `contacts.by_form`: report-figures/2's every form; report-figures/1's without `group` (there a group
# session counts in the totals only).
CONTACT_FORMS = tuple(ContactForm.values)
CONTACT_FORMS_V1 = tuple(form for form in CONTACT_FORMS if form != ContactForm.GROUP)
# The categories of `results` (report-metrics.md "Version 2: results").
INSTITUTION_KINDS = tuple(InstitutionKind.values)
REFERRAL_OUTCOMES = tuple(ReferralStatus.values)
GOAL_AREAS = tuple(GoalArea.values)
GOAL_OUTCOMES = (GoalStatus.ACHIEVED, GoalStatus.PARTLY_ACHIEVED, GoalStatus.NOT_ACHIEVED, GoalStatus.DROPPED)
CLOSURE_REASONS = tuple(ClosureReason.values)
TOTAL = "total"

_GENDER_KEYS = {"F": "female", "M": "male", "X": "other"}
ADULT_FROM, SENIOR_AFTER = 18, 60


@dataclass(frozen=True)
class ContractTarget:
    """A contract of the report's provider that overlaps the period."""

    number: str
    start: datetime.date
    end: datetime.date
    planned_persons_per_month: int | None

    def as_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "planned_persons_per_month": self.planned_persons_per_month,
        }


@dataclass(frozen=True)
class CountryFigures:
    count: int
    by_country: dict[str, int]


@dataclass(frozen=True)
class StaffFigures:
    social_workers: int
    mentors: int


@dataclass(frozen=True)
class ContactFigures:
    total: int
    hours: float
    by_form: dict[str, int]
    by_topic: dict[str, int]
    interpreter_contacts: int = 0


# A count of persons: an int as computed; in the publication-safe version (reporting.suppression) an int or its
# mark. The results' types are generic in it, so that both versions share them (and `figures_json`).
N = TypeVar("N")


@dataclass(frozen=True)
class ReferralFigures(Generic[N]):
    """`results.referrals`: the referrals dated in the period."""

    total: int
    persons: N
    accompanied: int
    by_kind: dict[str, int]
    # Each referral's status as of the period's last day.
    outcomes: dict[str, int]
    # completed / (completed + not_successful + refused), whole per cent; None when that sum is 0.
    success_rate: int | None


@dataclass(frozen=True)
class GoalFigures:
    """`results.goals`: each {area: count, ..., "total": count}. Goals are not persons: never suppressed."""

    set: dict[str, int]
    achieved: dict[str, int]
    partly_achieved: dict[str, int]
    not_achieved: dict[str, int]
    dropped: dict[str, int]
    open_at_end: dict[str, int]


@dataclass(frozen=True)
class AreaChange(Generic[N]):
    """One area of `results.self_sufficiency.by_area`: the persons with two scores of it, compared."""

    persons: N
    improved: N
    same: N
    worse: N
    mean_change: float | N | None


@dataclass(frozen=True)
class SelfSufficiencyFigures(Generic[N]):
    persons_assessed_twice: N
    by_area: dict[str, AreaChange[N]]
    improved_in_any_area: N


@dataclass(frozen=True)
class ClosureFigures(Generic[N]):
    """`results.closures`: case episodes (each one person's) ended in the period, and those reopened."""

    total: int
    by_reason: dict[str, N]
    reopened: N


@dataclass(frozen=True)
class ResultFigures(Generic[N]):
    """`results` of report-figures/2."""

    referrals: ReferralFigures[N]
    goals: GoalFigures
    self_sufficiency: SelfSufficiencyFigures[N]
    closures: ClosureFigures[N]

    def as_json(self) -> dict[str, Any]:
        referrals, goals, ss, closures = self.referrals, self.goals, self.self_sufficiency, self.closures
        return {
            "referrals": {
                "total": referrals.total,
                "persons": referrals.persons,
                "accompanied": referrals.accompanied,
                "by_kind": dict(referrals.by_kind),
                "outcomes": dict(referrals.outcomes),
                "success_rate": referrals.success_rate,
            },
            "goals": {name: dict(getattr(goals, name)) for name in GOAL_COUNTS},
            "self_sufficiency": {
                "persons_assessed_twice": ss.persons_assessed_twice,
                "by_area": {
                    area: {
                        "persons": change.persons,
                        "improved": change.improved,
                        "same": change.same,
                        "worse": change.worse,
                        "mean_change": change.mean_change,
                    }
                    for area, change in ss.by_area.items()
                },
                "improved_in_any_area": ss.improved_in_any_area,
            },
            "closures": {"total": closures.total, "by_reason": dict(closures.by_reason), "reopened": closures.reopened},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ResultFigures[int]:
        referrals, ss, closures = data["referrals"], data["self_sufficiency"], data["closures"]
        return ResultFigures(
            referrals=ReferralFigures(
                total=referrals["total"],
                persons=referrals["persons"],
                accompanied=referrals["accompanied"],
                by_kind=referrals["by_kind"],
                outcomes=referrals["outcomes"],
                success_rate=referrals["success_rate"],
            ),
            goals=GoalFigures(**{name: data["goals"][name] for name in GOAL_COUNTS}),
            self_sufficiency=SelfSufficiencyFigures(
                persons_assessed_twice=ss["persons_assessed_twice"],
                by_area={area: AreaChange(**change) for area, change in ss["by_area"].items()},
                improved_in_any_area=ss["improved_in_any_area"],
            ),
            closures=ClosureFigures(
                total=closures["total"], by_reason=closures["by_reason"], reopened=closures["reopened"]
            ),
        )


# The counts of `results.goals`, in the spec's order.
GOAL_COUNTS = ("set", "achieved", "partly_achieved", "not_achieved", "dropped", "open_at_end")


@dataclass(frozen=True)
class ReportFigures:
    """Every figure of one report. The dicts are never changed after `figures_for` builds them."""

    period: Period
    provider: str | None
    provider_name: str | None
    unique_persons: int
    new_persons: int
    persons_by_month: dict[str, int]
    average_persons_per_month: float
    families: int
    individuals: int
    gender: dict[str, int]
    age_groups: dict[str, int]
    gender_by_age_group: dict[str, dict[str, int]]
    average_age: float | None
    average_age_adults: float | None
    countries: CountryFigures
    legal_status: dict[str, int]
    residence: dict[str, int]
    arrival_route: dict[str, int]
    staff: StaffFigures
    contacts: ContactFigures
    results: ResultFigures[int]
    # Only for one provider's report; empty for all providers.
    contracts: tuple[ContractTarget, ...] = ()
    # The planned persons of each month, from the contract covering it; None without one.
    planned_persons_by_month: dict[str, int | None] | None = None

    def as_json(self) -> dict[str, Any]:
        """The report's JSON as the spec gives it, plus the contract context (`figures_json`)."""
        return figures_json(self)

    @classmethod
    def from_json(cls, data: dict[str, Any], *, provider_name: str | None) -> ReportFigures:
        """The figures back from `as_json` (the cache keeps them so)."""
        contacts, countries, staff = data["contacts"], data["countries"], data["staff"]
        return cls(
            period=Period(
                datetime.date.fromisoformat(data["period"]["start"]), datetime.date.fromisoformat(data["period"]["end"])
            ),
            provider=data["provider"],
            provider_name=provider_name,
            unique_persons=data["unique_persons"],
            new_persons=data["new_persons"],
            persons_by_month=data["persons_by_month"],
            average_persons_per_month=data["average_persons_per_month"],
            families=data["families"],
            individuals=data["individuals"],
            gender=data["gender"],
            age_groups=data["age_groups"],
            gender_by_age_group=data["gender_by_age_group"],
            average_age=data["average_age"],
            average_age_adults=data["average_age_adults"],
            countries=CountryFigures(count=countries["count"], by_country=countries["by_country"]),
            legal_status=data["legal_status"],
            residence=data["residence"],
            arrival_route=data["arrival_route"],
            staff=StaffFigures(social_workers=staff["social_workers"], mentors=staff["mentors"]),
            contacts=ContactFigures(
                total=contacts["total"],
                hours=contacts["hours"],
                by_form=contacts["by_form"],
                by_topic=contacts["by_topic"],
                interpreter_contacts=contacts["interpreter_contacts"],
            ),
            results=ResultFigures.from_json(data["results"]),
            contracts=tuple(
                ContractTarget(
                    number=c["number"],
                    start=datetime.date.fromisoformat(c["start"]),
                    end=datetime.date.fromisoformat(c["end"]),
                    planned_persons_per_month=c["planned_persons_per_month"],
                )
                for c in data["contracts"]
            ),
            planned_persons_by_month=data["planned_persons_by_month"],
        )


def round_half_up(numerator: int, denominator: int) -> float | None:
    """numerator / denominator to one decimal, halves up (not Python's round-half-even); None for 0/0."""
    if not denominator:
        return None
    return ((20 * numerator + denominator) // (2 * denominator)) / 10


def round_half_away(numerator: int, denominator: int, *, places: int = 1) -> float | None:
    """numerator / denominator to `places` decimals, halves away from zero (-0.25 → -0.3: `results`' rounding,
    report-metrics.md "Version 2: results"); None for 0/0. Integer arithmetic: no float error at the half."""
    if not denominator:
        return None
    scale = 10**places
    sign = -1 if (numerator < 0) != (denominator < 0) else 1
    n, d = abs(numerator), abs(denominator)
    return sign * ((2 * n * scale + d) // (2 * d)) / scale


def percent_half_away(numerator: int, denominator: int) -> int | None:
    """numerator / denominator in whole per cent, halves away from zero (12.5 % → 13 %); None for 0/0."""
    if not denominator:
        return None
    return int(round_half_away(100 * numerator, denominator, places=0) or 0)


def figures_json(figures: ReportFigures | SafeFigures, *, schema: str = SCHEMA) -> dict[str, Any]:
    """The report's JSON as the spec gives it (its keys in its order), plus the contract context: of the figures
    as computed (`ReportFigures.as_json`, which the cache keeps) and of their publication-safe version, whose
    fields are the same (`reporting.render_json` marks that one as such). `schema` SCHEMA_V1: the version 1
    JSON (no form `group`, `interpreter_contacts` or `results`)."""
    if schema not in SCHEMAS:
        raise ValueError(f"unknown schema {schema!r}")
    v1 = schema == SCHEMA_V1
    contacts: dict[str, Any] = {
        "total": figures.contacts.total,
        "hours": figures.contacts.hours,
        "by_form": {form: n for form, n in figures.contacts.by_form.items() if not v1 or form in CONTACT_FORMS_V1},
        "by_topic": dict(figures.contacts.by_topic),
    }
    if not v1:
        contacts["interpreter_contacts"] = figures.contacts.interpreter_contacts
    data: dict[str, Any] = {
        "schema": schema,
        "period": {"start": figures.period.start.isoformat(), "end": figures.period.end.isoformat()},
        "provider": figures.provider,
        "unique_persons": figures.unique_persons,
        "new_persons": figures.new_persons,
        "persons_by_month": dict(figures.persons_by_month),
        "average_persons_per_month": figures.average_persons_per_month,
        "families": figures.families,
        "individuals": figures.individuals,
        "gender": dict(figures.gender),
        "age_groups": dict(figures.age_groups),
        "gender_by_age_group": {group: dict(row) for group, row in figures.gender_by_age_group.items()},
        "average_age": figures.average_age,
        "average_age_adults": figures.average_age_adults,
        "countries": {"count": figures.countries.count, "by_country": dict(figures.countries.by_country)},
        "legal_status": dict(figures.legal_status),
        "residence": dict(figures.residence),
        "arrival_route": dict(figures.arrival_route),
        "staff": {"social_workers": figures.staff.social_workers, "mentors": figures.staff.mentors},
        "contacts": contacts,
    }
    if not v1:
        data["results"] = figures.results.as_json()
    data["contracts"] = [contract.as_json() for contract in figures.contracts]
    data["planned_persons_by_month"] = (
        dict(figures.planned_persons_by_month) if figures.planned_persons_by_month is not None else None
    )
    return data
