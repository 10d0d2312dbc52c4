"""Who may reach the mission day's pages: the Camera's staff run the day (check-in, board,
badges); a person with a badge for the mission uses the companion and gets their certificate."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from core.staff import has_staff_powers
from missionday.models import DayPass
from missions.models import Mission


def staff_mission(request: HttpRequest, mission_id: int) -> Mission:
    """The mission, for staff with two-factor authentication; 403 for anyone else (a delegate
    cannot check anyone in), 404 for a mission that does not exist."""
    if not has_staff_powers(request.user):
        raise PermissionDenied
    return get_object_or_404(Mission, pk=mission_id)


def holder_pass(request: HttpRequest, mission_id: int) -> DayPass:
    """The signed-in person's badge for the mission, or 404 (no badge for it: another
    mission's companion is indistinguishable from one that does not exist)."""
    if not request.user.is_authenticated:
        raise PermissionDenied
    day_pass = (
        DayPass.objects.select_related("mission", "firm", "partner")
        .filter(mission_id=mission_id, user_id=request.user.pk)
        .first()
    )
    if day_pass is None:
        raise Http404
    return day_pass
