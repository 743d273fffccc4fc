"""The further load tests of a bench run (case workers' pace, 200 users) and the capacity in users they give."""

import pytest

from bench.common import parse_load_also
from bench.summary import TARGETS, capacity, verdicts


def test_the_further_load_tests_are_read_as_users_and_think_seconds():
    assert parse_load_also("50:5,15;200:5,15") == [(50, (5.0, 15.0)), (200, (5.0, 15.0))]
    assert parse_load_also("") == []


@pytest.mark.parametrize("text", ["200", "x:5,15", "0:5,15", "50:15,5"])
def test_a_malformed_further_load_test_is_refused(text):
    with pytest.raises(ValueError):
        parse_load_also(text)


def _row(users, think, rps, p95, errors=0):
    return {"users": users, "think_seconds": think, "requests_per_second": rps, "p95_ms": p95, "errors": errors}


def test_the_capacity_in_users_is_the_saturated_rate_over_one_users_rate_at_their_pace():
    large = {"load": _row(50, [0.5, 2], 60.0, 250), "load_also": [_row(200, [5, 15], 20.0, 90)]}
    # 200 users at 5–15 s ask 0.1 requests a second each; 60 a second serve 600 of them.
    assert capacity(large) == {"requests_per_second": 60.0, "users": {"5-15 s": 600}}


def test_each_load_test_is_held_to_the_fifty_users_target():
    large = {"load": _row(50, [0.5, 2], 60.0, 250), "load_also": [_row(200, [5, 15], 20.0, 400)]}
    v = verdicts(large)
    assert TARGETS["page_p95_ms_50_users_max"] == 300.0
    assert v["load_p95_ms"] == [250, True]
    assert v["load_p95_ms_200_users_think_5_15_s"] == [400, False]
