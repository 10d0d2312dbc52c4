"""The live board's cells as HTML, from the fragment cache (core/fragment_cache.py).

Every staff phone polls the board's state every few seconds and a session has hundreds of
cells, so each cell's HTML is rendered once and then fetched with the others in one round
trip. A cell's key holds every value the cell shows that can change (its state, the meeting,
the names, who is here, the no-shows recorded there, the meetings offered), the language, the
mission and session (the forms' URLs) and the reference-data version (bumped on every migrate,
so a deploy that changes the cell's template starts afresh).

Nothing per-user or per-request goes in a cached cell: the forms' CSRF field is a marker that
`cells_html` replaces with the response's one token (the same for every form of the page).
"""

import hashlib

from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.http import HttpRequest

from core.fragment_cache import fragments, reference_version
from missionday.board import Board, Cell
from missions.models import Meeting, ProgrammeItem

TEMPLATE = "missionday/_board_cell.html"
CSRF_MARK = "<!--board-cell-csrf-->"


def _meeting_state(m: Meeting) -> tuple[object, ...]:
    return (m.pk, m.firm.name, m.partner.name, m.attendance, m.absent)


def cell_state(cell: Cell) -> tuple[object, ...]:
    """Every value the cell's HTML shows that can change."""
    meeting = cell.meeting
    return (
        cell.slot.pk,
        cell.table,
        cell.state,
        _meeting_state(meeting) if meeting is not None else None,
        cell.firm_here,
        cell.partner_here,
        tuple(_meeting_state(m) for m in cell.absent),
        tuple((*_meeting_state(m), m.request.priority) for m in cell.offers),
    )


def cells_html(request: HttpRequest, session: ProgrammeItem, board: Board) -> None:
    """Set `cell.html` on every cell of the board: cached cells in one round trip, the missing
    ones rendered (and cached); then the page's CSRF token in each form."""
    cells = [cell for row in board.rows for cell in row.cells]
    if not cells:
        return
    context = {
        "mission": session.mission,
        "session": session,
        "no_show_url": reverse("missionday:board_no_show", args=[session.mission_id, session.pk]),
        "assign_url": reverse("missionday:board_assign", args=[session.mission_id, session.pk]),
        "csrf_input": mark_safe(CSRF_MARK),  # noqa: S308 (a constant)
    }
    language = get_language()
    reference = reference_version()
    found: dict[str, str] = {}
    keys: list[str | None] = [None] * len(cells)
    if reference is not None:  # else Redis cannot tell the version: render, cache nothing
        for i, cell in enumerate(cells):
            raw = repr((TEMPLATE, language, reference, session.pk, cell_state(cell)))
            keys[i] = f"board-cell:{hashlib.sha256(raw.encode()).hexdigest()}"
        found = fragments().get_many(keys)
    rendered: dict[str, str] = {}
    csrf_input = format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request)
    )
    for cell, key in zip(cells, keys, strict=True):
        html = found.get(key) if key is not None else None
        if html is None:
            html = render_to_string(TEMPLATE, {**context, "cell": cell})
            if key is not None:
                rendered[key] = html
        cell.html = SafeString(html.replace(CSRF_MARK, csrf_input))
    if rendered:
        fragments().set_many(rendered)
