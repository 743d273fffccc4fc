"""The publication-safe version: small counts of persons hidden, and none of them can be worked back."""

import json
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from reporting.figures import (
    AGE_GROUPS,
    ARRIVAL_ROUTES,
    CONTACT_FORMS,
    GENDERS,
    LEGAL_STATUSES,
    RESIDENCES,
    ReportFigures,
)
from reporting.figures.types import (
    CLOSURE_REASONS,
    GOAL_AREAS,
    GOAL_COUNTS,
    INSTITUTION_KINDS,
    REFERRAL_OUTCOMES,
)
from reporting.render_json import report_json
from reporting.suppression import (
    HIDDEN,
    SMALL,
    Line,
    SafeFigures,
    Suppressed,
    publication_safe,
    shown_figures,
    suppress_cells,
)

COUNTRIES = ("SY", "AF", "IQ", "UA", "unknown")


def results(**parts):
    """`results` of a report's JSON: nothing recorded, but for the `parts` given."""
    areas = dict.fromkeys(GOAL_AREAS, 0)
    empty = {
        "referrals": {
            "total": 0,
            "persons": 0,
            "accompanied": 0,
            "by_kind": dict.fromkeys(INSTITUTION_KINDS, 0),
            "outcomes": dict.fromkeys(REFERRAL_OUTCOMES, 0),
            "success_rate": None,
        },
        "goals": {name: {**areas, "total": 0} for name in GOAL_COUNTS},
        "self_sufficiency": {
            "persons_assessed_twice": 0,
            "by_area": {
                area: {"persons": 0, "improved": 0, "same": 0, "worse": 0, "mean_change": None} for area in GOAL_AREAS
            },
            "improved_in_any_area": 0,
        },
        "closures": {"total": 0, "by_reason": dict.fromkeys(CLOSURE_REASONS, 0), "reopened": 0},
    }
    return empty | parts


def report(persons, months=None, contacts=None, results_json=None):
    """A report's JSON built from persons given as (gender, age group, status, residence, route, country)."""
    tables = [Counter(person[i] for person in persons) for i in range(6)]
    grid = Counter((person[1], person[0]) for person in persons)
    by_country = dict(sorted(tables[5].items(), key=lambda item: (-item[1], item[0])))
    return {
        "schema": "report-figures/2",
        "period": {"start": "2026-01-01", "end": "2026-03-31"},
        "provider": None,
        "unique_persons": len(persons),
        "new_persons": len(persons) // 2,
        "persons_by_month": months or {"2026-01": len(persons)},
        "average_persons_per_month": 1.0,
        "families": 1,
        "individuals": len(persons) // 3,
        "gender": {g: tables[0][g] for g in GENDERS},
        "age_groups": {a: tables[1][a] for a in AGE_GROUPS},
        "gender_by_age_group": {a: {g: grid[(a, g)] for g in GENDERS} for a in AGE_GROUPS},
        "average_age": 30.0,
        "average_age_adults": 35.0,
        "countries": {"count": len([c for c in by_country if c != "unknown"]), "by_country": by_country},
        "legal_status": {s: tables[2][s] for s in LEGAL_STATUSES},
        "residence": {r: tables[3][r] for r in RESIDENCES},
        "arrival_route": {r: tables[4][r] for r in ARRIVAL_ROUTES},
        "staff": {"social_workers": 1, "mentors": 3},
        "contacts": contacts
        or {
            "total": 3,
            "hours": 2.5,
            "by_form": dict.fromkeys(CONTACT_FORMS, 0) | {"phone": 3},
            "by_topic": {"crisis": 2},
            "interpreter_contacts": 1,
        },
        "results": results_json or results(),
        "contracts": [],
        "planned_persons_by_month": None,
    }


def figures(data: dict) -> ReportFigures:
    return ReportFigures.from_json(data, provider_name=None)


def suppress_json(data: dict) -> dict:
    """The publication-safe version of the figures of a report's JSON, as its JSON."""
    return report_json(publication_safe(figures(data)))


def feasible_values(marks: list, cell: int, rest: int) -> set[int]:
    """The values hidden cell `cell` can take, the hidden cells summing to `rest`, by their marks alone."""
    ranges = [range(1, 5) if mark == SMALL else range(5, rest + 1) for mark in marks]
    sums = {0}
    for i, values in enumerate(ranges):
        if i != cell:
            sums = {s + v for s in sums for v in values if s + v <= rest}
    return {v for v in ranges[cell] if rest - v in sums}


def assert_not_worked_back(cells: dict, total) -> None:
    """Neither total minus the cells shown, nor that and the marks, gives a hidden cell's value."""
    if not isinstance(total, int):
        return
    marks = [v for v in cells.values() if not isinstance(v, int)]
    if not marks or len(marks) == len(cells):
        return  # nothing hidden, or all: no more could be hidden
    assert len(marks) >= 2, cells
    rest = total - sum(v for v in cells.values() if isinstance(v, int))
    for i in range(len(marks)):
        assert len(feasible_values(marks, i, rest)) != 1, (cells, total)


def assert_safe(original: dict, safe: dict) -> None:
    total = original["unique_persons"]
    assert safe["suppressed"] is True
    assert safe["unique_persons"] == total
    for key in ("gender", "age_groups", "legal_status", "residence", "arrival_route"):
        assert_not_worked_back(safe[key], total)
    assert_not_worked_back(safe["countries"]["by_country"], total)
    assert_not_worked_back(safe["persons_by_month"], sum(original["persons_by_month"].values()))
    grid = safe["gender_by_age_group"]
    for group, row in grid.items():
        assert_not_worked_back(row, safe["age_groups"][group])
    for gender in GENDERS:
        assert_not_worked_back({group: row[gender] for group, row in grid.items()}, safe["gender"][gender])
    # What is shown is true: a number as it was, "<5" for 0–4, "x" for 5 or more.
    for table in ("gender", "age_groups", "legal_status", "residence", "arrival_route", "persons_by_month"):
        assert_marks_true(original[table], safe[table])
    assert_marks_true(original["countries"]["by_country"], safe["countries"]["by_country"], ordered=False)
    for group in AGE_GROUPS:
        assert_marks_true(original["gender_by_age_group"][group], grid[group])


def assert_marks_true(original: dict, safe: dict, *, ordered: bool = True) -> None:
    assert list(original) == list(safe) if ordered else sorted(original) == sorted(safe)
    for key, value in safe.items():
        if isinstance(value, int):
            assert value == original[key] and not 0 < value < 5
        else:
            assert value == (SMALL if original[key] < 5 else HIDDEN)


person = st.tuples(
    st.sampled_from(GENDERS),
    st.sampled_from(AGE_GROUPS),
    st.sampled_from(LEGAL_STATUSES),
    st.sampled_from(RESIDENCES),
    st.sampled_from(ARRIVAL_ROUTES),
    st.sampled_from(COUNTRIES),
)
# Caseloads of a few kinds of person, each a few times: skewed tables with the small cells that matter.
caseload = st.lists(person, min_size=1, max_size=6).flatmap(
    lambda kinds: st.lists(st.integers(1, 25), min_size=len(kinds), max_size=len(kinds)).map(
        lambda times: [kind for kind, n in zip(kinds, times, strict=True) for _ in range(n)]
    )
)
months = st.dictionaries(st.sampled_from(["2026-01", "2026-02", "2026-03", "2026-04"]), st.integers(0, 30), min_size=1)


@settings(max_examples=300, deadline=None)
@given(persons=caseload, months=months)
def test_no_hidden_cell_can_be_worked_back_from_its_tables_totals(persons, months):
    original = report(persons, dict(sorted(months.items())))

    assert_safe(original, suppress_json(original))


@settings(max_examples=300, deadline=None)
@given(values=st.lists(st.integers(0, 12), min_size=1, max_size=8))
def test_a_single_line_never_leaves_one_hidden_cell_or_one_possible_value(values):
    cells = dict(enumerate(values))

    hidden = suppress_cells(cells, [Line(list(cells))])

    shown = {k: (v if k not in hidden else (SMALL if v < 5 else HIDDEN)) for k, v in cells.items()}
    assert {k for k, v in cells.items() if 0 < v < 5} <= hidden
    assert_not_worked_back(shown, sum(values))


def test_counts_of_one_to_four_persons_show_as_fewer_than_five():
    persons = [("female", "adults", "refugee", "outside", "independent", "SY")] * 30
    persons += [("male", "adults", "refugee", "outside", "independent", "SY")] * 20
    persons += [("male", "children", "asylum_seeker", "outside", "independent", "AF")] * 3

    safe = suppress_json(report(persons))

    assert safe["age_groups"] == {"children": SMALL, "adults": HIDDEN, "seniors": 0, "unknown": 0}
    assert safe["legal_status"]["asylum_seeker"] == SMALL
    assert safe["legal_status"]["refugee"] == HIDDEN
    assert safe["countries"]["by_country"] == {"SY": HIDDEN, "AF": SMALL}
    assert safe["unique_persons"] == 53


def test_a_lone_small_cell_hides_the_next_smallest_non_zero_cell_of_its_table():
    persons = [("female", "adults", "refugee", "outside", "independent", "SY")] * 30
    persons += [("male", "adults", "refugee", "outside", "independent", "SY")] * 9
    persons += [("other", "adults", "refugee", "outside", "independent", "SY")] * 2

    safe = suppress_json(report(persons))

    assert safe["gender"] == {"female": 30, "male": HIDDEN, "other": SMALL, "unknown": 0}


def test_a_table_of_one_small_cell_hides_a_zero_beside_it():
    persons = [("female", "adults", "refugee", "outside", "independent", "SY")] * 3

    safe = suppress_json(report(persons))

    assert safe["gender"] == {"female": SMALL, "male": SMALL, "other": 0, "unknown": 0}
    assert safe["unique_persons"] == 3


def test_contacts_staff_and_totals_stay_as_they_are():
    persons = [("female", "adults", "refugee", "outside", "independent", "SY")] * 2
    original = report(persons)

    safe = suppress_json(original)

    assert safe["contacts"] == original["contacts"]
    assert safe["staff"] == original["staff"]
    assert safe["unique_persons"] == 2
    assert safe["families"] == 1
    assert original.get("suppressed") is None  # the input is left alone


def test_small_new_persons_individuals_and_averages_of_few_are_hidden():
    persons = [("female", "adults", "refugee", "outside", "independent", "SY")] * 3
    persons += [("female", "children", "refugee", "outside", "independent", "SY")] * 6

    safe = suppress_json(report(persons))

    assert safe["new_persons"] == SMALL  # 4
    assert safe["individuals"] == SMALL  # 3
    assert safe["average_age_adults"] == HIDDEN  # the mean age of 3 adults
    assert safe["average_age"] == 30.0


def test_the_grid_hides_so_that_no_row_or_column_gives_a_cell_away():
    persons = [("female", "adults", "refugee", "outside", "independent", "SY")] * 20
    persons += [("male", "adults", "refugee", "outside", "independent", "SY")] * 20
    persons += [("female", "children", "refugee", "outside", "independent", "SY")] * 10
    persons += [("male", "children", "refugee", "outside", "independent", "SY")] * 1

    safe = suppress_json(report(persons))

    grid = safe["gender_by_age_group"]
    assert grid["children"]["male"] == SMALL
    hidden = {(a, g) for a, row in grid.items() for g, v in row.items() if not isinstance(v, int)}
    assert len(hidden) >= 4  # the small cell, one more in its row and column, and one where those cross
    assert_safe(report(persons), safe)


def test_persons_by_month_hides_a_small_month_and_another():
    persons = [("female", "adults", "refugee", "outside", "independent", "SY")] * 20

    safe = suppress_json(report(persons, {"2026-01": 20, "2026-02": 2, "2026-03": 12}))

    assert safe["persons_by_month"] == {"2026-01": 20, "2026-02": SMALL, "2026-03": HIDDEN}


def test_hidden_countries_come_last_by_code_so_their_order_tells_nothing():
    persons = [("female", "adults", "refugee", "outside", "independent", "SY")] * 30
    persons += [("male", "adults", "refugee", "outside", "independent", "IQ")] * 4
    persons += [("male", "adults", "refugee", "outside", "independent", "AF")] * 2
    persons += [("male", "adults", "refugee", "outside", "independent", "unknown")] * 3

    safe = suppress_json(report(persons))

    assert list(safe["countries"]["by_country"].items()) == [
        ("SY", 30),
        ("AF", SMALL),
        ("IQ", SMALL),
        ("unknown", SMALL),
    ]


def test_the_publication_safe_version_is_typed_and_marks_what_it_hides():
    persons = [("female", "adults", "refugee", "outside", "independent", "SY")] * 30
    persons += [("male", "children", "asylum_seeker", "outside", "independent", "AF")] * 3
    original = figures(report(persons))

    safe = publication_safe(original)

    assert isinstance(safe, SafeFigures)
    assert safe.age_groups["children"] is Suppressed.SMALL
    assert safe.age_groups["adults"] is Suppressed.HIDDEN
    assert safe.countries.by_country == {"SY": Suppressed.HIDDEN, "AF": Suppressed.SMALL}
    assert safe.new_persons == 16 and safe.individuals == 11  # 5 or more: shown as they are
    assert (safe.staff, safe.contacts, safe.period) == (original.staff, original.contacts, original.period)
    assert original.age_groups["children"] == 3  # the figures themselves are left alone


def test_the_figures_are_shown_as_they_are_unless_suppressed():
    original = figures(report([("female", "adults", "refugee", "outside", "independent", "SY")] * 2))

    assert shown_figures(original, suppressed=False) is original
    assert isinstance(shown_figures(original, suppressed=True), SafeFigures)


def test_the_marks_are_the_spec_s_text_in_the_json():
    safe = suppress_json(report([("female", "adults", "refugee", "outside", "independent", "SY")] * 3))

    assert safe["gender"]["female"] == "<5" and type(safe["gender"]["female"]) is Suppressed
    assert '"female": "<5"' in json.dumps(safe)
    assert list(safe)[-1] == "suppressed"
