"""What the format's cells mean beyond their text: the date columns and how a date is written, and the reference
columns, whose text a spreadsheet must not turn into a number.

The one home of these rules for both import paths (the resources' widgets and the large files' importers,
which call the same widgets) and for the workbook reader (exchange/formats.py).
"""

from __future__ import annotations

import datetime
import re

from django.utils.translation import gettext as _

from plans.choices import GoalArea

# The columns holding a date, by file.
DATE_COLUMNS: dict[str, frozenset[str]] = {
    "contracts": frozenset({"start", "end"}),
    "clients": frozenset({"birth_date", "legal_status_since", "residence_since", "service_start", "service_end"}),
    "status_history": frozenset({"since"}),
    "contacts": frozenset({"date"}),
    "episodes": frozenset({"service_start", "service_end"}),
    "plans": frozenset({"start", "review_date"}),
    "goals": frozenset({"created_on", "status_date"}),
    "referrals": frozenset({"date", "outcome_date"}),
    "assessments": frozenset({"date"}),
    "consents": frozenset({"given_on", "withdrawn_on"}),
}

# The columns holding references or codes, by file: text that may start with zeros (`00123`), which a
# spreadsheet reads as a number unless the column is formatted as text.
REFERENCE_COLUMNS: dict[str, frozenset[str]] = {
    "providers": frozenset({"code"}),
    "contracts": frozenset({"provider", "number"}),
    "staff": frozenset({"staff_ref", "provider"}),
    "clients": frozenset({"client_ref", "family_ref", "provider", "social_worker", "mentor"}),
    "status_history": frozenset({"client_ref"}),
    "contacts": frozenset({"contact_ref", "staff_ref", "family_ref", "client_refs"}),
    "episodes": frozenset({"client_ref", "provider"}),
    "plans": frozenset({"plan_ref", "client_ref", "family_ref", "staff_ref"}),
    "goals": frozenset({"goal_ref", "plan_ref"}),
    "referrals": frozenset({"referral_ref", "staff_ref", "client_ref", "goal_ref"}),
    "assessments": frozenset({"assessment_ref", "staff_ref", "client_ref"}),
    "consents": frozenset({"client_ref", "staff_ref"}),
}

# assessments.csv's score columns: the ten areas, in plans.choices.GoalArea's order.
AREAS: tuple[str, ...] = tuple(GoalArea.values)

# A date as the format writes it (ISO), and as a Latvian spreadsheet shows it: 31.03.2022, 1.3.2022, 31.03.2022.
# The Latvian order is day, month, year: with a four-digit year it cannot be read another way.
ISO_DATE_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
LATVIAN_DATE_RE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})\.?", re.ASCII)
SHORT_YEAR_RE = re.compile(r"\d{1,2}\.\d{1,2}\.\d{2}\.?", re.ASCII)

# The days a date cell of a workbook may hold: a serial number outside them is not a date someone meant.
FIRST_DATE = datetime.date(1900, 1, 1)
LAST_DATE = datetime.date(2100, 12, 31)


def parse_date(text: str) -> datetime.date:
    """The date of a cell's text, `YYYY-MM-DD` or `DD.MM.YYYY` (also `D.M.YYYY` and `DD.MM.YYYY.`).

    ValueError with the message for the user when the text is no such date.
    """
    if match := ISO_DATE_RE.fullmatch(text):
        year, month, day = match.groups()
    elif match := LATVIAN_DATE_RE.fullmatch(text):
        day, month, year = match.groups()
    elif SHORT_YEAR_RE.fullmatch(text):
        raise ValueError(
            _("Give the year with four digits: '%(value)s' could be in more than one century (e.g. 31.03.2022).")
            % {"value": text}
        )
    else:
        raise ValueError(
            _("Date must be YYYY-MM-DD or DD.MM.YYYY, e.g. 2022-03-31 or 31.03.2022; got '%(value)s'.")
            % {"value": text}
        )
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        raise ValueError(_("There is no such date as '%(value)s'.") % {"value": text}) from None
