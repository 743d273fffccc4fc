"""Makes the csv-* fixture folders the way a user makes them: LibreOffice Calc saves them as CSV.

Run by hand where LibreOffice is installed (the tests only read the files it wrote):

    .venv/bin/python tests/exchange/spreadsheets/csv-make.py

`csv-utf8/` is what a user typed (UTF-8, commas: the format's own files, written here). LibreOffice
opens each of its files with every column as Text (so that it changes no date or reference) and saves
it again with the encoding and separator a user's computer gives:

| folder | saved as | who saves it so |
|---|---|---|
| csv-windows-1257 | Windows-1257, commas | "Text CSV" on a Latvian Windows (its system encoding) |
| csv-windows-1252 | Windows-1252, commas | the same on an English Windows: ā č ē ģ ī ķ ļ ņ ū become '?' |
| csv-semicolon | UTF-8, semicolons | Excel's "CSV UTF-8" in a Latvian locale (';' is its list separator) |
| csv-tab | UTF-8, tabs | "Text" with tabs |
| csv-excel-latvian | UTF-8 with a byte-order mark, semicolons | Excel's "CSV UTF-8" in a Latvian locale (*) |
| csv-excel-latvian-ansi | Windows-1257, semicolons | Excel's "CSV (Comma delimited)" on a Latvian Windows |

(*) Excel writes the byte-order mark; LibreOffice's CSV export writes none, so it is added here.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "csv-utf8"

FILES = {
    "providers": [
        ["code", "name"],
        ["LSK", "Latvijas Sarkanais Krusts"],
        ["DM", "Patvērums „Drošā māja”"],
    ],
    "staff": [
        ["staff_ref", "first_name", "last_name", "role", "provider", "email"],
        ["S1", "Rūta", "Ozoliņa", "social_worker", "LSK", "ruta.ozolina@example.org"],
        ["M1", "Jānis", "Bērziņš", "mentor", "LSK", ""],
        ["S2", "Ģirts", "Ķēniņš", "social_worker", "DM", ""],
        ["M2", "Ļena", "Čakste", "mentor", "DM", ""],
        ["M3", "Žanis", "Šķēle", "mentor", "DM", ""],
    ],
    "clients": [
        [
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
        ["C1", "Ahmad", "Ahmadi", "M", "1990-05-17", "AF", "F1", "relocation", "refugee", "", "Rīga", "", "LSK"]
        + ["2022-01-10", "S1", "M1"],
        ["C2", "Mariam", "Ahmadi", "F", "1992-11-02", "AF", "F1", "relocation", "refugee", "", "Rīga", "", "LSK"]
        + ["2022-01-10", "S1", "M1"],
        ["C3", "Amina", "Haidari", "F", "1985-03-09", "AF", "", "resettlement", "alternative", "", "Jūrmala", ""]
        + ["DM", "2022-02-14", "S2", "M2"],
        ["C4", "Olena", "Kovaļenko", "F", "1979-07-23", "UA", "", "independent", "other", "", "Cēsis", ""]
        + ["DM", "2022-03-01", "S2", "M3"],
        ["C5", "Tamāra", "Ņikitina", "F", "2001-12-31", "UA", "", "independent", "asylum_seeker", "", "Liepāja", ""]
        + ["DM", "2022-03-02", "S2", "M3"],
    ],
    "contacts": [
        ["contact_ref", "date", "staff_ref", "family_ref", "client_refs", "form", "duration_minutes", "topics", "note"],
        ["K1", "2022-02-01", "M1", "F1", "", "in_person", "60", "health;housing"]
        + ["Pavadīja uz „Rīgas 1. slimnīcu”; ģimenes ārsts pieņems pēc 2 nedēļām."],
        ["K2", "2022-02-03", "S1", "", "C1;C2", "phone", "15", "documents"]
        + ["Zvanīja par uzturēšanās atļauju.\nJautāja: vai būs jāmaksā nodeva?"],
        ["K3", "2022-03-01", "M2", "", "C3", "electronic", "5", "language"]
        + ["Nosūtīja saiti uz kursiem: https://www.pmlp.gov.lv/lv?id=12"],
        ["K4", "2022-03-05", "M3", "", "C4", "accompaniment", "120", "employment;language"]
        + ['Kopā ar Olenu apmeklēja NVA Cēsīs, "CV" sagatavots; darba intervija ceturtdien.'],
        ["K5", "2022-03-07", "S2", "", "C5", "in_person", "45", "children"]
        + ["Ģimenes vizīte: ļoti labi.\nBērni sāk skolu; šķēršļu nav."],
    ],
}

# LibreOffice's numbers of the character sets (rtl/textenc.h): its CSV filter does not take these names.
MS_1252, MS_1257, UTF8 = "1", "39", "76"
# (folder, LibreOffice's separator code, its character set, a byte-order mark added)
SAVED_AS = [
    ("csv-windows-1257", "44", MS_1257, False),
    ("csv-windows-1252", "44", MS_1252, False),
    ("csv-semicolon", "59", UTF8, False),
    ("csv-tab", "9", UTF8, False),
    ("csv-excel-latvian", "59", UTF8, True),
    ("csv-excel-latvian-ansi", "59", MS_1257, False),
]


def write_source() -> None:
    shutil.rmtree(SOURCE, ignore_errors=True)
    SOURCE.mkdir()
    for name, rows in FILES.items():
        with open(SOURCE / f"{name}.csv", "w", encoding="utf-8", newline="") as stream:
            csv.writer(stream, lineterminator="\r\n").writerows(rows)


def save_as(folder: str, separator: str, charset: str, bom: bool) -> None:
    target = HERE / folder
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir()
    with tempfile.TemporaryDirectory() as scratch:
        for name, rows in FILES.items():
            every_column_text = "/".join(f"{i}/2" for i in range(1, len(rows[0]) + 1))
            subprocess.run(
                [
                    "soffice",
                    f"-env:UserInstallation=file://{scratch}/profile",
                    "--headless",
                    f"--infilter=CSV:44,34,76,1,{every_column_text}",
                    "--convert-to",
                    # text quoted only where it must be (Calc's "Quote all text cells" left off), as shown
                    f"csv:Text - txt - csv (StarCalc):{separator},34,{charset},1,,0,false,true,true",
                    "--outdir",
                    scratch,
                    str(SOURCE / f"{name}.csv"),
                ],
                check=True,
                capture_output=True,
                timeout=120,
            )
            saved = (Path(scratch) / f"{name}.csv").read_bytes()
            (target / f"{name}.csv").write_bytes((b"\xef\xbb\xbf" if bom else b"") + saved)


def main() -> int:
    if shutil.which("soffice") is None:
        print("LibreOffice (soffice) is not installed", file=sys.stderr)
        return 1
    write_source()
    for folder, separator, charset, bom in SAVED_AS:
        save_as(folder, separator, charset, bom)
        print(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
