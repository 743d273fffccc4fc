"""How a person's name is written on the screen: one convention for clients, staff and user accounts."""


def person_name(first_name: str, last_name: str) -> str:
    """A person's name on the screen: "Surname First" ("Uzvārds Vārds"), as Latvian lists write it.

    The one convention of every list, page and choice, in the order the lists sort by (`clients.models.by_name`).
    """
    return " ".join(part for part in (last_name, first_name) if part)
