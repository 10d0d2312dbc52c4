"""Write the sample sheets of the partner import (docs/partners-import.md): the same rows as
docs/samples/partners-import.csv and docs/samples/partners-import.xlsx.

    .venv/bin/python -m tools.partners_import_sample [folder]

Not imported by the portal; tests/partners/test_import.py imports both samples through admin.
"""

import csv
import sys
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

HEADER = [
    "name",
    "kind",
    "city",
    "vat_number",
    "website",
    "sectors",
    "nace_codes",
    "languages",
    "size",
    "products_sought",
    "description",
    "contact_email",
    "contact_first_name",
    "contact_last_name",
    "contact_role",
]
ROWS = [
    [
        "Rheinstein Handels GmbH",
        "importer",
        "Köln",
        "DE812345673",
        "www.rheinstein.example",
        "Lapideo",
        "23.7, 08.11",
        "de, it",
        "Piccola",
        "Granito e serizzo per pavimenti e facciate",
        "Importatore di pietra naturale per l'edilizia renana.",
        "m.becker@rheinstein.example",
        "Martina",
        "Becker",
        "Einkaufsleiterin",
    ],
    [
        "Ruhr Maschinenbau AG",
        "Produttore",
        "Dortmund",
        "DE293456780",
        "https://ruhr-maschinenbau.example",
        "Metalmeccanico",
        "25.62, 28.41",
        "de, en",
        "medium",
        "Lavorazioni meccaniche di precisione, componenti in acciaio",
        "Costruttore di macchine utensili, cerca subfornitori.",
        "t.krause@ruhr-maschinenbau.example",
        "Thomas",
        "Krause",
        "Technischer Einkauf",
    ],
]


def write(folder: Path) -> tuple[Path, Path]:
    """Write both samples into `folder`; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    csv_path = folder / "partners-import.csv"
    with csv_path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(ROWS)
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101 (a new workbook has one sheet)
    sheet.title = "Partner"
    sheet.append(HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for values in ROWS:
        sheet.append(values)
    for index, column in enumerate(sheet.iter_cols(values_only=True), start=1):
        width = max(len(str(value or "")) for value in column) + 2
        sheet.column_dimensions[get_column_letter(index)].width = width
    xlsx_path = folder / "partners-import.xlsx"
    book.save(xlsx_path)
    return csv_path, xlsx_path


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/samples")
    for path in write(target):
        print(path)
