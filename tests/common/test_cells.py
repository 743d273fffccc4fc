"""Cells written for a spreadsheet never run as formulas, and the exchange folder reads them back exactly."""

import pytest

from common.cells import escape_cell, is_error_value, unescape_cell


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_every_formula_start_is_escaped(text):
    assert escape_cell(text) == "'" + text
    assert unescape_cell(escape_cell(text)) == text


@pytest.mark.parametrize("text", ["Rīga", "", "'", "'quoted", "1+1", "e-mail"])
def test_plain_text_is_written_as_it_is(text):
    assert escape_cell(text) == text
    assert unescape_cell(text) == text


@pytest.mark.parametrize("text", ["'=1+1", "''=1+1", "'-1"])
def test_text_that_looks_escaped_already_is_escaped_again_so_that_reading_back_is_exact(text):
    assert escape_cell(text) == "'" + text
    assert unescape_cell(escape_cell(text)) == text


@pytest.mark.parametrize("text", ["#VALUE!", "#N/A", "#REF!", "#NAME?", "#DIV/0!", "Err:502", " #VALUE! "])
def test_text_that_reads_as_a_spreadsheet_error_value_is_escaped_and_read_back(text):
    assert is_error_value(text)
    assert escape_cell(text) == "'" + text
    assert unescape_cell(escape_cell(text)) == text


@pytest.mark.parametrize("text", ["#1 priority", "N/A", "Err:5", "Error: 502", "#VALUE! and more"])
def test_text_that_only_looks_like_an_error_value_is_not_one(text):
    assert not is_error_value(text)
    assert escape_cell(text) == text
