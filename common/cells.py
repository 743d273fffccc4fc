"""Spreadsheet cells that a spreadsheet program shows as written and never runs as a formula.

The one home of the rule for every file the application writes for a spreadsheet: the exchange
folder (CSV and XLSX, read back exactly by `unescape_cell`), the report workbook and the audit export.
"""

# A spreadsheet reads a cell starting with one of these as a formula (tab and CR too, by OWASP's advice).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _needs_escape(value: str) -> bool:
    # A value that already starts with the escape sign is escaped again, so that unescaping is exact.
    while value.startswith("'"):
        value = value[1:]
        if not value:
            return False
        if value.startswith(FORMULA_STARTS):
            return True
    return value.startswith(FORMULA_STARTS)


def escape_cell(value: str) -> str:
    """The text written to a file: a formula is prefixed with a single quote."""
    return "'" + value if value and _needs_escape(value) else value


def unescape_cell(value: str) -> str:
    """The inverse of `escape_cell`."""
    return value[1:] if value.startswith("'") and _needs_escape(value[1:]) else value
