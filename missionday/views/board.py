"""The live staff board: a mission's B2B sessions, one session as slots × tables refreshed by
polling its state (static/js/missionday-board.js), marking no-shows and giving a freed table to
a meeting that waits. Staff only (missionday.access.staff_mission)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import parse_etags
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from core.staff import has_staff_powers
from missionday import board
from missionday.access import staff_mission
from missionday.board_html import board_etag, cells_html, with_csrf_token
from missionday.services.board import board_meeting_place
from missionday.services.errors import MissionDayError
from missions.models import Meeting, Mission, ProgrammeItem, Slot
from missions.services import outcomes
from missions.services.errors import MissionsError

POLL_SECONDS = 10


def _session_for_staff(request: HttpRequest, mission_id: int, session_id: int) -> ProgrammeItem:
    """The mission's B2B session for staff (403 for others, 404 for another mission's or a
    mission that does not exist: as missionday.access.staff_mission)."""
    if not has_staff_powers(request.user):
        raise PermissionDenied
    return get_object_or_404(  # the mission comes with it: one query
        ProgrammeItem.objects.select_related("city", "mission"),
        pk=session_id,
        mission_id=mission_id,
        kind=ProgrammeItem.Kind.B2B,
    )


@require_GET
def board_sessions(request: HttpRequest, mission_id: int) -> HttpResponse:
    mission = staff_mission(request, mission_id)
    sessions = list(board.b2b_sessions(mission))
    return render(request, "missionday/board.html", {"mission": mission, "sessions": sessions})


def _board(session: ProgrammeItem) -> board.Board:
    """The session's board with its cells' HTML (missionday.board_html: cached)."""
    the_board = board.board_for(session)
    cells_html(session, the_board)
    return the_board


def _render_board(request: HttpRequest, session: ProgrammeItem, status: int = 200) -> HttpResponse:
    mission: Mission = session.mission
    context = {
        "mission": mission,
        "session": session,
        "board": _board(session),
        "poll_ms": POLL_SECONDS * 1000,
    }
    response = render(request, "missionday/board_session.html", context, status=status)
    return with_csrf_token(request, response)


@require_GET
@never_cache
def board_session(request: HttpRequest, mission_id: int, session_id: int) -> HttpResponse:
    return _render_board(request, _session_for_staff(request, mission_id, session_id))


@require_GET
@never_cache
def board_state(request: HttpRequest, mission_id: int, session_id: int) -> HttpResponse:
    """The grid's state as an HTML fragment (counts, cells, time): the page's script swaps in
    the cells that changed. With its ETag, 304 while nothing the fragment shows has changed
    (the script sends the ETag of the state it has)."""
    session = _session_for_staff(request, mission_id, session_id)
    the_board = board.board_for(session)
    etag = board_etag(session, the_board)
    if etag in parse_etags(request.headers.get("If-None-Match", "")):
        response: HttpResponse = HttpResponseNotModified()
    else:
        cells_html(session, the_board)
        context = {"mission": session.mission, "session": session, "board": the_board}
        response = with_csrf_token(
            request, render(request, "missionday/_board_state.html", context)
        )
    response["ETag"] = etag
    return response


class NoShowForm(forms.Form):
    meeting = forms.IntegerField(min_value=1)
    # firm / partner / both absent; "present" takes the no-show back
    side = forms.ChoiceField(choices=[(v, v) for v in (*Meeting.Absent.values[1:], "present")])


@require_POST
def board_no_show(request: HttpRequest, mission_id: int, session_id: int) -> HttpResponse:
    session = _session_for_staff(request, mission_id, session_id)
    form = NoShowForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Richiesta non valida: scegliete chi è assente."))
        return _render_board(request, session, status=400)
    meeting = get_object_or_404(Meeting, pk=form.cleaned_data["meeting"], slot__session=session)
    side = form.cleaned_data["side"]
    try:
        if side == "present":
            outcomes.meetings_mark_attendance(meeting_ids=[meeting.pk], attendance="")
        else:
            outcomes.meetings_mark_attendance(
                meeting_ids=[meeting.pk], attendance=Meeting.Attendance.NO_SHOW, absent=side
            )
    except MissionsError as exc:
        messages.error(request, str(exc))
    else:
        done = _("Assenza annullata.") if side == "present" else _("Assenza registrata.")
        messages.success(request, done)
    return _back(session, f"cell-s{meeting.slot_id}-t{meeting.table}")


class AssignForm(forms.Form):
    meeting = forms.IntegerField(min_value=1)
    slot = forms.IntegerField(min_value=1)
    table = forms.IntegerField(min_value=1, max_value=999)


@require_POST
def board_assign(request: HttpRequest, mission_id: int, session_id: int) -> HttpResponse:
    session = _session_for_staff(request, mission_id, session_id)
    form = AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Richiesta non valida: scegliete l'incontro da assegnare."))
        return _render_board(request, session, status=400)
    meeting = get_object_or_404(Meeting, pk=form.cleaned_data["meeting"], mission=session.mission)
    slot = get_object_or_404(Slot, pk=form.cleaned_data["slot"], session=session)
    table = form.cleaned_data["table"]
    try:
        board_meeting_place(
            mission=session.mission, meeting_id=meeting.pk, slot_id=slot.pk, table=table
        )
    except (MissionsError, MissionDayError) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("%(firm)s e %(partner)s al tavolo %(table)s: li abbiamo avvisati.")
            % {"firm": meeting.firm.name, "partner": meeting.partner.name, "table": table},
        )
    return _back(session, f"cell-s{slot.pk}-t{table}")


def _back(session: ProgrammeItem, anchor: str) -> HttpResponse:
    url = reverse("missionday:board_session", args=[session.mission_id, session.pk])
    return redirect(f"{url}#{anchor}")
