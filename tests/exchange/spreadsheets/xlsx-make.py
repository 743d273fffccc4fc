"""Makes the xlsx-libreoffice-* and ods-* fixtures the way a user makes them: LibreOffice Calc saves them.

Run by hand where LibreOffice is installed (the tests only read the files it wrote):

    .venv/bin/python tests/exchange/spreadsheets/xlsx-make.py

It writes each workbook as a flat OpenDocument file (.fods: what a user typed, cell by cell, with
the cell types a Latvian LibreOffice gives them) into a temporary folder, and LibreOffice converts
it to .xlsx (and one to .ods), computing its formulas as Calc does when a user types them.
"""

from __future__ import annotations

import datetime
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))  # the project, for the format

from exchange.formats import FILE_SPECS  # noqa: E402 - after the project is on the path

# The header row of each sheet: the format's own columns, in its order (exchange/formats.py).
HEADERS = {name: list(spec.columns) for name, spec in FILE_SPECS.items()}


class Date(str):
    """A date cell shown as DD.MM.YYYY (a Latvian Calc's date format), holding the ISO date."""


class Number(float):
    """A number cell of the format "General" (a date typed as its serial number shows as one)."""


class Formula(str):
    """A formula, as Calc keeps it (`of:=...`): what a user typed starting with `=`."""


def serial(iso: str) -> Number:
    return Number((datetime.date.fromisoformat(iso) - datetime.date(1899, 12, 30)).days)


STAFF = [
    ["S1", "Rūta", "Ozola", "social_worker", "LSK", ""],
    ["M1", "Jānis", "Liepa", "mentor", "LSK", ""],
]
PROVIDERS = [["LSK", "Latvijas Sarkanais Krusts"]]


def client(ref: object, first: str, birth: object, since: object, start: object) -> list[object]:
    return [ref, first, "Ahmadi", "M", birth, "AF", "F1", "relocation", "refugee", since, "Rīga", "", "LSK", start]


def contact(ref: str, date: object, refs: object, minutes: object, note: object, family: str = "") -> list[object]:
    return [ref, date, "M1", family, refs, "in_person", minutes, "health;housing", note]


# Dates as a Latvian spreadsheet holds them: date cells (DD.MM.YYYY), dates typed as text, a date cell
# formatted "General" (its serial number), an empty extra sheet. Imports exactly.
DATES = {
    "providers": PROVIDERS,
    "contracts": [["LSK", "S-SIF-2022-01", Date("2022-01-01"), "31.12.2024", Number(40)]],
    "staff": STAFF,
    "clients": [
        client("C1", "Ahmad", Date("1990-05-17"), "1.2.2022.", "10.01.2022") + ["S1", "M1"],
        client("C2", "Mariam", serial("1992-11-03"), "", "2022-01-10") + ["S1", "M1"],
    ],
    "contacts": [
        contact("K1", Date("2022-02-01"), "C1", Number(60), "Apmeklēja klīniku."),
        contact("K2", serial("2022-12-20"), "C2", Number(45), "Zvans par dzīvokli."),
        contact("K3", "01.02.2022", "", "", "Ģimenes tikšanās.", family="F1"),
    ],
    "Lapa1": [],
}

# What a user types that the spreadsheet changes: a note starting with "=" (computed: an error, or a number),
# references typed with leading zeros (numbers now). A note typed as text with an apostrophe stays text.
REFUSED = {
    "providers": PROVIDERS,
    "staff": STAFF,
    "clients": [
        client(Number(123), "Ahmad", Date("1990-05-17"), "", "2022-01-10") + ["S1", "M1"],
        client("C2", "Mariam", Date("1992-11-03"), "", "2022-01-10") + ["S1", "M1"],
    ],
    "contacts": [
        contact("K1", Date("2022-02-01"), Number(123), Number(60), Formula("of:=1+2 apmeklējumi klīnikā")),
        contact("K2", Date("2022-02-02"), "C2", Number(30), Formula("of:=1+2")),
        contact("K3", Date("2022-02-03"), "C2", Number(30), "=1+2 ierakstīts kā teksts"),
    ],
    "Lapa1": [],
}

FODS_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0"
 xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">
<office:automatic-styles>
 <number:date-style style:name="N37"><number:day number:style="long"/><number:text>.</number:text>
  <number:month number:style="long"/><number:text>.</number:text><number:year number:style="long"/></number:date-style>
 <style:style style:name="ce1" style:family="table-cell" style:parent-style-name="Default" style:data-style-name="N37"/>
</office:automatic-styles>
<office:body><office:spreadsheet>
"""
FODS_TAIL = "</office:spreadsheet></office:body></office:document>\n"


def cell(value: object) -> str:
    if isinstance(value, Date):
        shown = datetime.date.fromisoformat(value).strftime("%d.%m.%Y")
        return (
            f'<table:table-cell table:style-name="ce1" office:value-type="date" office:date-value="{value}">'
            f"<text:p>{shown}</text:p></table:table-cell>"
        )
    if isinstance(value, Number):
        shown = f"{value:g}"
        return (
            f'<table:table-cell office:value-type="float" office:value="{shown}">'
            f"<text:p>{shown}</text:p></table:table-cell>"
        )
    if isinstance(value, Formula):
        return f"<table:table-cell table:formula={quoteattr(value)}/>"
    if value == "":
        return "<table:table-cell/>"
    return f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'


def fods(sheets: dict[str, list[list[object]]]) -> str:
    parts = [FODS_HEAD]
    for name, rows in sheets.items():
        parts.append(f"<table:table table:name={quoteattr(name)}>")
        if name in HEADERS:
            rows = [HEADERS[name], *rows]
        if not rows:
            parts.append("<table:table-column/><table:table-row><table:table-cell/></table:table-row>")
        for row in rows:
            parts.append("<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>")
        parts.append("</table:table>")
    parts.append(FODS_TAIL)
    return "\n".join(parts)


def convert(source: Path, target: Path, filter_name: str) -> None:
    out = source.parent / "out"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{source.parent}/profile",  # a profile of its own: another Calc may run
            "--headless",
            "--norestore",
            "--convert-to",
            f"{target.suffix[1:]}:{filter_name}",
            "--outdir",
            out,
            source,
        ],
        check=True,
        capture_output=True,
    )
    shutil.move(out / f"{source.stem}{target.suffix}", target)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for stem, sheets in (("xlsx-libreoffice-dates", DATES), ("xlsx-libreoffice-refused", REFUSED)):
            source = folder / f"{stem}.fods"
            source.write_text(fods(sheets), encoding="utf-8")
            convert(source, HERE / f"{stem}.xlsx", "Calc MS Excel 2007 XML")
        source = folder / "ods-records.fods"
        source.write_text(fods(DATES), encoding="utf-8")
        convert(source, HERE / "ods-records.ods", "calc8")
    print("written:", *sorted(p.name for p in HERE.glob("*-libreoffice-*.xlsx")), "ods-records.ods", file=sys.stderr)


if __name__ == "__main__":
    main()
