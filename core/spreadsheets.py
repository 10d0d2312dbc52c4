"""Spreadsheet output that Italian Excel opens cleanly: CSV (semicolons, BOM) and XLSX.

Cells that a spreadsheet would read as a formula (=, +, -, @, tab, CR at the start) get a
leading apostrophe in both formats, so a note like ``=HYPERLINK(…)`` stays text.
"""

import csv
import io
import re
from collections.abc import Iterable
from typing import cast

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_TITLE_MAX = 31
MIN_WIDTH, MAX_WIDTH = 8, 60


def neutralise(value: object) -> str:
    """Text a spreadsheet will not evaluate: a leading apostrophe before formula characters."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


def as_csv(rows: Iterable[Iterable[object]]) -> bytes:
    """Semicolon-separated UTF-8 with BOM: Italian Excel opens it with accents intact."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return buffer.getvalue().encode("utf-8-sig")


def sheet_title(title: str) -> str:
    """A valid worksheet name: no []:*?/\\, no quote at the ends, at most 31 characters."""
    cleaned = SHEET_TITLE_FORBIDDEN.sub("", title or "").strip().strip("'")
    return cleaned[:SHEET_TITLE_MAX].strip() or "Partecipanti"


def as_xlsx(rows: Iterable[Iterable[object]], title: str) -> bytes:
    """One sheet, bold frozen header, autofilter, column widths fitted to the content."""
    workbook = Workbook()
    # A new workbook starts with one worksheet, and it is the active one.
    sheet = cast(Worksheet, workbook.active)
    sheet.title = sheet_title(title)
    widths: dict[int, int] = {}
    bold = Font(bold=True)
    top = Alignment(vertical="top", wrap_text=True)
    for row_index, row in enumerate(rows, start=1):
        for column_index, value in enumerate(row, start=1):
            # Control characters are invalid in XML; the apostrophe keeps it a string cell.
            text = neutralise(ILLEGAL_CHARACTERS_RE.sub("", "" if value is None else str(value)))
            cell = sheet.cell(row=row_index, column=column_index, value=text)
            cell.data_type = "s"
            if row_index == 1:
                cell.font = bold
            else:
                cell.alignment = top
            longest = max((len(line) for line in text.splitlines()), default=0)
            widths[column_index] = max(widths.get(column_index, 0), longest)
    for column_index, width in widths.items():
        letter = get_column_letter(column_index)
        sheet.column_dimensions[letter].width = min(max(width + 2, MIN_WIDTH), MAX_WIDTH)
    sheet.freeze_panes = "A2"
    if sheet.max_row > 1:
        sheet.auto_filter.ref = sheet.dimensions
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
