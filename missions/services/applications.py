"""Writes about missions and applications. Locking policy, in one place:

The Mission row is the seat lock. Every path that takes, frees or offers a seat (apply,
withdraw, accept or decline an offer, staff confirm/reject/waitlist, capacity change, offer
expiry) first locks the mission with SELECT ... FOR NO KEY UPDATE inside one transaction, then
reads the seat counts, then writes. So two requests for the last seat are serialised and confirmed
applications never exceed the seats; a freed seat is offered in the same transaction.
"""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from members.models import Firm, User
from missions.models import Application, Interest, Mission
from notifications import kinds
from notifications.services import notify, notify_audience

Status = Application.Status

# Test-only switch: the race test's control run turns the lock off to prove that its harness
# does see the race the lock prevents. Never changed outside tests.
SEAT_LOCK = True


class ApplicationError(DomainError):
    """A refused request; `message` is shown to the user as a form error."""

    message = _("Operazione non consentita.")

    def __str__(self) -> str:
        return str(self.message)


class RegistrationClosed(ApplicationError):
    message = _("Le iscrizioni a questa missione non sono aperte.")


class AlreadyApplied(ApplicationError):
    message = _("La tua impresa ha già una candidatura attiva per questa missione.")


class TooManyDelegates(ApplicationError):
    message = _("Il numero di delegati supera il limite della missione.")


class SectorNotAdmitted(ApplicationError):
    message = _("La missione è riservata ad altri settori.")


class FirmNotApproved(ApplicationError):
    message = _("Solo le imprese approvate possono candidarsi.")


class NotActive(ApplicationError):
    message = _("La candidatura non è più attiva.")


class OfferExpired(ApplicationError):
    message = _("L'offerta del posto è scaduta.")


class MissionFull(ApplicationError):
    message = _("Non ci sono posti liberi.")


def _lock_mission(mission_id: int) -> Mission:
    queryset = Mission.objects.all()
    if SEAT_LOCK:
        queryset = queryset.select_for_update(no_key=True)
    return queryset.get(pk=mission_id)


class _Seats:
    """Seat accounting of one mission; caller must hold the lock on the mission."""

    def __init__(self, mission: Mission) -> None:
        self.mission = mission
        held = (
            Application.objects.filter(mission=mission, status__in=Application.HOLDS_SEAT)
            .values("firm__sector_id")
            .annotate(n=Count("pk"))
        )
        self.by_sector = {row["firm__sector_id"]: row["n"] for row in held}
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


def _participants_changed(mission_id: int) -> None:
    """New participants: recompute the B2B suggestions (a queued task), if partners are set."""
    from missions.models import MissionPartner
    from missions.services import b2b

    if MissionPartner.objects.filter(mission_id=mission_id).exists():
        b2b.matchmaking_request(mission_id=mission_id)


def _context(application: Application) -> dict:
    return {"mission": application.mission.title, "firm": application.firm.name}


def _firm_people(application: Application) -> list[int]:
    return list(application.firm.memberships.values_list("user_id", flat=True))


def _notify_firm(
    application: Application,
    kind: kinds.Kind,
    version: str,
    url: str = "",
    recipients: list[int] | None = None,
    **extra,
) -> None:
    notify(
        recipients=_firm_people(application) if recipients is None else recipients,
        kind=kind.slug,
        object_key=f"application:{application.pk}",
        version=version,
        context={**_context(application), **extra},
        url=url or reverse("missions:detail", args=[application.mission_id]),
    )


def application_create(
    *,
    mission_id: int,
    firm: Firm,
    user: User,
    delegates: int,
    note: str = "",
    answers: dict | None = None,
) -> Application:
    """Apply `firm` to a mission: confirmed if a seat is free, else waiting list (or pending,
    when staff approve each application). Raises an ApplicationError subclass otherwise."""
    with transaction.atomic():
        mission = _lock_mission(mission_id)
        if firm.status != Firm.Status.APPROVED:
            raise FirmNotApproved
        if not mission.registration_open():
            raise RegistrationClosed
        if not mission.sectors.filter(pk=firm.sector_id).exists():
            raise SectorNotAdmitted
        if not 1 <= delegates <= mission.max_delegates:
            raise TooManyDelegates
        if Application.objects.filter(
            mission=mission, firm=firm, status__in=Application.ACTIVE
        ).exists():
            raise AlreadyApplied
        now = timezone.now()
        if mission.requires_approval:
            status = Status.PENDING
        elif _Seats(mission).available_for(firm.sector_id):
            status = Status.CONFIRMED
        else:
            status = Status.WAITLISTED
        try:
            with transaction.atomic():
                application = Application.objects.create(
                    mission=mission,
                    firm=firm,
                    applied_by=user,
                    status=status,
                    delegates=delegates,
                    note=note,
                    answers=answers or {},
                    waitlisted_at=now if status == Status.WAITLISTED else None,
                    decided_at=now if status == Status.CONFIRMED else None,
                )
        except IntegrityError:
            # The partial unique constraint: a double submit that raced past the check above.
            raise AlreadyApplied from None
        people = _firm_people(application)  # two notices below: one query
        _notify_firm(application, kinds.APPLICATION_RECEIVED, "received", recipients=people)
        if status == Status.CONFIRMED:
            _notify_firm(application, kinds.APPLICATION_CONFIRMED, "confirmed", recipients=people)
            _participants_changed(mission.pk)
        elif status == Status.WAITLISTED:
            _notify_firm(
                application,
                kinds.APPLICATION_WAITLISTED,
                f"waitlisted-{int(now.timestamp())}",
                recipients=people,
            )
    return application


def _offer_free_seats(mission: Mission, *, now=None) -> list[Application]:
    """Offer each free seat to the first firm on the waiting list that fits the sector caps.

    Caller must hold the lock on `mission`. The offer expires after `mission.offer_hours`.
    """
    now = now or timezone.now()
    seats = _Seats(mission)
    offered = []
    waiting = (
        Application.objects.filter(mission=mission, status=Status.WAITLISTED)
        .select_related("firm", "mission")
        .order_by("waitlisted_at", "created_at", "pk")
    )
    for application in waiting:
        if seats.total >= mission.seats:
            break
        if not seats.available_for(application.firm.sector_id):
            continue
        application.status = Status.OFFERED
        application.offer_expires_at = now + timedelta(hours=mission.offer_hours)
        application.save(update_fields=["status", "offer_expires_at", "updated_at"])
        seats.take(application.firm.sector_id)
        expires = formats.date_format(
            timezone.localtime(application.offer_expires_at), "DATETIME_FORMAT"
        )
        _notify_firm(
            application,
            kinds.APPLICATION_OFFERED,
            f"offer-{int(application.offer_expires_at.timestamp())}",
            # The email links to the page with the confirm and decline buttons.
            url=reverse("missions:offer", args=[application.pk]),
            expires=expires,
        )
        offered.append(application)
    return offered


def _get_for_firm(application_id: int, firm: Firm) -> Application:
    """Raises Application.DoesNotExist for another firm's application."""
    return Application.objects.select_related("mission", "firm").get(pk=application_id, firm=firm)


def application_withdraw(*, application_id: int, firm: Firm) -> Application:
    """The firm withdraws; a seat it held goes to the waiting list in the same transaction."""
    with transaction.atomic():
        application = _get_for_firm(application_id, firm)
        mission = _lock_mission(application.mission_id)
        application.refresh_from_db()  # re-read under the lock
        if application.status not in Application.ACTIVE:
            raise NotActive
        held_seat = application.status in Application.HOLDS_SEAT
        application.status = Status.WITHDRAWN
        application.withdrawn_reason = "by_firm"
        application.save(update_fields=["status", "withdrawn_reason", "updated_at"])
        if held_seat:
            _offer_free_seats(mission)
    return application


def offer_accept(*, application_id: int, firm: Firm) -> Application:
    with transaction.atomic():
        application = _get_for_firm(application_id, firm)
        _lock_mission(application.mission_id)
        application.refresh_from_db()
        if application.status != Status.OFFERED:
            raise NotActive
        if application.offer_expires_at and application.offer_expires_at <= timezone.now():
            raise OfferExpired
        application.status = Status.CONFIRMED
        application.decided_at = timezone.now()
        application.save(update_fields=["status", "decided_at", "updated_at"])
        _notify_firm(application, kinds.APPLICATION_CONFIRMED, "confirmed")
        _participants_changed(application.mission_id)
    return application


def offer_decline(*, application_id: int, firm: Firm) -> Application:
    with transaction.atomic():
        application = _get_for_firm(application_id, firm)
        mission = _lock_mission(application.mission_id)
        application.refresh_from_db()
        if application.status != Status.OFFERED:
            raise NotActive
        application.status = Status.WITHDRAWN
        application.withdrawn_reason = "offer_declined"
        application.save(update_fields=["status", "withdrawn_reason", "updated_at"])
        _offer_free_seats(mission)
    return application


def offers_expire(*, now=None) -> int:
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
            mission = _lock_mission(mission_id)
            for application in Application.objects.filter(
                mission=mission, status=Status.OFFERED, offer_expires_at__lte=now
            ).select_related("firm", "mission"):
                application.status = Status.WITHDRAWN
                application.withdrawn_reason = "offer_expired"
                application.save(update_fields=["status", "withdrawn_reason", "updated_at"])
                _notify_firm(application, kinds.APPLICATION_OFFER_EXPIRED, "offer-expired")
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
            mission = _lock_mission(mission_id)
            seats = _Seats(mission)
            applications = Application.objects.filter(
                pk__in=ids, status__in=[Status.PENDING, Status.WAITLISTED, Status.OFFERED]
            ).select_related("firm", "mission")
            for application in applications.order_by("created_at", "pk"):
                if application.status != Status.OFFERED:  # an offer already holds its seat
                    if not seats.available_for(application.firm.sector_id):
                        refused += 1
                        continue
                    seats.take(application.firm.sector_id)
                application.status = Status.CONFIRMED
                application.decided_at = timezone.now()
                application.save(update_fields=["status", "decided_at", "updated_at"])
                _notify_firm(application, kinds.APPLICATION_CONFIRMED, "confirmed")
                confirmed += 1
            if confirmed:
                _participants_changed(mission_id)
    return confirmed, refused


def applications_reject(*, application_ids: list[int]) -> int:
    rejected = 0
    for mission_id, ids in _by_mission(application_ids).items():
        with transaction.atomic():
            mission = _lock_mission(mission_id)
            freed = False
            for application in Application.objects.filter(
                pk__in=ids, status__in=Application.ACTIVE
            ).select_related("firm", "mission"):
                freed |= application.status in Application.HOLDS_SEAT
                application.status = Status.REJECTED
                application.decided_at = timezone.now()
                application.save(update_fields=["status", "decided_at", "updated_at"])
                _notify_firm(application, kinds.APPLICATION_REJECTED, "rejected")
                rejected += 1
            if freed:
                _offer_free_seats(mission)
    return rejected


def applications_waitlist(*, application_ids: list[int]) -> int:
    """Staff move applications to the end of the waiting list; freed seats are offered."""
    moved = 0
    for mission_id, ids in _by_mission(application_ids).items():
        with transaction.atomic():
            mission = _lock_mission(mission_id)
            now = timezone.now()
            freed = False
            for application in Application.objects.filter(
                pk__in=ids, status__in=[Status.PENDING, Status.CONFIRMED, Status.OFFERED]
            ).select_related("firm", "mission"):
                freed |= application.status in Application.HOLDS_SEAT
                application.status = Status.WAITLISTED
                application.waitlisted_at = now
                application.offer_expires_at = None
                application.save(
                    update_fields=["status", "waitlisted_at", "offer_expires_at", "updated_at"]
                )
                _notify_firm(
                    application, kinds.APPLICATION_WAITLISTED, f"waitlisted-{int(now.timestamp())}"
                )
                moved += 1
            if freed:
                _offer_free_seats(mission)
    return moved


def mission_capacity_changed(*, mission_id: int) -> list[Application]:
    """After staff raise the seats (or caps): offer the new seats to the waiting list."""
    with transaction.atomic():
        mission = _lock_mission(mission_id)
        return _offer_free_seats(mission)


def _dates(mission: Mission) -> str:
    return (
        f"{formats.date_format(mission.start_date, 'SHORT_DATE_FORMAT')}–"
        f"{formats.date_format(mission.end_date, 'SHORT_DATE_FORMAT')}"
    )


def mission_publish(*, mission_id: int) -> bool:
    """Publish a draft and tell the approved firms of its sectors (one fan-out). Once."""
    with transaction.atomic():
        mission = _lock_mission(mission_id)
        if mission.status != Mission.Status.DRAFT:
            return False
        mission.status = Mission.Status.PUBLISHED
        mission.published_at = timezone.now()
        mission.save(update_fields=["status", "published_at"])
        notify_audience(
            audience="approved_firm_users",
            params={"sector_ids": list(mission.sectors.values_list("pk", flat=True))},
            kind=kinds.MISSION_PUBLISHED.slug,
            object_key=f"mission:{mission.pk}",
            context={"mission": mission.title, "dates": _dates(mission)},
            url=reverse("missions:detail", args=[mission.pk]),
        )
    return True


def mission_close_registration(*, mission_id: int) -> bool:
    with transaction.atomic():
        mission = _lock_mission(mission_id)
        if mission.status != Mission.Status.PUBLISHED:
            return False
        mission.status = Mission.Status.CLOSED
        mission.save(update_fields=["status"])
    return True


def interest_add(*, mission: Mission, firm: Firm, user: User) -> Interest:
    interest, _created = Interest.objects.get_or_create(
        mission=mission, user=user, defaults={"firm": firm}
    )
    return interest


def _claim(queryset: QuerySet[Mission], flag: str) -> list[Mission]:
    """Lock and stamp the missions a reminder is due for, so it goes out once."""
    missions = list(queryset.select_for_update(skip_locked=True))
    Mission.objects.filter(pk__in=[m.pk for m in missions]).update(**{flag: timezone.now()})
    return missions


def reminders_send(*, now=None) -> dict[str, int]:
    """Periodic scan (beat): registration opened, deadline in 48 h, mission starts in 7 days."""
    now = now or timezone.now()
    counts = {"opened": 0, "deadline": 0, "start": 0}
    with transaction.atomic():
        for mission in _claim(
            Mission.objects.filter(
                status=Mission.Status.PUBLISHED,
                registration_opens_at__lte=now,
                registration_deadline__gt=now,
                opening_notified_at__isnull=True,
            ),
            "opening_notified_at",
        ):
            notify(
                recipients=mission.interests.values_list("user_id", flat=True),
                kind=kinds.REGISTRATION_OPEN.slug,
                object_key=f"mission:{mission.pk}",
                context={"mission": mission.title},
                url=reverse("missions:detail", args=[mission.pk]),
            )
            counts["opened"] += 1
        for mission in _claim(
            Mission.objects.filter(
                status=Mission.Status.PUBLISHED,
                registration_deadline__gt=now,
                registration_deadline__lte=now + timedelta(hours=48),
                deadline_reminded_at__isnull=True,
            ),
            "deadline_reminded_at",
        ):
            deadline = formats.date_format(
                timezone.localtime(mission.registration_deadline), "DATETIME_FORMAT"
            )
            notify_audience(
                audience="mission_non_applicants",
                params={"mission_id": mission.pk},
                kind=kinds.DEADLINE_SOON.slug,
                object_key=f"mission:{mission.pk}",
                context={"mission": mission.title, "deadline": deadline},
                url=reverse("missions:detail", args=[mission.pk]),
            )
            counts["deadline"] += 1
        today = timezone.localdate(now)
        for mission in _claim(
            Mission.objects.filter(
                status__in=[Mission.Status.PUBLISHED, Mission.Status.CLOSED],
                start_date__gt=today,
                start_date__lte=today + timedelta(days=7),
                start_reminded_at__isnull=True,
            ),
            "start_reminded_at",
        ):
            notify_audience(
                audience="mission_participants",
                params={"mission_id": mission.pk},
                kind=kinds.MISSION_STARTS_SOON.slug,
                object_key=f"mission:{mission.pk}",
                context={
                    "mission": mission.title,
                    "start": formats.date_format(mission.start_date, "DATE_FORMAT"),
                },
                url=reverse("missions:detail", args=[mission.pk]),
            )
            counts["start"] += 1
    return counts


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
