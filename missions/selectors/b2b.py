"""Read queries of the B2B meetings, for the firm's pages: suggestions, requests, agenda."""

from collections import defaultdict

from django.utils import timezone

from members.models import Firm
from missions.models import (
    MatchSuggestion,
    Meeting,
    MeetingRequest,
    Mission,
    Partner,
    ProgrammeItem,
)


def firm_b2b(*, mission: Mission, firm: Firm) -> dict:
    """Suggestions with reasons, the firm's requests and partners' wishes, and its meetings."""
    suggestions = list(
        MatchSuggestion.objects.filter(mission=mission, firm=firm)
        .select_related("partner__city")
        .order_by("-score", "partner__name")
    )
    requests = list(
        MeetingRequest.objects.filter(mission=mission, firm=firm)
        .exclude(status=MeetingRequest.Status.CANCELLED)
        .select_related("partner__city", "meeting__slot__session__city")
        .order_by("-priority", "created_at")
    )
    requested = {r.partner_id for r in requests}
    suggested = {s.partner_id for s in suggestions}
    others = list(
        Partner.objects.filter(missions__mission=mission)
        .exclude(pk__in=suggested)
        .select_related("city")
        .order_by("name")
    )
    open_requests = sum(
        1
        for r in requests
        if r.origin == MeetingRequest.Origin.FIRM
        and r.status in (MeetingRequest.Status.REQUESTED, MeetingRequest.Status.ACCEPTED)
    )
    return {
        "suggestions": suggestions,
        "requests": [r for r in requests if r.origin == MeetingRequest.Origin.FIRM],
        "wishes": [r for r in requests if r.origin == MeetingRequest.Origin.PARTNER],
        "requested": requested,
        "other_partners": others,
        "requests_left": max(mission.meeting_requests_per_firm - open_requests, 0),
    }


def firm_agenda(*, mission: Mission, firm: Firm) -> dict:
    """The firm's trip: placed meetings plus the mission's other programme items, by day."""
    meetings = list(
        Meeting.objects.filter(mission=mission, firm=firm, slot__isnull=False)
        .select_related("partner__city", "slot__session__city")
        .order_by("slot__starts_at")
    )
    items = list(mission.programme.exclude(kind=ProgrammeItem.Kind.B2B).select_related("city"))
    entries = [(m.slot.starts_at, "meeting", m) for m in meetings]
    entries += [(i.starts_at, "item", i) for i in items]
    days: dict = defaultdict(list)
    for start, kind, obj in sorted(entries, key=lambda e: (e[0], e[1])):
        tz = obj.slot.session.city.tz if kind == "meeting" else obj.city.tz
        days[timezone.localtime(start, tz).date()].append((kind, obj))
    return {"meetings": meetings, "items": items, "days": sorted(days.items())}
