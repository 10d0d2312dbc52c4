"""The funders' report (checkup/ledger.py) as an XLSX workbook and a PDF, for the staff."""

import io
from typing import Any, cast

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from checkup import ledger
from core.spreadsheets import neutralise, sheet_title
from missionday.selectors import survey_period


def _cell(value: Any) -> Any:
    """Numbers stay numbers; text cannot turn into a formula."""
    if value is None or isinstance(value, int | float):
        return value
    if hasattr(value, "is_finite"):  # Decimal
        return float(value)
    return neutralise(ILLEGAL_CHARACTERS_RE.sub("", str(value)))


def _sheet(workbook: Workbook, title: str, rows: list[list[Any]], *, first: bool = False) -> None:
    sheet = cast(Worksheet, workbook.active) if first else workbook.create_sheet()
    sheet.title = sheet_title(title)
    bold = Font(bold=True)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c, value=_cell(value))
            if r == 1:
                cell.font = bold
    sheet.column_dimensions["A"].width = 48
    sheet.freeze_panes = "B2"


def _indicators(result: ledger.Report) -> list[tuple[str, Any]]:
    """The ledger's indicators, then the mission-day survey's for the missions that ended in
    the period (delegates and partner contacts who checked in; missionday/selectors.py)."""
    survey = survey_period(result.period.first_day, result.period.last_day)
    return [
        *ledger.indicator_rows(result),
        (_("Questionario di gradimento: risposte"), survey.responses),
        (_("Questionario di gradimento: NPS"), survey.nps),
        (_("Questionario di gradimento: utilità degli incontri (media 1-5)"), survey.usefulness),
        (_("Questionario di gradimento: organizzazione (media 1-5)"), survey.organisation),
    ]


SURVEY_NOTE = gettext_lazy(
    "Questionario di gradimento: le risposte di imprese e partner presenti alle missioni "
    "concluse nel periodo. NPS: la quota di chi consiglierebbe la missione (9-10) meno quella "
    "di chi non la consiglierebbe (0-6), da -100 a 100."
)


def as_xlsx(result: ledger.Report) -> bytes:
    """One sheet of indicators, then one per roll-up (mission, sector, partner, firm)."""
    workbook = Workbook()
    indicators = [[_("Indicatore"), result.period.label]]
    indicators += [[label, value] for label, value in _indicators(result)]
    indicators += [[], [str(ledger.SATISFACTION_NOTE)], [str(SURVEY_NOTE)]]
    _sheet(workbook, _("Indicatori"), indicators, first=True)
    header = ledger.headers()
    for by, rows in result.rollups.items():
        title = str(ledger.ROLLUP_TITLES[by])
        _sheet(workbook, title, [[title, *header], *([r.label, *r.values()] for r in rows)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def as_pdf(result: ledger.Report, *, base_url: str) -> bytes:
    import weasyprint  # heavy (Cairo/Pango bindings): loaded only when a PDF is asked for

    html = render_to_string(
        "staff/ledger_report_pdf.html",
        {
            "report": result,
            "indicators": _indicators(result),
            "headers": ledger.headers(),
            "rollups": [(ledger.ROLLUP_TITLES[by], rows) for by, rows in result.rollups.items()],
            "satisfaction_note": ledger.SATISFACTION_NOTE,
            "survey_note": SURVEY_NOTE,
        },
    )
    return cast(bytes, weasyprint.HTML(string=html, base_url=base_url).write_pdf())
