"""Generated exchange-format folders for the reliability tests of the import."""

from __future__ import annotations

from pathlib import Path

from tests.exchange.exchange_helpers import client_row, contact_row, small_folder, write_rows


def big_folder(tmp_path: Path, clients: int, contacts: int) -> Path:
    """One provider, two staff, `clients` clients and `contacts` contacts, all valid."""
    rows = [client_row(f"C{i:06d}", family_ref="") for i in range(clients)]
    visits = [contact_row(f"K{i:06d}", client_refs=f"C{i % clients:06d}") for i in range(contacts)]
    return small_folder(tmp_path, clients=rows, contacts=visits)


def write_big_folder(tmp_path: Path, clients: int, contacts: int) -> Path:
    folder = big_folder(tmp_path, clients, contacts)
    for name in ("providers", "staff"):
        assert (folder / f"{name}.csv").exists()
    return folder


__all__ = ["big_folder", "write_rows"]
