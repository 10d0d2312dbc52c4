"""Applications and seats: apply, withdraw, offers from the waiting list, staff decisions.

Every status change goes through `application_set_status`, which checks the transition, writes
the status with its timestamps and tells the firm. Seats are counted under the mission lock
(see missions.services.locking for the policy).
"""

from datetime import datetime, timedelta
from typing import TypedDict

from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from core.dates import stored_datetime
from core.translated import translations
from members.models import Firm, User
from members.recipients import firm_recipients, notify_firm
from missions import notification_kinds as kinds
from missions.models import Application, Interest, MeetingRequest, Mission
from missions.selectors import missions as mission_selectors
from missions.services import locking, meeting_requests, suggestions
from missions.services.errors import (
    AlreadyApplied,
    FirmNotApproved,
    NotActive,
    OfferExpired,
    RegistrationClosed,
    SectorNotAdmitted,
    TooManyDelegates,
)

Status = Application.Status

# The state machine of an application: the statuses each status may be reached from.
ALLOWED_FROM: dict[str, frozenset[str]] = {
    Status.CONFIRMED: frozenset({Status.PENDING, Status.WAITLISTED, Status.OFFERED}),
    Status.WAITLISTED: frozenset({Status.PENDING, Status.CONFIRMED, Status.OFFERED}),
    Status.OFFERED: frozenset({Status.WAITLISTED}),
    Status.REJECTED: frozenset(Application.ACTIVE),
    Status.WITHDRAWN: frozenset(Application.ACTIVE),
}

# The partial unique constraint on a firm's active application to a mission.
ONE_ACTIVE_APPLICATION = "missions_application_one_active"

# The withdrawn_reason of the applications of a mission that staff cancel (missions.mission_cancel).
MISSION_CANCELLED = "mission_cancelled"

# Why a firm's B2B is cancelled when its confirmed application moves to each status.
B2B_CANCEL_REASON: dict[str, str] = {
    Status.WITHDRAWN: MeetingRequest.CancelReason.WITHDRAWN,
    Status.REJECTED: MeetingRequest.CancelReason.REJECTED,
    Status.WAITLISTED: MeetingRequest.CancelReason.WAITLISTED,
}


class _ApplyChecks(TypedDict):
    admitted: bool  # the firm's sector is one of the mission's
    applied: bool  # the firm has an active application
    held: int  # seats held
    held_sector: int  # seats held by the firm's sector
    cap: int | None  # the sector's seats, if capped
    has_partners: bool


class _Seats:
    """Seat accounting of one mission; caller must hold the lock on the mission."""

    def __init__(self, mission: Mission) -> None:
        self.mission = mission
        held = (
            Application.objects.filter(mission=mission, status__in=Application.HOLDS_SEAT)
            .values("sector_id")
            .annotate(n=Count("pk"))
        )
        # The sector recorded on each application when it was made, not the firm's of today.
        self.by_sector = {row["sector_id"]: row["n"] for row in held}
        self.total = sum(self.by_sector.values())
        self.caps = dict(mission.sector_caps.values_list("sector_id", "seats"))

    def available_for(self, sector_id: int) -> bool:
        if self.total >= self.mission.seats:
            return False
        cap = self.caps.get(sector_id)
        return cap is None or self.by_sector.get(sector_id, 0) < cap

    def take(self, sector_id: int) -> None:
        self.total += 1
        self.by_sector[sector_id] = self.by_sector.get(sector_id, 0) + 1


def _notify(
    application: Application,
    *,
    kind: str,
    version: str,
    url: str = "",
    recipients: list[int] | None = None,
    **extra: object,
) -> None:
    notify_firm(
        firm=application.firm,
        kind=kind,
        object_key=f"application:{application.pk}",
        version=version,
        context={
            "mission": translations(application.mission, "title"),
            "firm": application.firm.name,
            **extra,
        },
        url=url or reverse("missions:detail", args=[application.mission_id]),
        recipients=recipients,
    )


def _notify_status(application: Application, *, recipients: list[int] | None = None) -> None:
    """Tell the firm the application's new status; nothing for pending or withdrawn by itself.

    `application_set_status` and `application_create` stamp `waitlisted_at` and
    `offer_expires_at` with the status, so the checks on them below only narrow the types.
    """
    status = application.status
    if status == Status.CONFIRMED:
        _notify(
            application,
            kind=kinds.APPLICATION_CONFIRMED.slug,
            version="confirmed",
            recipients=recipients,
        )
    elif status == Status.WAITLISTED and application.waitlisted_at is not None:
        _notify(
            application,
            kind=kinds.APPLICATION_WAITLISTED.slug,
            version=f"waitlisted-{int(application.waitlisted_at.timestamp())}",
            recipients=recipients,
        )
    elif status == Status.OFFERED and application.offer_expires_at is not None:
        expires = stored_datetime(application.offer_expires_at)
        _notify(
            application,
            kind=kinds.APPLICATION_OFFERED.slug,
            version=f"offer-{int(application.offer_expires_at.timestamp())}",
            # The email links to the page with the confirm and decline buttons.
            url=reverse("missions:offer", args=[application.pk]),
            recipients=recipients,
            expires=expires,
        )
    elif status == Status.REJECTED:
        _notify(
            application,
            kind=kinds.APPLICATION_REJECTED.slug,
            version="rejected",
            recipients=recipients,
        )
    elif status == Status.WITHDRAWN and application.withdrawn_reason == MISSION_CANCELLED:
        _notify(
            application,
            kind=kinds.MISSION_CANCELLED.slug,
            version="mission-cancelled",
            recipients=recipients,
        )
    elif status == Status.WITHDRAWN and application.withdrawn_reason == "offer_expired":
        _notify(
            application,
            kind=kinds.APPLICATION_OFFER_EXPIRED.slug,
            version="offer-expired",
            recipients=recipients,
        )


def application_set_status(
    application: Application,
    *,
    status: str,
    now: datetime | None = None,
    withdrawn_reason: str = "",
) -> None:
    """Move `application` to `status`: check the transition, stamp its time, save, tell the firm.

    The one path of every status change (the firm's withdrawal and answers to an offer, staff
    decisions, offers from the waiting list and their expiry). Caller must hold the lock on the
    application's mission and have read the application under it. Raises NotActive for a
    transition the state machine refuses.
    """
    if application.status not in ALLOWED_FROM[status]:
        raise NotActive
    lost_b2b = application.status == Status.CONFIRMED and status in B2B_CANCEL_REASON
    now = now or timezone.now()
    fields = ["status", "updated_at"]
    if status in (Status.CONFIRMED, Status.REJECTED):
        application.decided_at = now
        fields.append("decided_at")
    elif status == Status.WAITLISTED:
        application.waitlisted_at, application.offer_expires_at = now, None
        fields += ["waitlisted_at", "offer_expires_at"]
    elif status == Status.OFFERED:
        application.offer_expires_at = now + timedelta(hours=application.mission.offer_hours)
        fields.append("offer_expires_at")
    elif status == Status.WITHDRAWN:
        application.withdrawn_reason = withdrawn_reason
        fields.append("withdrawn_reason")
    application.status = status
    application.save(update_fields=fields)
    _notify_status(application)
    if lost_b2b:
        # B2B meetings are for confirmed firms: a firm that leaves loses its requests and its
        # meetings in this same transaction (under the mission lock the caller holds).
        meeting_requests.firm_b2b_cancel(
            mission=application.mission,
            firm=application.firm,
            reason=B2B_CANCEL_REASON[status],
        )


def application_create(
    *,
    mission_id: int,
    firm: Firm,
    user: User,
    delegates: int,
    note: str = "",
    answers: dict[str, str] | None = None,
) -> Application:
    """Apply `firm` to a mission: confirmed if a seat is free, else waiting list (or pending,
    when staff approve each application). Raises an ApplicationError subclass otherwise.

    Under the mission lock, one query reads the sector's admission, an active application of the
    firm and the seats (`_apply_checks`); a unique violation (a double submit that raced past
    the check) is AlreadyApplied."""
    if firm.status != Firm.Status.APPROVED:
        raise FirmNotApproved
    people = firm_recipients(firm)  # two notices below: one query, before the lock
    try:
        with transaction.atomic():
            mission = locking.lock_mission(mission_id)
            if not mission.registration_open():
                raise RegistrationClosed
            checks = _apply_checks(mission, firm)
            if not checks["admitted"]:
                raise SectorNotAdmitted
            if not 1 <= delegates <= mission.max_delegates:
                raise TooManyDelegates
            if checks["applied"]:
                raise AlreadyApplied
            now = timezone.now()
            if mission.requires_approval:
                status = Status.PENDING
            elif checks["held"] < mission.seats and (
                checks["cap"] is None or checks["held_sector"] < checks["cap"]
            ):
                status = Status.CONFIRMED  # as _Seats.available_for
            else:
                status = Status.WAITLISTED
            application = Application.objects.create(
                mission=mission,
                firm=firm,
                sector_id=firm.sector_id,
                applied_by=user,
                status=status,
                delegates=delegates,
                note=note,
                answers=answers or {},
                waitlisted_at=now if status == Status.WAITLISTED else None,
                decided_at=now if status == Status.CONFIRMED else None,
            )
            _notify(
                application,
                kind=kinds.APPLICATION_RECEIVED.slug,
                version="received",
                recipients=people,
            )
            _notify_status(application, recipients=people)
            if status == Status.CONFIRMED and checks["has_partners"]:
                suggestions.matchmaking_request(mission_id=mission.pk)
    except IntegrityError as exc:
        if locking.violated(exc) == ONE_ACTIVE_APPLICATION:
            raise AlreadyApplied from None
        raise
    return application


# What applying checks, in one statement: a static one (the ORM spent more time building the
# equivalent query, six subqueries, than PostgreSQL running it). The seats are those of
# Application.HOLDS_SEAT and the active applications those of Application.ACTIVE.
_APPLY_CHECKS_SQL = """
SELECT
  EXISTS (SELECT 1 FROM missions_mission_sectors
          WHERE mission_id = %(mission)s AND sector_id = %(sector)s),
  EXISTS (SELECT 1 FROM missions_application
          WHERE mission_id = %(mission)s AND firm_id = %(firm)s AND status = ANY(%(active)s)),
  (SELECT count(*) FROM missions_application
   WHERE mission_id = %(mission)s AND status = ANY(%(holds)s)),
  (SELECT count(*) FROM missions_application
   WHERE mission_id = %(mission)s AND status = ANY(%(holds)s) AND sector_id = %(sector)s),
  (SELECT seats FROM missions_sectorcap WHERE mission_id = %(mission)s AND sector_id = %(sector)s),
  EXISTS (SELECT 1 FROM missions_missionpartner WHERE mission_id = %(mission)s)
"""


def _apply_checks(mission: Mission, firm: Firm) -> _ApplyChecks:
    """What applying checks, in one query; caller holds the mission lock (and reads this in a
    statement after it: one that waited for the lock would see the rows as before the wait).
    The seats held by the sector count the sector recorded on each application when it was
    made, not the firm's of today (as _Seats)."""
    with connection.cursor() as cursor:
        cursor.execute(
            _APPLY_CHECKS_SQL,
            {
                "mission": mission.pk,
                "sector": firm.sector_id,
                "firm": firm.pk,
                "active": [str(status) for status in Application.ACTIVE],
                "holds": [str(status) for status in Application.HOLDS_SEAT],
            },
        )
        row = cursor.fetchone()
    admitted, applied, held, held_sector, cap, has_partners = row
    return _ApplyChecks(
        admitted=admitted,
        applied=applied,
        held=held,
        held_sector=held_sector,
        cap=cap,
        has_partners=has_partners,
    )


def _offer_free_seats(mission: Mission, *, now: datetime | None = None) -> list[Application]:
    """Offer each free seat to the first firm on the waiting list that fits the sector caps.

    Caller must hold the lock on `mission`. The offer expires after `mission.offer_hours`.
    """
    now = now or timezone.now()
    seats = _Seats(mission)
    offered = []
    for application in mission_selectors.waiting_list(mission_id=mission.pk):
        if seats.total >= mission.seats:
            break
        if not seats.available_for(application.sector_id):
            continue
        application_set_status(application, status=Status.OFFERED, now=now)
        seats.take(application.sector_id)
        offered.append(application)
    return offered


def _get_for_firm(application_id: int, firm: Firm) -> Application:
    """Raises Application.DoesNotExist for another firm's application."""
    return Application.objects.select_related("mission", "firm").get(pk=application_id, firm=firm)


def application_withdraw(*, application_id: int, firm: Firm) -> Application:
    """The firm withdraws; a seat it held goes to the waiting list in the same transaction."""
    with transaction.atomic():
        application = _get_for_firm(application_id, firm)
        mission = locking.lock_mission(application.mission_id)
        application.refresh_from_db()  # re-read under the lock
        held_seat = application.status in Application.HOLDS_SEAT
        application_set_status(application, status=Status.WITHDRAWN, withdrawn_reason="by_firm")
        if held_seat:
            _offer_free_seats(mission)
    return application


def offer_accept(*, application_id: int, firm: Firm) -> Application:
    with transaction.atomic():
        application = _get_for_firm(application_id, firm)
        locking.lock_mission(application.mission_id)
        application.refresh_from_db()
        if application.status != Status.OFFERED:
            raise NotActive
        if application.offer_expires_at and application.offer_expires_at <= timezone.now():
            raise OfferExpired
        application_set_status(application, status=Status.CONFIRMED)
        suggestions.participants_changed(mission_id=application.mission_id)
    return application


def offer_decline(*, application_id: int, firm: Firm) -> Application:
    with transaction.atomic():
        application = _get_for_firm(application_id, firm)
        mission = locking.lock_mission(application.mission_id)
        application.refresh_from_db()
        if application.status != Status.OFFERED:
            raise NotActive
        application_set_status(
            application, status=Status.WITHDRAWN, withdrawn_reason="offer_declined"
        )
        _offer_free_seats(mission)
    return application


def offers_expire(*, now: datetime | None = None) -> int:
    """Expired offers go back (withdrawn) and the seat is offered to the next firm."""
    now = now or timezone.now()
    mission_ids = set(
        Application.objects.filter(status=Status.OFFERED, offer_expires_at__lte=now).values_list(
            "mission_id", flat=True
        )
    )
    expired = 0
    for mission_id in mission_ids:
        with transaction.atomic():
            mission = locking.lock_mission(mission_id)
            for application in Application.objects.filter(
                mission=mission, status=Status.OFFERED, offer_expires_at__lte=now
            ).select_related("firm", "mission"):
                application_set_status(
                    application, status=Status.WITHDRAWN, withdrawn_reason="offer_expired"
                )
                expired += 1
            _offer_free_seats(mission, now=now)
    return expired


def _by_mission(application_ids: list[int]) -> dict[int, list[int]]:
    grouped: dict[int, list[int]] = {}
    for pk, mission_id in Application.objects.filter(pk__in=application_ids).values_list(
        "pk", "mission_id"
    ):
        grouped.setdefault(mission_id, []).append(pk)
    return grouped


def applications_confirm(*, application_ids: list[int]) -> tuple[int, int]:
    """Staff confirm; refused where no seat is free. Returns (confirmed, refused for no seat)."""
    confirmed = refused = 0
    for mission_id, ids in _by_mission(application_ids).items():
        with transaction.atomic():
            mission = locking.lock_mission(mission_id)
            seats = _Seats(mission)
            applications = Application.objects.filter(
                pk__in=ids, status__in=[Status.PENDING, Status.WAITLISTED, Status.OFFERED]
            ).select_related("firm", "mission")
            for application in applications.order_by("created_at", "pk"):
                if application.status != Status.OFFERED:  # an offer already holds its seat
                    if not seats.available_for(application.sector_id):
                        refused += 1
                        continue
                    seats.take(application.sector_id)
                application_set_status(application, status=Status.CONFIRMED)
                confirmed += 1
            if confirmed:
                suggestions.participants_changed(mission_id=mission_id)
    return confirmed, refused


def applications_reject(*, application_ids: list[int]) -> int:
    rejected = 0
    for mission_id, ids in _by_mission(application_ids).items():
        with transaction.atomic():
            mission = locking.lock_mission(mission_id)
            freed = False
            for application in Application.objects.filter(
                pk__in=ids, status__in=Application.ACTIVE
            ).select_related("firm", "mission"):
                freed |= application.status in Application.HOLDS_SEAT
                application_set_status(application, status=Status.REJECTED)
                rejected += 1
            if freed:
                _offer_free_seats(mission)
    return rejected


def applications_waitlist(*, application_ids: list[int]) -> int:
    """Staff move applications to the end of the waiting list; freed seats are offered."""
    moved = 0
    for mission_id, ids in _by_mission(application_ids).items():
        with transaction.atomic():
            mission = locking.lock_mission(mission_id)
            now = timezone.now()
            freed = False
            for application in Application.objects.filter(
                pk__in=ids, status__in=[Status.PENDING, Status.CONFIRMED, Status.OFFERED]
            ).select_related("firm", "mission"):
                freed |= application.status in Application.HOLDS_SEAT
                application_set_status(application, status=Status.WAITLISTED, now=now)
                moved += 1
            if freed:
                _offer_free_seats(mission)
    return moved


def mission_capacity_changed(*, mission_id: int) -> list[Application]:
    """After staff raise the seats (or caps): offer the new seats to the waiting list."""
    with transaction.atomic():
        mission = locking.lock_mission(mission_id)
        return _offer_free_seats(mission)


def firm_applications_release(*, firm_id: int) -> int:
    """The firm has nobody left (its last member erased their account): withdraw its active
    applications to missions not yet over, with their B2B; each seat it held is offered to the
    waiting list in the same transaction. Returns how many were withdrawn."""
    active = Application.objects.filter(
        firm_id=firm_id, status__in=Application.ACTIVE, mission__end_date__gte=timezone.localdate()
    )
    released = 0
    for mission_id in sorted(set(active.values_list("mission_id", flat=True))):
        with transaction.atomic():
            mission = locking.lock_mission(mission_id)
            freed = False
            for application in active.filter(mission=mission).select_related("firm", "mission"):
                freed |= application.status in Application.HOLDS_SEAT
                application_set_status(
                    application, status=Status.WITHDRAWN, withdrawn_reason="no_members"
                )
                released += 1
            if freed:
                _offer_free_seats(mission)
    return released


def interest_add(*, mission: Mission, firm: Firm, user: User) -> Interest:
    """'Notify me when registration opens'; asking twice is asking once."""
    interest, _created = Interest.objects.get_or_create(
        mission=mission, user=user, defaults={"firm": firm}
    )
    return interest


def applications_mark_attended(*, application_ids: list[int], attended: bool) -> int:
    """After a mission, staff record which confirmed firms took part (row by row: the audit
    trail records each change and who made it)."""
    applications = list(
        Application.objects.filter(pk__in=application_ids, status=Status.CONFIRMED).exclude(
            attended=attended
        )
    )
    for application in applications:
        application.attended = attended
        application.save(update_fields=["attended", "updated_at"])
    return len(applications)
