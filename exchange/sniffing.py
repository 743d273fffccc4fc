"""What a CSV file is written in, decided from the file itself: its encoding, its separator, letters it lost.

A spreadsheet saves "CSV" in the encoding of the computer's language unless told otherwise: on a
Latvian Windows that is Windows-1257, which has the Latvian letters; on an English one Windows-1252,
which has š and ž but not ā č ē ģ ī ķ ļ ņ ū (they are written as '?'). Excel in a Latvian locale
separates the cells with ';', and its "Unicode text" with tabs. Nothing here is assumed: a file is
read as Windows-1257 only when its bytes are not UTF-8 and read as Latvian letters in Windows-1257.
"""

from __future__ import annotations

import codecs
import collections
import csv
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

UTF8 = "utf-8-sig"  # a byte-order mark, as Excel's "CSV UTF-8" writes, is accepted
BALTIC = "cp1257"  # Windows-1257, the encoding of a Latvian (or Lithuanian, Estonian) Windows

LATVIAN_LETTERS = frozenset("āčēģīķļņšūžĀČĒĢĪĶĻŅŠŪŽ")
# Of the letters outside ASCII that a file reads as in Windows-1257, the share that must be Latvian. A
# Western file (é, á, ñ, ü) reads as é, į, ń, ü there: few Latvian letters. A Latvian file may name a
# Müller or a José, rarely more than one letter in five.
LATVIAN_SHARE = 0.8
# Š Ž š ž in Windows-1252 and no letter of Windows-1257 (two bytes it leaves undefined): a Latvian text
# saved as Windows-1252 keeps these and has lost its other letters.
WESTERN_ONLY = b"\x8a\x8e\x9a\x9e"
CHUNK_BYTES = 1 << 20
_ASCII = bytes(range(128))


@dataclass(frozen=True)
class Encoding:
    """The codec to read a file with; None when the file is refused."""

    codec: str | None
    # Refused, and saved as Windows-1252: the Latvian letters other than š and ž are lost.
    western: bool = False
    # Whether the file has a '?' at all: a file without one has lost no letter to it, and its rows need no look.
    question_marks: bool = True


def detect_encoding(chunks: Callable[[], Iterable[bytes]]) -> Encoding:
    """UTF-8 (with or without a byte-order mark), else Windows-1257 when the file reads as Latvian in it.

    `chunks()` gives the file's bytes from the start, a part at a time; it is called twice when the file
    is not UTF-8, so that a file of gigabytes is never in memory whole.
    """
    # Not "utf-8-sig": a byte-order mark is valid UTF-8 either way, and this decoder only checks.
    decoder = codecs.getincrementaldecoder("utf-8")()
    marks = False
    try:
        for chunk in chunks():
            decoder.decode(chunk)
            marks = marks or b"?" in chunk
        decoder.decode(b"", final=True)
        return Encoding(UTF8, question_marks=marks)
    except UnicodeDecodeError:
        pass
    counts: collections.Counter[int] = collections.Counter()
    for chunk in chunks():
        if b"\x00" in chunk:
            return Encoding(None)  # UTF-16 ("Unicode text"), or not text at all
        counts.update(chunk.translate(None, _ASCII))
        marks = marks or b"?" in chunk
    if _reads_as_latvian(counts):
        return Encoding(BALTIC, question_marks=marks)
    western = any(counts[b] for b in WESTERN_ONLY) and _defined(counts, "cp1252")
    return Encoding(None, western=western)


def _defined(counts: collections.Counter[int], codec: str) -> bool:
    try:
        bytes(sorted(counts)).decode(codec)
    except UnicodeDecodeError:
        return False
    return True


def _reads_as_latvian(counts: collections.Counter[int]) -> bool:
    if not _defined(counts, BALTIC):
        return False
    letters = latvian = 0
    for byte, count in counts.items():
        char = bytes((byte,)).decode(BALTIC)
        if char.isalpha():
            letters += count
            if char in LATVIAN_LETTERS:
                latvian += count
    return letters > 0 and latvian >= LATVIAN_SHARE * letters


def slices(raw: bytes) -> Callable[[], Iterator[bytes]]:
    """`chunks` of bytes held in memory (a part copied at a time)."""
    return lambda: (raw[i : i + CHUNK_BYTES] for i in range(0, len(raw), CHUNK_BYTES))


def file_parts(path: Path) -> Callable[[], Iterator[bytes]]:
    """`chunks` of a file on disk, read a part at a time."""

    def parts() -> Iterator[bytes]:
        with open(path, "rb") as stream:
            while chunk := stream.read(CHUNK_BYTES):
                yield chunk

    return parts


# --- the separator -----------------------------------------------------------------------------------------

SEPARATORS = (",", ";", "\t")  # the format's comma first: it wins a tie
# The first line is read at most this far: a header of the format's widest file is a few hundred characters.
HEADER_CHARS = 64 * 1024


@dataclass(frozen=True)
class Separator:
    """The delimiter that splits the first line into the file's columns; None when none does."""

    delimiter: str | None
    found: str = ""  # when None: the character that seems to separate the first line, if any


def detect_separator(line: str, columns: Collection[str]) -> Separator:
    """The separator (comma, semicolon or tab) under which the first line names the most known columns.

    A first line that names none under any of them (another separator, a title above the header, the
    columns of another file) is refused with one message, naming the character that splits it into
    known columns if one does, before its rows make an error each. An empty first line is left to the
    header's check.
    """
    line = line.rstrip("\r\n")
    best, best_known = ",", 0
    for separator in SEPARATORS:
        known = _known(line, separator, columns)
        if known > best_known:
            best, best_known = separator, known
    if best_known or not line.strip():
        return Separator(best)
    marks = {c for c in line if not (c.isalnum() or c.isspace() or c in "_\"'")}
    found = max(sorted(marks), key=lambda c: _known(line, c, columns), default="")
    return Separator(None, found=found if found and _known(line, found, columns) else "")


def _known(line: str, separator: str, columns: Collection[str]) -> int:
    return sum(1 for cell in next(csv.reader([line], delimiter=separator), []) if cell.strip() in columns)


# --- letters lost to '?' -----------------------------------------------------------------------------------

# A name never holds a '?': one beside a letter is a letter the file's encoding did not have.
NAME_COLUMNS = frozenset({"first_name", "last_name", "name", "residence", "institution"})
# Free text may ask a question; a '?' between two letters of a word (not of a web address) is a lost letter.
TEXT_COLUMNS = frozenset({"note", "title"})
_IN_NAME = re.compile(r"[^\W\d_]\?|\?[^\W\d_]")
_IN_WORD = re.compile(r"[^\W\d_]\?[^\W\d_]")
_ADDRESS = re.compile(r"[/=&@]")


def lost_letter_columns(headers: Sequence[str]) -> list[tuple[int, bool]]:
    """(index, is a name) of the columns where a '?' shows a lost letter."""
    return [(i, h in NAME_COLUMNS) for i, h in enumerate(headers) if h in NAME_COLUMNS or h in TEXT_COLUMNS]


def lost_letter(cells: Sequence[str], columns: Iterable[tuple[int, bool]]) -> int | None:
    """The index of the first of `columns` whose cell has a '?' in place of a letter, or None."""
    for index, is_name in columns:
        if index >= len(cells):
            continue
        value = cells[index]
        if "?" not in value:
            continue
        if is_name:
            if _IN_NAME.search(value):
                return index
        elif any(_IN_WORD.search(word) and not _ADDRESS.search(word) for word in value.split()):
            return index
    return None
