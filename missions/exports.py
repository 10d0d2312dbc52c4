"""Participant lists of a mission for staff: rows, CSV for Italian Excel, XLSX.

Cells that a spreadsheet would read as a formula (=, +, -, @, tab, CR at the start) get a
leading apostrophe in both formats, so a note like ``=HYPERLINK(…)`` stays text.
"""

import csv
import io
import re
import zoneinfo
from collections.abc import Iterable, Mapping

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

LOCAL_TZ = zoneinfo.ZoneInfo("Europe/Rome")

HEADER = [
    "Missione",
    "Impresa",
    "Partita IVA",
    "Settore",
    "Comune",
    "Stato",
    "Delegati",
    "Candidatura inviata il",
    "Note",
    "Risposte",
    "Contatti",
]

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_TITLE_MAX = 31
MIN_WIDTH, MAX_WIDTH = 8, 60


def participant_rows(applications: Iterable, questions: Mapping[str, str]) -> list[list[str]]:
    """Header plus one row per application.

    ``questions`` maps question id (as stored in ``Application.answers``) to its label, in
    display order. Expects ``mission``, ``firm__sector`` and ``firm__memberships__user``
    loaded by the caller.
    """
    rows = [list(HEADER)]
    for application in applications:
        firm = application.firm
        rows.append(
            [
                application.mission.title,
                firm.name,
                firm.vat_number,
                firm.sector.name,
                firm.comune,
                str(application.get_status_display()),
                str(application.delegates),
                timezone.localtime(application.created_at, LOCAL_TZ).strftime("%Y-%m-%d %H:%M"),
                application.note,
                format_answers(application.answers or {}, questions),
                "; ".join(m.user.email for m in firm.memberships.all()),
            ]
        )
    return rows


def format_answers(answers: Mapping, questions: Mapping[str, str]) -> str:
    """``"Label: value; …"`` in question order; answers to removed questions keep their id."""
    keys = [key for key in questions if key in answers]
    keys += sorted((str(key) for key in answers if str(key) not in questions), key=_natural)
    parts = []
    for key in keys:
        value = _answer_text(answers.get(key))
        if value:
            parts.append(f"{questions.get(key, key)}: {value}")
    return "; ".join(parts)


def _answer_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Sì" if value else "No"
    if isinstance(value, list | tuple):
        return ", ".join(_answer_text(v) for v in value if _answer_text(v))
    return str(value).strip()


def _natural(key: str) -> tuple:
    return (0, int(key), "") if key.isdigit() else (1, 0, key)


def neutralise(value) -> str:
    """Text a spreadsheet will not evaluate: a leading apostrophe before formula characters."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


def as_csv(rows: Iterable[Iterable]) -> bytes:
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


def as_xlsx(rows: Iterable[Iterable], title: str) -> bytes:
    """One sheet, bold frozen header, autofilter, column widths fitted to the content."""
    workbook = Workbook()
    sheet = workbook.active
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
