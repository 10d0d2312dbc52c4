"""The live board's cells as HTML, from the fragment cache (core/fragment_cache.py).

Every staff phone polls the board's state every few seconds and a session has hundreds of
cells, so each row's cells are rendered once and then fetched with the other rows in one round
trip. A row's key holds every value its cells show that can change (their state, the meeting,
the names, who is here, the no-shows recorded there, the meetings offered), the language, the
session (the forms' URLs) and the reference-data version (bumped on every migrate, so a deploy
that changes the cell's template starts afresh). A change re-renders the cells of its row only.

Nothing per-user or per-request goes in a cached cell: the forms' CSRF field holds a marker
that `with_csrf_token` replaces with the response's one token (the same for every form).
"""

import hashlib

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from core.fragment_cache import fragments, reference_version
from missionday.board import Board, BoardMeeting, Cell
from missions.models import ProgrammeItem

TEMPLATE = "missionday/_board_cell.html"


def csrf_mark() -> str:
    """The CSRF token of a cached cell's forms, replaced in the response by the request's.
    Derived from the secret key, so no text on the page (names are escaped anyway) can carry
    it, and only the whole hidden field is replaced."""
    digest = hashlib.sha256(f"board-csrf:{settings.SECRET_KEY}".encode()).hexdigest()
    return f"boardcsrf{digest[:32]}"


def _csrf_field(token: str) -> bytes:
    return f'name="csrfmiddlewaretoken" value="{token}"'.encode()


def _meeting_state(m: BoardMeeting) -> tuple[object, ...]:
    return (m.pk, m.firm_name, m.partner_name, m.attendance, m.absent)


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
        tuple((*_meeting_state(m), m.priority) for m in cell.offers),
    )


def cells_html(session: ProgrammeItem, board: Board) -> None:
    """Set `row.cells_html` on every row of the board, its cells' <td>s: cached rows in one
    round trip, the cells of the missing ones rendered (and the rows cached). Their forms hold
    csrf_mark() for a token: the view puts in the response's (`with_csrf_token`)."""
    mark = csrf_mark()
    context = {
        "session": session,
        "no_show_url": reverse("missionday:board_no_show", args=[session.mission_id, session.pk]),
        "assign_url": reverse("missionday:board_assign", args=[session.mission_id, session.pk]),
        "csrf_token": mark,  # what {% csrf_token %} prints
    }
    language = get_language()
    reference = reference_version()
    found: dict[str, SafeString] = {}
    keys: list[str | None] = [None] * len(board.rows)
    if reference is not None:  # else Redis cannot tell the version: render, cache nothing
        for i, row in enumerate(board.rows):
            state = tuple(cell_state(cell) for cell in row.cells)
            raw = repr((TEMPLATE, mark, language, reference, session.pk, state))
            keys[i] = f"board-row:{hashlib.sha256(raw.encode()).hexdigest()}"
        found = fragments().get_many([key for key in keys if key is not None])
    rendered: dict[str, SafeString] = {}
    for row, key in zip(board.rows, keys, strict=True):
        html = found.get(key) if key is not None else None
        if html is None:
            # Each cell is a SafeString (escaped inside): joined as such, not escaped again.
            html = format_html_join(
                "", "{}", ((render_to_string(TEMPLATE, {**context, "cell": c}),) for c in row.cells)
            )
            if key is not None:
                rendered[key] = html
        # A SafeString through Redis stays one (pickle keeps the class): printed as rendered.
        row.cells_html = html
    if rendered:
        fragments().set_many(rendered)


def with_csrf_token(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """The response with the request's CSRF token in every form of the board's cells (one token
    for them all: each form of a page may carry the same)."""
    mark = _csrf_field(csrf_mark())
    if mark in response.content:
        response.content = response.content.replace(mark, _csrf_field(get_token(request)))
    return response


def board_etag(session: ProgrammeItem, board: Board) -> str:
    """The state fragment's ETag: every value it shows that can change (the cells, the slots'
    times and whether they run, the counts, the minute of "updated at", the language), so a
    poll that would get the same state gets 304 instead. The forms' CSRF token is left out: the
    page keeps the cells it has, whose token stays valid."""
    state = (
        TEMPLATE,
        get_language(),
        session.pk,
        session.city.time_zone,
        board.now.replace(second=0, microsecond=0),
        (board.meetings, board.both_present, board.no_shows, board.free_now, board.waiting),
        board.tables,
        tuple(
            (
                row.slot.pk,
                row.slot.starts_at,
                row.slot.ends_at,
                row.running,
                row.ended,
                tuple(cell_state(cell) for cell in row.cells),
            )
            for row in board.rows
        ),
    )
    return f'"{hashlib.sha256(repr(state).encode()).hexdigest()[:32]}"'
