"""What a report's figures are: the typed result of `figures_for`, its categories and its rounding."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from clients.choices import RECEPTION_CENTRE, ArrivalRoute, LegalStatus
from plans.choices import ContactForm

from ..periods import Period

if TYPE_CHECKING:  # the publication-safe figures are built from these: a name for the type checker only
    from ..suppression import SafeFigures

SCHEMA = "report-figures/1"
UNKNOWN = "unknown"

# The categories of each table, in the order the spec lists them; every one is always shown.
GENDERS = ("female", "male", "other", UNKNOWN)
AGE_GROUPS = ("children", "adults", "seniors", UNKNOWN)
LEGAL_STATUSES = (*LegalStatus.values, UNKNOWN)
RESIDENCES = (RECEPTION_CENTRE, "outside", UNKNOWN)
ARRIVAL_ROUTES = (*ArrivalRoute.values, UNKNOWN)
# report-figures/1's forms: the form `group` joins `contacts.by_form` with report-figures/2 (report-metrics.md
# "Version 2: results", issue 21); until then a group session counts in the totals only.
CONTACT_FORMS = tuple(form for form in ContactForm.values if form != ContactForm.GROUP)

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
            ),
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


def figures_json(figures: ReportFigures | SafeFigures) -> dict[str, Any]:
    """The report's JSON as the spec gives it (its keys in its order), plus the contract context: of the figures
    as computed (`ReportFigures.as_json`, which the cache keeps) and of their publication-safe version, whose
    fields are the same (`reporting.render_json` marks that one as such)."""
    return {
        "schema": SCHEMA,
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
        "contacts": {
            "total": figures.contacts.total,
            "hours": figures.contacts.hours,
            "by_form": dict(figures.contacts.by_form),
            "by_topic": dict(figures.contacts.by_topic),
        },
        "contracts": [contract.as_json() for contract in figures.contracts],
        "planned_persons_by_month": (
            dict(figures.planned_persons_by_month) if figures.planned_persons_by_month is not None else None
        ),
    }
