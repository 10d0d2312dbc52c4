"""B2B meeting requests: a firm asks to meet a partner (staff answer for the partner), or staff
enter a partner's own wish (the firm answers). Mutual opt-in; an accepted request is a Meeting."""

from django.contrib.postgres.expressions import ArraySubquery
from django.db import IntegrityError, transaction
from django.db.models import Exists
from django.urls import reverse
from django.utils import timezone

from core.translated import translations
from members.models import Firm, User
from members.recipients import notify_firm
from missions import notification_kinds as kinds
from missions.models import (
    Application,
    Meeting,
    MeetingRequest,
    Mission,
    MissionPartner,
    Partner,
)
from missions.partner_events import partner_event
from missions.services import locking
from missions.services.errors import (
    AlreadyRequested,
    AttendanceNotConfirmed,
    FirmAlreadyRequested,
    MeetingError,
    NotAParticipant,
    PartnerNotAttending,
    PartnerRequestLimitReached,
    RequestLimitReached,
)
from missions.services.locking import violated

RequestStatus = MeetingRequest.Status
ONE_OPEN_REQUEST = "missions_meetingrequest_one_open"


def _is_participant(mission: Mission, firm: Firm) -> bool:
    return Application.objects.filter(
        mission=mission, firm=firm, status=Application.Status.CONFIRMED
    ).exists()


def _common_language(firm: Firm, partner: Partner) -> bool:
    return bool(set(firm.languages) & set(partner.languages))


def meeting_request_notify(
    request: MeetingRequest, *, kind: str, version: str, url: str = "", **extra: object
) -> None:
    """Tell the requesting firm's people about its request (or the meeting that came of it)."""
    notify_firm(
        firm=request.firm,  # its memberships are used if prefetched
        kind=kind,
        object_key=f"meetingrequest:{request.pk}",
        version=version,
        context={
            "mission": translations(request.mission, "title"),
            "firm": request.firm.name,
            "partner": request.partner.name,
            **extra,
        },
        url=url or reverse("missions:b2b", args=[request.mission_id]),
    )


def meeting_request_create(
    *, mission_id: int, firm: Firm, user: User, partner_id: int, priority: int, reason: str = ""
) -> MeetingRequest:
    """A firm asks to meet a partner; staff accept or decline for the partner.

    Under the mission lock (it serialises the per-firm limit), one query reads the partner's
    attendance, whether the firm is confirmed and the partners of its open requests; a unique
    violation (a request of either side already open) is AlreadyRequested."""
    try:
        with transaction.atomic():
            mission = locking.lock_mission(mission_id)
            open_requests = MeetingRequest.objects.filter(
                mission=mission,
                firm=firm,
                origin=MeetingRequest.Origin.FIRM,
                status__in=[RequestStatus.REQUESTED, RequestStatus.ACCEPTED],
            )
            # Read after the lock, in a statement of its own: one that waited for the lock
            # would read the other rows as they were before that wait.
            mission_partner = (
                MissionPartner.objects.select_related("partner")
                .filter(mission=mission, partner_id=partner_id)
                .annotate(
                    participant=Exists(
                        Application.objects.filter(
                            mission=mission, firm=firm, status=Application.Status.CONFIRMED
                        )
                    ),
                    requested=ArraySubquery(open_requests.values("partner_id")),
                )
                .first()
            )
            if mission_partner is None:
                if not _is_participant(mission, firm):
                    raise NotAParticipant
                raise PartnerNotAttending
            if not mission_partner.participant:
                raise NotAParticipant
            if partner_id in mission_partner.requested:
                raise AlreadyRequested
            if len(mission_partner.requested) >= mission.meeting_requests_per_firm:
                raise RequestLimitReached
            request = MeetingRequest.objects.create(
                mission=mission,
                firm=firm,
                partner=mission_partner.partner,
                priority=priority,
                reason=reason,
                requested_by=user,
            )
            partner_event(request, "requested")
    except IntegrityError as exc:
        if violated(exc) == ONE_OPEN_REQUEST:
            raise AlreadyRequested from None
        raise
    return request


def partner_wish_create(
    *,
    mission_id: int,
    partner_id: int,
    firm_id: int,
    priority: int = 3,
    reason: str = "",
    contact: User | None = None,
) -> MeetingRequest:
    """A partner's own wish to meet a firm; the firm accepts or declines it (mutual opt-in).

    Entered by the partner's signed-in `contact` (attendance confirmed, at most the mission's
    `meeting_requests_per_partner` open wishes), or by staff for a partner who never signs in
    (`contact=None`: staff organise the event and are not capped). The firm is told either way.
    """
    with transaction.atomic():
        mission = locking.lock_mission(mission_id)  # serialises the per-partner limit
        firm = Firm.objects.get(pk=firm_id)
        if not _is_participant(mission, firm):
            raise NotAParticipant
        mission_partner = (
            MissionPartner.objects.select_related("partner")
            .filter(mission=mission, partner_id=partner_id)
            .first()
        )
        if mission_partner is None:
            raise PartnerNotAttending
        partner = mission_partner.partner
        if contact is not None:
            if mission_partner.attendance != MissionPartner.Attendance.CONFIRMED:
                raise AttendanceNotConfirmed
            open_wishes = MeetingRequest.objects.filter(
                mission=mission,
                partner=partner,
                origin=MeetingRequest.Origin.PARTNER,
                status__in=[RequestStatus.REQUESTED, RequestStatus.ACCEPTED],
            )
            if open_wishes.count() >= mission.meeting_requests_per_partner:
                raise PartnerRequestLimitReached
        try:
            with transaction.atomic():
                request = MeetingRequest.objects.create(
                    mission=mission,
                    firm=firm,
                    partner=partner,
                    priority=priority,
                    reason=reason,
                    origin=MeetingRequest.Origin.PARTNER,
                    requested_by=contact,
                )
        except IntegrityError:
            raise FirmAlreadyRequested from None
        meeting_request_notify(
            request,
            kind=kinds.MEETING_WISHED.slug,
            version="wished",
            url=reverse("missions:b2b", args=[mission.pk]),
        )
    return request


def _accept(request: MeetingRequest) -> Meeting:
    request.status = RequestStatus.ACCEPTED
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_at"])
    meeting, _created = Meeting.objects.get_or_create(
        request=request,
        defaults={
            "mission_id": request.mission_id,
            "firm_id": request.firm_id,
            "partner_id": request.partner_id,
            "needs_interpreter": not _common_language(request.firm, request.partner),
        },
    )
    return meeting


def _decline(request: MeetingRequest) -> None:
    request.status = RequestStatus.DECLINED
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_at"])


def meeting_requests_decide(
    *, request_ids: list[int], accept: bool, partner_id: int | None = None
) -> int:
    """The partner's answer to firms' requests: accept (creates the meeting) or decline; the
    firm is told. Staff answer for any partner; a signed-in contact passes its `partner_id`, and
    others' requests are left alone. Returns the number of requests answered (0: none was open).
    """
    count = 0
    requests = MeetingRequest.objects.filter(
        pk__in=request_ids, status=RequestStatus.REQUESTED, origin=MeetingRequest.Origin.FIRM
    ).select_related("firm", "partner", "mission")
    if partner_id is not None:
        requests = requests.filter(partner_id=partner_id)
    with transaction.atomic():
        for request in requests.select_for_update(of=("self",)):
            if accept:
                _accept(request)
                meeting_request_notify(
                    request, kind=kinds.MEETING_ACCEPTED.slug, version="accepted"
                )
            else:
                _decline(request)
                meeting_request_notify(
                    request, kind=kinds.MEETING_DECLINED.slug, version="declined"
                )
            count += 1
    return count


def partner_wish_answer(*, request_id: int, firm: Firm, accept: bool) -> MeetingRequest:
    """The firm answers a partner's wish. Raises MeetingRequest.DoesNotExist for others'."""
    with transaction.atomic():
        request = (
            MeetingRequest.objects.select_for_update(of=("self",))
            .select_related("firm", "partner", "mission")
            .get(pk=request_id, firm=firm, origin=MeetingRequest.Origin.PARTNER)
        )
        if request.status != RequestStatus.REQUESTED:
            raise MeetingError
        if accept:
            _accept(request)
        else:
            _decline(request)
        partner_event(request, "accepted" if accept else "declined")
    return request


def meeting_request_cancel(
    *, request_id: int, firm: Firm | None = None, partner_id: int | None = None, note: str = ""
) -> MeetingRequest:
    """The firm, or the partner (its signed-in contact, `partner_id`, with a written `note`),
    withdraws a request and the meeting, if it was accepted; the other side is told.

    Raises MeetingRequest.DoesNotExist for a request that is not the caller's, MeetingError for
    one already closed. Locks the mission: a scheduler run never places a cancelled meeting.
    """
    if (firm is None) == (partner_id is None):
        raise ValueError("pass exactly one of firm and partner_id")
    own = {"firm": firm} if firm is not None else {"partner_id": partner_id}
    with transaction.atomic():
        request = MeetingRequest.objects.select_related("mission").get(pk=request_id, **own)
        locking.lock_mission(request.mission_id)
        request.refresh_from_db()
        if request.status not in (RequestStatus.REQUESTED, RequestStatus.ACCEPTED):
            raise MeetingError
        Meeting.objects.filter(request=request).delete()
        request.status = RequestStatus.CANCELLED
        request.cancelled_reason = (
            MeetingRequest.CancelReason.BY_FIRM
            if firm is not None
            else MeetingRequest.CancelReason.BY_PARTNER
        )
        request.cancel_note = note
        request.decided_at = timezone.now()
        request.save(update_fields=["status", "cancelled_reason", "cancel_note", "decided_at"])
        if firm is not None:
            partner_event(request, "cancelled")
        else:
            meeting_request_notify(
                request,
                kind=kinds.MEETING_CANCELLED_BY_PARTNER.slug,
                version="cancelled-by-partner",
                reason=note,
            )
    return request


def firm_b2b_cancel(*, mission: Mission, firm: Firm, reason: str) -> int:
    """The firm left the mission: cancel its open requests and partners' wishes, delete their
    meetings (the slots and tables free up) and tell the firm. Returns the requests cancelled.

    Caller must hold the lock on `mission` (missions.services.applications.application_set_status
    calls this when a confirmed application is withdrawn, rejected or waitlisted). Staff see the
    requests as cancelled, with `reason`, in admin; partners have no account to notify.
    """
    requests = list(
        MeetingRequest.objects.select_for_update(of=("self",))
        .filter(
            mission=mission,
            firm=firm,
            status__in=[RequestStatus.REQUESTED, RequestStatus.ACCEPTED],
        )
        .select_related("partner")
        .order_by("pk")
    )
    if not requests:
        return 0
    # Deleted one by one through the queryset: the audit trail records each meeting.
    Meeting.objects.filter(request__in=requests).delete()
    MeetingRequest.objects.filter(pk__in=[r.pk for r in requests]).update(
        status=RequestStatus.CANCELLED, cancelled_reason=reason, decided_at=timezone.now()
    )
    notify_firm(
        firm=firm,
        kind=kinds.B2B_CANCELLED.slug,
        object_key=f"mission:{mission.pk}:firm:{firm.pk}:b2b",
        version=f"cancelled-{int(timezone.now().timestamp() * 1000)}",
        context={
            "mission": translations(mission, "title"),
            "firm": firm.name,
            "partners": ", ".join(sorted({r.partner.name for r in requests})),
            "reason": str(MeetingRequest.CancelReason(reason).label),
        },
        url=reverse("missions:detail", args=[mission.pk]),
    )
    return len(requests)
