"""The month arithmetic of reports (reporting/periods.py), its one home."""

import datetime

from reporting.periods import Period, add_months, month_before

D = datetime.date


def test_months_are_added_across_years_both_ways():
    assert add_months(D(2026, 11, 17), 2) == D(2027, 1, 1)
    assert add_months(D(2026, 1, 31), -1) == D(2025, 12, 1)
    assert add_months(D(2026, 3, 1), -15) == D(2024, 12, 1)


def test_the_month_before_is_the_whole_previous_month():
    assert month_before(D(2026, 3, 1)) == Period(D(2026, 2, 1), D(2026, 2, 28))
    assert month_before(D(2026, 1, 15)) == Period(D(2025, 12, 1), D(2025, 12, 31))


def test_a_period_lists_the_months_it_touches_clipped_to_its_days():
    assert Period(D(2025, 12, 15), D(2026, 2, 10)).months == [
        ("2025-12", D(2025, 12, 15), D(2025, 12, 31)),
        ("2026-01", D(2026, 1, 1), D(2026, 1, 31)),
        ("2026-02", D(2026, 2, 1), D(2026, 2, 10)),
    ]


def test_a_period_splits_into_whole_months_and_the_days_around_them():
    period = Period(D(2025, 12, 15), D(2026, 3, 10))
    assert period.whole_months == (D(2026, 1, 1), D(2026, 2, 1))
    assert period.edges == [Period(D(2025, 12, 15), D(2025, 12, 31)), Period(D(2026, 3, 1), D(2026, 3, 10))]
    assert Period(D(2026, 2, 3), D(2026, 2, 20)).whole_months is None


def test_the_previous_period_of_whole_months_is_as_many_months_before():
    assert Period(D(2026, 3, 1), D(2026, 3, 31)).previous == Period(D(2026, 2, 1), D(2026, 2, 28))
    assert Period(D(2022, 7, 1), D(2022, 12, 31)).previous == Period(D(2022, 1, 1), D(2022, 6, 30))
    assert Period(D(2026, 1, 1), D(2026, 2, 28)).previous == Period(D(2025, 11, 1), D(2025, 12, 31))


def test_the_previous_period_of_any_other_days_is_as_many_days_before():
    assert Period(D(2022, 3, 15), D(2022, 5, 14)).previous == Period(D(2022, 1, 13), D(2022, 3, 14))
    assert Period(D(2026, 3, 10), D(2026, 3, 10)).previous == Period(D(2026, 3, 9), D(2026, 3, 9))
