"""What an import reports: counts per file and its errors (the first ERRORS_KEPT kept, every one counted)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .formats import ReadError

RowError = ReadError
# Errors kept of one import; the rest are only counted (`ImportResult.error_count`). A bad file can have an
# error a cell, millions in all, and nobody reads past the first hundred (formats.ERRORS_SHOWN).
ERRORS_KEPT = 1_000


class ErrorList(list):
    """The import's errors: the first `ERRORS_KEPT` kept, every one counted."""

    def __init__(self, errors: Iterable[RowError] = ()) -> None:
        super().__init__()
        self.total = 0
        for error in errors:
            self.append(error)

    def append(self, error: RowError) -> None:
        self.total += 1
        if len(self) < ERRORS_KEPT:
            super().append(error)

    def extend(self, errors: Iterable[RowError]) -> None:  # type: ignore[override]
        for error in errors:
            self.append(error)


@dataclass
class FileCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class ImportResult:
    counts: dict[str, FileCounts] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False
    error_count: int = 0  # all the errors, of which `errors` holds the first ERRORS_KEPT

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run
