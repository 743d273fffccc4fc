"""Helpers of the exchange-format tests: the sample folder, small folders, and a canonical dump of the records."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from clients.models import Client, Contract, Family, LegalStatusEntry, Provider, ResidenceEntry, Staff
from plans.models import Contact

SAMPLE = Path(__file__).resolve().parents[2] / ".." / "shared" / "sample-data"

HEADERS = {
    "providers": ["code", "name"],
    "staff": ["staff_ref", "first_name", "last_name", "role", "provider", "email"],
    "clients": [
        "client_ref",
        "first_name",
        "last_name",
        "gender",
        "birth_date",
        "country",
        "family_ref",
        "arrival_route",
        "legal_status",
        "legal_status_since",
        "residence",
        "residence_since",
        "provider",
        "service_start",
        "social_worker",
        "mentor",
    ],
    "contacts": [
        "contact_ref",
        "date",
        "staff_ref",
        "family_ref",
        "client_refs",
        "form",
        "duration_minutes",
        "topics",
        "note",
    ],
}


def copy_sample(tmp_path: Path) -> Path:
    folder = tmp_path / "sample"
    folder.mkdir()
    for path in SAMPLE.glob("*.csv"):
        shutil.copy(path, folder / path.name)
    return folder


def read_rows(folder: Path, name: str) -> list[dict[str, str]]:
    with open(folder / f"{name}.csv", encoding="utf-8-sig", newline="") as stream:
        return list(csv.DictReader(stream))


def write_rows(folder: Path, name: str, rows: list[dict[str, str]], headers: list[str] | None = None) -> None:
    headers = headers or (list(rows[0]) if rows else HEADERS[name])
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / f"{name}.csv", "w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=headers)
        writer.writeheader()
        writer.writerows(rows)


def set_cell(folder: Path, name: str, index: int, column: str, value: str) -> None:
    """Sets one cell of the `index`-th record (0-based), i.e. spreadsheet row index + 2."""
    rows = read_rows(folder, name)
    rows[index][column] = value
    write_rows(folder, name, rows)


def small_folder(tmp_path: Path, **overrides: list[dict[str, str]]) -> Path:
    """A valid folder of one provider, two staff, two clients of one family and one contact."""
    files = {
        "providers": [{"code": "LSK", "name": "Latvijas Sarkanais Krusts"}],
        "staff": [
            {
                "staff_ref": "S1",
                "first_name": "Rūta",
                "last_name": "Ozola",
                "role": "social_worker",
                "provider": "LSK",
                "email": "",
            },
            {
                "staff_ref": "M1",
                "first_name": "Jānis",
                "last_name": "Liepa",
                "role": "mentor",
                "provider": "LSK",
                "email": "",
            },
        ],
        "clients": [
            client_row("C1", family_ref="F1"),
            client_row("C2", family_ref="F1", first_name="Mariam"),
        ],
        "contacts": [contact_row("K1")],
    }
    files.update(overrides)
    folder = tmp_path / "small"
    for name, rows in files.items():
        write_rows(folder, name, rows, headers=HEADERS.get(name))
    return folder


def staff_row(ref: str, role: str, **values: str) -> dict[str, str]:
    row = {"staff_ref": ref, "first_name": "Anna", "last_name": "Ozola", "role": role, "provider": "LSK", "email": ""}
    row.update(values)
    return row


def client_row(ref: str, **values: str) -> dict[str, str]:
    row = dict.fromkeys(HEADERS["clients"], "")
    row.update(
        client_ref=ref,
        first_name="Ahmad",
        last_name="Ahmadi",
        gender="M",
        birth_date="1990-05-17",
        country="AF",
        arrival_route="relocation",
        legal_status="refugee",
        residence="Rīga",
        provider="LSK",
        service_start="2022-01-10",
        social_worker="S1",
        mentor="M1",
    )
    row.update(values)
    return row


def contact_row(ref: str, **values: str) -> dict[str, str]:
    row = dict.fromkeys(HEADERS["contacts"], "")
    row.update(
        contact_ref=ref,
        date="2022-02-01",
        staff_ref="M1",
        client_refs="C1",
        form="in_person",
        duration_minutes="60",
        topics="health;housing",
        note="Visited the clinic.",
    )
    row.update(values)
    return row


def dump() -> dict[str, set[tuple]]:
    """Every record by its references, without database ids: two databases with equal dumps hold the same data."""
    return {
        "providers": set(Provider.objects.values_list("code", "name")),
        "contracts": set(
            Contract.objects.values_list("number", "provider__code", "start", "end", "planned_persons_per_month")
        ),
        "staff": set(
            Staff.objects.values_list("staff_ref", "first_name", "last_name", "role", "provider__code", "email")
        ),
        "families": set(Family.objects.filter(members__isnull=False).values_list("family_ref", flat=True)),
        "clients": set(
            Client.objects.values_list(
                "client_ref",
                "first_name",
                "last_name",
                "name_key",
                "gender",
                "birth_date",
                "country",
                "family__family_ref",
                "arrival_route",
                "provider__code",
                "service_start",
                "social_worker__staff_ref",
                "mentor__staff_ref",
            )
        ),
        "statuses": set(LegalStatusEntry.objects.values_list("client__client_ref", "legal_status", "since")),
        "residences": set(ResidenceEntry.objects.values_list("client__client_ref", "residence", "since")),
        "contacts": {
            (
                c.contact_ref,
                c.date,
                c.staff.staff_ref,
                c.provider.code,
                c.family.family_ref if c.family else None,
                tuple(sorted(x.client_ref for x in c.clients.all())),
                c.form,
                c.duration_minutes,
                tuple(sorted(t.topic for t in c.topics.all())),
                c.note,
            )
            for c in Contact.objects.select_related("staff", "provider", "family").prefetch_related("clients", "topics")
        },
    }


def errors_of(result) -> set[tuple]:
    return {(e.file, e.row, e.column) for e in result.errors}
