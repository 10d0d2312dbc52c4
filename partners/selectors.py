"""Reads of the co-organisers' pages: their missions, their partners on a mission, a partner's
meeting requests. The access rule (which missions and partners) is partners.access's."""

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from missions.models import Meeting, MeetingRequest, Mission, MissionPartner, Partner
from partners.access import co_mission_partners
from partners.models import PartnerContact

OPEN = [MeetingRequest.Status.REQUESTED, MeetingRequest.Status.ACCEPTED]


def co_organiser_missions(*, co_organiser_id: int) -> QuerySet[Mission]:
    """The organisation's missions, soonest first, each with `own_partners`: how many of the
    organisation's partners are on it. One query."""
    return (
        Mission.objects.filter(co_organiser_links__co_organiser_id=co_organiser_id)
        .annotate(
            own_partners=Count(
                "mission_partners",
                filter=Q(
                    mission_partners__partner__co_organiser_links__co_organiser_id=co_organiser_id
                ),
                distinct=True,
            )
        )
        .order_by("start_date", "pk")
    )


def _count(queryset: QuerySet[MeetingRequest] | QuerySet[Meeting]) -> Coalesce:
    rows = queryset.order_by().values("partner_id").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def co_mission_partner_rows(*, co_organiser_id: int, mission_id: int) -> list[MissionPartner]:
    """The organisation's partners on the mission, by name, with their attendance, the contacts
    invited to the mission (`invited_contacts`), `open_requests` (both ways, not yet declined or
    cancelled) and `placed_meetings`. Two queries, whatever the number of partners."""
    requests = MeetingRequest.objects.filter(
        mission_id=OuterRef("mission_id"), partner_id=OuterRef("partner_id"), status__in=OPEN
    )
    meetings = Meeting.objects.filter(
        mission_id=OuterRef("mission_id"), partner_id=OuterRef("partner_id"), slot__isnull=False
    )
    return list(
        co_mission_partners(co_organiser_id)
        .filter(mission_id=mission_id)
        .select_related("partner__city")
        .annotate(open_requests=_count(requests), placed_meetings=_count(meetings))
        .prefetch_related(
            Prefetch(
                "partner__contacts",
                queryset=PartnerContact.objects.filter(invitations__mission_id=mission_id)
                .select_related("user")
                .order_by("user__email"),
                to_attr="invited_contacts",
            )
        )
        .order_by("partner__name", "pk")
    )


def partner_requests(*, mission: Mission, partner: Partner) -> list[MeetingRequest]:
    """The partner's meeting requests on the mission, both ways, newest first, with the firm and
    the meeting if there is one: its slot, attendance, the firm's outcome and the partner's
    feedback (its columns are on the meeting's row, so no query more). One query."""
    return list(
        MeetingRequest.objects.filter(mission=mission, partner=partner)
        .select_related("firm__sector", "meeting__slot__session__city")
        .order_by("-created_at", "-pk")
    )
