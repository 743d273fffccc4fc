"""The report figures: the sample data's expected reports, each definition of the spec, and the query count."""

import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clients.models import Client, LegalStatusEntry, ResidenceEntry
from plans.models import Contact
from reporting.figures import SCHEMA_V1, figures_for, round_half_up
from reporting.figures.types import figures_json
from reporting.presentation import percent
from tests.factories import (
    ClientFactory,
    ContractFactory,
    FamilyFactory,
    ProviderFactory,
    StaffFactory,
)

from .report_world import contact
from .sample import SAMPLE_DATA, SCHEMA_V1_ARGS, expected_reports, loaded_sample_data

D = datetime.date
JAN, FEB, MAR = (D(2026, 1, 1), D(2026, 1, 31)), (D(2026, 2, 1), D(2026, 2, 28)), (D(2026, 3, 1), D(2026, 3, 31))
Q1 = (D(2026, 1, 1), D(2026, 3, 31))


@pytest.fixture(scope="module")
def sample_data(django_db_setup, django_db_blocker):
    yield from loaded_sample_data(django_db_blocker)


def build_json(*args: str) -> dict:
    out = StringIO()
    call_command("build_report", *args, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def test_the_readme_lists_five_expected_reports():
    assert len(expected_reports()) == 5


@pytest.mark.parametrize(("name", "start", "end", "provider"), expected_reports(), ids=lambda v: str(v))
def test_each_expected_report_comes_out_exactly(sample_data, name, start, end, provider):
    expected = json.loads((SAMPLE_DATA / "expected" / name).read_text(encoding="utf-8"))
    args = ["--start", start.isoformat(), "--end", end.isoformat()]
    if provider:
        args += ["--provider", provider]

    report = build_json(*args, *SCHEMA_V1_ARGS)  # the version 1 expected reports are in version 1's JSON

    for key, value in expected.items():
        assert report[key] == value, key
    # Countries are listed by count, most first, then by code.
    assert list(report["countries"]["by_country"]) == list(expected["countries"]["by_country"])


# --- The definitions, one by one ------------------------------------------------------------------------


def figures(period=Q1, provider=None):
    return figures_for(start=period[0], end=period[1], provider=provider)


def test_a_family_contact_serves_every_member_once(lsk, worker):
    family = FamilyFactory(provider=lsk)
    named, *others = ClientFactory.create_batch(3, provider=lsk, family=family)
    contact(worker, D(2026, 1, 5), named, family=family)
    contact(worker, D(2026, 1, 6), named)

    result = figures()

    assert result.unique_persons == 3
    assert result.families == 1
    assert result.individuals == 0


def test_a_family_of_one_is_an_individual_person(lsk, worker):
    alone = ClientFactory(provider=lsk, family=FamilyFactory(provider=lsk))
    contact(worker, D(2026, 1, 5), alone)

    result = figures()

    assert (result.families, result.individuals) == (0, 1)


def test_a_family_counts_when_one_member_is_served_and_the_rest_are_not(lsk, worker):
    family = FamilyFactory(provider=lsk)
    served = ClientFactory(provider=lsk, family=family)
    ClientFactory(provider=lsk, family=family)
    contact(worker, D(2026, 1, 5), served)

    result = figures()

    assert (result.unique_persons, result.families, result.individuals) == (1, 1, 0)


def test_a_person_counts_once_in_the_period_and_once_in_each_month(lsk, worker):
    client = ClientFactory(provider=lsk)
    for day in (D(2026, 1, 5), D(2026, 1, 20), D(2026, 2, 3)):
        contact(worker, day, client)

    result = figures()

    assert result.unique_persons == 1
    assert result.persons_by_month == {"2026-01": 1, "2026-02": 1, "2026-03": 0}


def test_months_without_contacts_count_in_the_average(lsk, worker):
    contact(worker, D(2026, 1, 5), *ClientFactory.create_batch(2, provider=lsk))

    result = figures()

    assert result.average_persons_per_month == 0.7  # 2 persons / 3 months


def test_a_period_within_months_counts_only_its_own_days(lsk, worker):
    early, late = ClientFactory.create_batch(2, provider=lsk)
    contact(worker, D(2026, 1, 14), early)
    contact(worker, D(2026, 2, 15), late)

    result = figures((D(2026, 1, 15), D(2026, 2, 15)))

    assert result.persons_by_month == {"2026-01": 0, "2026-02": 1}
    assert result.unique_persons == 1


def test_age_is_in_completed_years_on_the_last_day(lsk, worker):
    end = D(2026, 3, 31)
    birthdays = [D(2008, 3, 31), D(2008, 4, 1), D(1965, 3, 31), D(1965, 4, 1), None]
    clients = [ClientFactory(provider=lsk, birth_date=day) for day in birthdays]
    contact(worker, D(2026, 1, 5), *clients)

    result = figures((D(2026, 1, 1), end))

    # 18 today, 17 until tomorrow, 61 today, 60 until tomorrow, unknown.
    assert result.age_groups == {"children": 1, "adults": 2, "seniors": 1, "unknown": 1}
    assert result.average_age == 39.0  # (18 + 17 + 61 + 60) / 4
    assert result.average_age_adults == 39.0  # (18 + 60) / 2


def test_average_ages_round_halves_up(lsk, worker):
    end = D(2026, 3, 31)
    ages = [20, 20, 20, 21]  # 20.25: half-even would give 20.2
    clients = [ClientFactory(provider=lsk, birth_date=D(end.year - age, 1, 1)) for age in ages]
    contact(worker, D(2026, 1, 5), *clients)

    assert figures().average_age == 20.3


def test_averages_are_none_when_nobody_has_a_birth_date(lsk, worker):
    contact(worker, D(2026, 1, 5), ClientFactory(provider=lsk, birth_date=None))

    result = figures()

    assert (result.average_age, result.average_age_adults) == (None, None)


def test_gender_is_counted_in_each_age_group(lsk, worker):
    people = [
        ClientFactory(provider=lsk, gender="F", birth_date=D(2020, 1, 1)),
        ClientFactory(provider=lsk, gender="M", birth_date=D(1990, 1, 1)),
        ClientFactory(provider=lsk, gender="X", birth_date=D(1950, 1, 1)),
        ClientFactory(provider=lsk, gender="", birth_date=None),
    ]
    contact(worker, D(2026, 1, 5), *people)

    result = figures()

    assert result.gender == {"female": 1, "male": 1, "other": 1, "unknown": 1}
    assert result.gender_by_age_group["children"] == {"female": 1, "male": 0, "other": 0, "unknown": 0}
    assert result.gender_by_age_group["seniors"]["other"] == 1
    assert result.gender_by_age_group["unknown"]["unknown"] == 1


def test_missing_country_and_arrival_route_count_as_unknown(lsk, worker):
    contact(
        worker,
        D(2026, 1, 5),
        ClientFactory(provider=lsk, country="SY", arrival_route="relocation"),
        ClientFactory(provider=lsk, country="SY", arrival_route=""),
        ClientFactory(provider=lsk, country="", arrival_route=""),
    )

    result = figures()

    assert result.countries.count == 1
    assert result.countries.by_country == {"SY": 2, "unknown": 1}
    assert result.arrival_route == {
        "relocation": 1,
        "resettlement": 0,
        "independent": 0,
        "family_reunification": 0,
        "unknown": 2,
    }


def test_status_and_residence_are_the_latest_on_the_last_day(lsk, worker):
    moved, not_yet, never = ClientFactory.create_batch(3, provider=lsk)
    LegalStatusEntry.objects.create(client=moved, legal_status="asylum_seeker", since=D(2025, 6, 1))
    LegalStatusEntry.objects.create(client=moved, legal_status="refugee", since=D(2026, 3, 31))
    LegalStatusEntry.objects.create(client=not_yet, legal_status="asylum_seeker", since=D(2026, 1, 1))
    LegalStatusEntry.objects.create(client=not_yet, legal_status="refugee", since=D(2026, 4, 1))
    ResidenceEntry.objects.create(client=moved, residence="reception_centre", since=D(2025, 6, 1))
    ResidenceEntry.objects.create(client=moved, residence="Rīga", since=D(2026, 2, 1))
    ResidenceEntry.objects.create(client=not_yet, residence="reception_centre", since=D(2026, 1, 1))
    ResidenceEntry.objects.create(client=never, residence="Ogre", since=D(2026, 4, 1))
    contact(worker, D(2026, 1, 5), moved, not_yet, never)

    result = figures()

    assert result.legal_status == {
        "asylum_seeker": 1,
        "refugee": 1,
        "alternative": 0,
        "rejected": 0,
        "other": 0,
        "unknown": 1,
    }
    assert result.residence == {"reception_centre": 1, "outside": 1, "unknown": 1}


def test_new_persons_had_no_contact_before_the_period_of_any_provider_or_through_their_family(lsk, worker):
    other = StaffFactory(provider=ProviderFactory(code="CARITAS"))
    family = FamilyFactory(provider=lsk)
    new = ClientFactory(provider=lsk)
    seen_elsewhere = ClientFactory(provider=lsk)
    ClientFactory.create_batch(2, provider=lsk, family=family)
    contact(other, D(2025, 12, 20), seen_elsewhere)
    contact(worker, D(2025, 11, 2), family=family)
    contact(worker, D(2026, 1, 5), new, seen_elsewhere)
    contact(worker, D(2026, 1, 6), family=family)
    contact(worker, D(2026, 4, 5), ClientFactory(provider=lsk))  # after the period: not served

    result = figures(provider=lsk)

    assert result.unique_persons == 4  # with both members of the family
    assert result.new_persons == 1


def test_a_report_from_before_the_first_contact_counts_every_person_served_as_new(lsk, worker):
    # No probe for each person then (reporting.figures.persons._history_before); the figures are the same.
    family = FamilyFactory(provider=lsk)
    ClientFactory.create_batch(2, provider=lsk, family=family)
    contact(worker, D(2026, 1, 5), ClientFactory(provider=lsk), family=family)
    contact(worker, D(2026, 2, 6), ClientFactory(provider=lsk))

    from_the_start, later = figures(), figures(period=(D(2026, 2, 1), D(2026, 3, 31)))

    assert (from_the_start.unique_persons, from_the_start.new_persons) == (4, 4)
    assert (later.unique_persons, later.new_persons) == (1, 1)
    contact(worker, D(2025, 12, 1), *Client.objects.filter(family=family))  # now with history before the period
    assert (figures().unique_persons, figures().new_persons) == (4, 2)


def test_a_provider_report_has_only_its_staffs_contacts(lsk, worker):
    other = StaffFactory(provider=ProviderFactory(code="CARITAS"), role="mentor")
    client = ClientFactory(provider=lsk)
    contact(worker, D(2026, 1, 5), client)
    contact(other, D(2026, 1, 6), client, ClientFactory(provider=lsk))

    mine, everyone = figures(provider=lsk), figures()

    assert (mine.provider, mine.unique_persons, mine.contacts.total) == ("LSK", 1, 1)
    assert (everyone.provider, everyone.unique_persons, everyone.contacts.total) == (None, 2, 2)
    assert (mine.staff.social_workers, mine.staff.mentors) == (1, 0)
    assert (everyone.staff.social_workers, everyone.staff.mentors) == (1, 1)


def test_staff_count_once_however_many_contacts_they_delivered(lsk, worker):
    mentors = StaffFactory.create_batch(2, provider=lsk, role="mentor")
    client = ClientFactory(provider=lsk)
    for staff in (worker, worker, *mentors, mentors[0]):
        contact(staff, D(2026, 1, 5), client)

    result = figures()

    assert (result.staff.social_workers, result.staff.mentors) == (1, 2)


def test_contacts_count_by_form_and_under_each_of_their_topics(lsk, worker):
    client = ClientFactory(provider=lsk)
    contact(worker, D(2026, 1, 5), client, form="phone", minutes=45, topics=("housing", "health"))
    contact(worker, D(2026, 1, 6), client, form="phone", minutes=None, topics=("housing",))
    contact(worker, D(2026, 1, 7), client, form="accompaniment", minutes=50)
    group = contact(worker, D(2026, 1, 8), client, form="group", minutes=None)
    Contact.objects.filter(pk=group.pk).update(interpreter=True)

    result = figures()

    assert result.contacts.total == 4
    assert result.contacts.hours == 1.6  # 95 minutes
    assert result.contacts.by_form == {"in_person": 0, "accompaniment": 1, "phone": 2, "electronic": 0, "group": 1}
    assert result.contacts.by_topic == {"health": 1, "housing": 2}
    assert result.contacts.interpreter_contacts == 1
    # Version 1's JSON has no form `group` (a group session counts in the totals only) nor interpreter_contacts.
    v1 = figures_json(result, schema=SCHEMA_V1)["contacts"]
    assert v1 == {
        "total": 4,
        "hours": 1.6,
        "by_form": {"in_person": 0, "accompaniment": 1, "phone": 2, "electronic": 0},
        "by_topic": {"health": 1, "housing": 2},
    }


def test_an_empty_period_still_shows_every_key_and_category(lsk):
    data = figures(provider=lsk).as_json()

    assert data["unique_persons"] == 0
    assert data["average_persons_per_month"] == 0.0
    assert data["average_age"] is None
    assert data["persons_by_month"] == {"2026-01": 0, "2026-02": 0, "2026-03": 0}
    assert data["gender_by_age_group"]["seniors"] == {"female": 0, "male": 0, "other": 0, "unknown": 0}
    assert data["contacts"] == {
        "total": 0,
        "hours": 0.0,
        "by_form": {"in_person": 0, "accompaniment": 0, "phone": 0, "electronic": 0, "group": 0},
        "by_topic": {},
        "interpreter_contacts": 0,
    }
    assert data["countries"] == {"count": 0, "by_country": {}}
    assert data["results"]["referrals"]["success_rate"] is None
    assert data["results"]["goals"]["set"]["total"] == 0
    assert data["results"]["self_sufficiency"]["by_area"]["housing"]["mean_change"] is None
    assert set(data["results"]["closures"]["by_reason"].values()) == {0}


def test_a_provider_report_carries_its_contracts_and_each_months_target(lsk):
    ContractFactory(provider=lsk, number="S-1", start=D(2025, 1, 1), end=D(2026, 1, 31), planned_persons_per_month=80)
    ContractFactory(provider=lsk, number="S-2", start=D(2026, 2, 1), end=D(2026, 12, 31), planned_persons_per_month=90)
    ContractFactory(provider=lsk, number="S-0", start=D(2024, 1, 1), end=D(2024, 12, 31))

    result = figures(provider=lsk)

    assert [c.number for c in result.contracts] == ["S-1", "S-2"]
    assert result.planned_persons_by_month == {"2026-01": 80, "2026-02": 90, "2026-03": 90}
    assert result.as_json()["contracts"][1] == {
        "number": "S-2",
        "start": "2026-02-01",
        "end": "2026-12-31",
        "planned_persons_per_month": 90,
    }
    assert figures().contracts == ()


def test_percentages_are_of_unique_persons_rounded_half_up(lsk, worker):
    contact(worker, D(2026, 1, 5), *ClientFactory.create_batch(8, provider=lsk))

    total = figures().unique_persons

    assert (percent(1, total), percent(3, total), percent(8, total)) == (13, 38, 100)  # 12.5, 37.5, 100


def test_rounding_to_one_decimal_takes_halves_up():
    assert (round_half_up(1, 4), round_half_up(3, 4), round_half_up(2, 3), round_half_up(0, 0)) == (0.3, 0.8, 0.7, None)


def test_a_start_after_the_end_is_refused():
    with pytest.raises(ValueError):
        figures_for(start=D(2026, 2, 1), end=D(2026, 1, 31))


# --- Queries --------------------------------------------------------------------------------------------


def make_caseload(provider, size):
    staff = [StaffFactory(provider=provider, role=role) for role in ("social_worker", "mentor")]
    for i in range(size):
        family = FamilyFactory(provider=provider)
        members = ClientFactory.create_batch(2, provider=provider, family=family)
        single = ClientFactory(provider=provider)
        LegalStatusEntry.objects.create(client=single, legal_status="refugee", since=D(2025, 1, 1))
        ResidenceEntry.objects.create(client=single, residence="Rīga", since=D(2025, 1, 1))
        day = D(2026, 1 + i % 3, 1 + i % 28)
        contact(staff[i % 2], day, single, topics=("housing",))
        contact(staff[i % 2], day, members[0], family=family, topics=("health", "documents"))


@pytest.mark.parametrize("with_provider", [False, True])
def test_the_number_of_queries_does_not_grow_with_persons_and_contacts(lsk, with_provider):
    ContractFactory(provider=lsk)
    provider = lsk if with_provider else None

    make_caseload(lsk, 2)
    with CaptureQueriesContext(connection) as few:
        small = figures(provider=provider)
    make_caseload(lsk, 20)
    with CaptureQueriesContext(connection) as many:
        large = figures(provider=provider)

    assert (small.unique_persons, large.unique_persons) == (6, 66)
    # 9 for report-figures/1, then the contacts with an interpreter and the four statements of `results`.
    assert len(few) == len(many) <= 14
