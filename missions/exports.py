"""Participant lists of a mission for staff: rows, CSV for Italian Excel, XLSX.

The formats and their formula neutralising live in core/spreadsheets.py.
"""

import zoneinfo
from collections.abc import Iterable, Mapping

from django.utils import timezone

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
