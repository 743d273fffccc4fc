"""Spreadsheet cells that a spreadsheet program shows as written and never runs as a formula.

The one home of the rule for every file the application writes for a spreadsheet: the exchange
folder (CSV and XLSX, read back exactly by `unescape_cell`), the report workbook and the audit export.
"""

import re

# A spreadsheet reads a cell starting with one of these as a formula (tab and CR too, by OWASP's advice).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The error values spreadsheet programs show, and write into a CSV, where a formula failed (Excel's and
# LibreOffice's, and LibreOffice's Err:NNN). A cell that is nothing else is refused on import (exchange.formats);
# text that happens to be one is escaped on export like a formula, so that it reads back as the text.
ERROR_VALUE = re.compile(r"\s*(?:#(?:VALUE!|REF!|NAME\?|DIV/0!|N/A|NUM!|NULL!|SPILL!|CALC!|GETTING_DATA)|Err:\d{3})\s*")


def is_error_value(value: str) -> bool:
    return ERROR_VALUE.fullmatch(value) is not None


def _needs_escape(value: str) -> bool:
    # A value that already starts with the escape sign is escaped again, so that unescaping is exact.
    while value.startswith("'"):
        value = value[1:]
        if not value:
            return False
        if value.startswith(FORMULA_STARTS) or is_error_value(value):
            return True
    return value.startswith(FORMULA_STARTS) or is_error_value(value)


def escape_cell(value: str) -> str:
    """The text written to a file: a formula, or text that reads as an error value, prefixed with a single quote."""
    return "'" + value if value and _needs_escape(value) else value


def unescape_cell(value: str) -> str:
    """The inverse of `escape_cell`."""
    return value[1:] if value.startswith("'") and _needs_escape(value[1:]) else value
