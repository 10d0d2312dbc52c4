"""Read queries of the B2B meetings, for the firm's pages: suggestions, requests, agenda."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import TypedDict
from zoneinfo import ZoneInfo

from django.utils import timezone

from members.models import Firm
from missions import matchmaking
from missions.models import (
    MatchSuggestion,
    Meeting,
    MeetingRequest,
    Mission,
    Partner,
    ProgrammeItem,
)
from missions.services.suggestions import firm_profile, participants, partner_profile


class FirmB2B(TypedDict):
    """The firm's B2B page of a mission."""

    suggestions: list[MatchSuggestion]
    requests: list[MeetingRequest]  # the firm's own
    wishes: list[MeetingRequest]  # partners' wishes to meet the firm
    requested: set[int]  # partner ids
    other_partners: list[Partner]
    requests_left: int


# A day of the agenda: ("meeting", Meeting) and ("item", ProgrammeItem) in time order.
AgendaEntry = tuple[str, Meeting | ProgrammeItem]


class FirmAgenda(TypedDict):
    """The firm's agenda of a mission."""

    meetings: list[Meeting]
    items: list[ProgrammeItem]
    days: list[tuple[date, list[AgendaEntry]]]


def firm_b2b(*, mission: Mission, firm: Firm) -> FirmB2B:
    """Suggestions with reasons, the firm's requests and partners' wishes, and its meetings."""
    suggestions = list(
        MatchSuggestion.objects.filter(mission=mission, firm=firm)
        .select_related("partner__city")
        .order_by("-follow_up", "-score", "partner__name")
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


def firm_agenda(*, mission: Mission, firm: Firm) -> FirmAgenda:
    """The firm's trip: placed meetings plus the mission's other programme items, by day."""
    meetings = list(
        Meeting.objects.filter(mission=mission, firm=firm, slot__isnull=False)
        .select_related("partner__city", "slot__session__city")
        .order_by("slot__starts_at")
    )
    items = list(mission.programme.exclude(kind=ProgrammeItem.Kind.B2B).select_related("city"))
    # (start, kind, entry, the time zone of its city); every meeting above has a slot.
    entries: list[tuple[datetime, str, Meeting | ProgrammeItem, ZoneInfo]] = [
        (m.slot.starts_at, "meeting", m, m.slot.session.city.tz)
        for m in meetings
        if m.slot is not None
    ]
    entries += [(i.starts_at, "item", i, i.city.tz) for i in items]
    days: defaultdict[date, list[AgendaEntry]] = defaultdict(list)
    for start, kind, obj, tz in sorted(entries, key=lambda e: (e[0], e[1])):
        days[timezone.localtime(start, tz).date()].append((kind, obj))
    return {"meetings": meetings, "items": items, "days": sorted(days.items())}


@dataclass(frozen=True)
class RankedFirm:
    """A confirmed firm of the mission as a partner sees it: the reciprocal score and its reasons
    (structured: codes and params, put into words at render time in the reader's language), and
    the open request between the two, if any."""

    firm: Firm
    score: int
    reasons: tuple[matchmaking.Reason, ...]
    request: MeetingRequest | None

    @property
    def pk(self) -> int:
        """The firm's: a ranked firm's card is cached per firm (core.fragment_cache)."""
        return self.firm.pk


def partner_ranking(*, mission: Mission, partner: Partner) -> list[RankedFirm]:
    """The mission's confirmed firms, best match for `partner` first (ties by name).

    Scored live with the firm side's pure scoring (missions.matchmaking.score_pair), so a profile
    the partner has just completed counts at once. Three queries, whatever the number of firms.
    """
    profile = partner_profile(partner)  # partner.sectors: one query
    open_requests = {
        r.firm_id: r
        for r in MeetingRequest.objects.filter(
            mission=mission,
            partner=partner,
            status__in=[MeetingRequest.Status.REQUESTED, MeetingRequest.Status.ACCEPTED],
        )
    }
    ranked = [
        RankedFirm(
            firm=firm,
            score=(scored := matchmaking.score_pair(firm_profile(firm), profile)).score,
            reasons=scored.reasons,
            request=open_requests.get(firm.pk),
        )
        for firm in participants(mission)
    ]
    ranked.sort(key=lambda r: (-r.score, r.firm.name, r.firm.pk))
    return ranked


class PartnerAgenda(TypedDict):
    """A partner's placed meetings of a mission, by day in the local time of their city."""

    meetings: list[Meeting]
    days: list[tuple[date, list[Meeting]]]


def partner_agenda(*, mission: Mission, partner: Partner) -> PartnerAgenda:
    """The partner's placed meetings (time, table, the firm's card). One query."""
    meetings = list(
        Meeting.objects.filter(mission=mission, partner=partner, slot__isnull=False)
        .select_related("firm__sector", "slot__session__city")
        .order_by("slot__starts_at", "table", "pk")
    )
    days: defaultdict[date, list[Meeting]] = defaultdict(list)
    for meeting in meetings:
        if meeting.slot is not None:
            tz = meeting.slot.session.city.tz
            days[timezone.localtime(meeting.slot.starts_at, tz).date()].append(meeting)
    return {"meetings": meetings, "days": sorted(days.items())}
