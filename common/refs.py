"""References of records made in the web application (not imported): one shape for every kind."""

import uuid


def web_ref() -> str:
    """A new reference for a record made on a page: "W" and 12 hexadecimal capitals.

    Imported records keep the references of the provider's spreadsheets; "W" marks a record made on the web, and
    12 random hex digits make a clash within one provider practically impossible (the unique constraints catch one).
    """
    return "W" + uuid.uuid4().hex[:12].upper()
