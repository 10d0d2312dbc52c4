"""Badges (issued per mission) and check-in (idempotent, from phones that may be offline)."""

import uuid
from datetime import date, datetime, tzinfo

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from members.models import Firm, Membership, User
from missionday.models import CheckIn, DayPass
from missionday.selectors import mission_local_date
from missionday.services.errors import (
    AlreadyDelegate,
    CheckInInvalid,
    DelegateCheckedIn,
    DelegateInvalid,
    DelegateRefused,
    DelegatesFull,
    NotAMissionDay,
    PassNotFound,
)
from missions.models import Application, Mission, MissionPartner
from partners.models import PartnerContact


def day_passes_issue(*, mission: Mission) -> int:
    """Give a badge to each person expected on the mission who has none yet; returns how many
    were created.

    Expected: for each confirmed application, the person who applied if still in the firm (else
    the firm's first owner), unless the firm's owners already named its delegates
    (`delegate_add`: then they are the firm's badges, within `application.delegates`); for each
    partner that confirmed attendance, each of its contacts. Badges already issued (also those
    staff added by hand) are kept; running it again adds only the missing ones.
    """
    created = 0
    with transaction.atomic():
        # The applications' locks, as `delegate_add` takes them (in pk order), so the default
        # badge never goes past the delegates a firm names meanwhile.
        applications = list(
            Application.objects.select_for_update(no_key=True, of=("self",))
            .filter(mission=mission, status=Application.Status.CONFIRMED)
            .select_related("firm", "applied_by")
            .order_by("pk")
        )
        named = set(
            DayPass.objects.filter(
                mission=mission,
                kind=DayPass.Kind.DELEGATE,
                firm_id__in=[a.firm_id for a in applications],
            ).values_list("firm_id", flat=True)
        )
        for application in applications:
            person = None if application.firm_id in named else _delegate_of(application)
            if person is not None:
                created += _issue(mission, DayPass.Kind.DELEGATE, person, firm=application.firm)
    attending = MissionPartner.objects.filter(
        mission=mission, attendance=MissionPartner.Attendance.CONFIRMED
    ).values_list("partner_id", flat=True)
    contacts = PartnerContact.objects.filter(partner_id__in=attending).select_related(
        "user", "partner"
    )
    for contact in contacts:
        created += _issue(mission, DayPass.Kind.PARTNER, contact.user, partner=contact.partner)
    return created


def _delegate_of(application: Application) -> User | None:
    applicant = application.applied_by
    if (
        applicant is not None
        and Membership.objects.filter(user=applicant, firm=application.firm).exists()
    ):
        return applicant
    owner = (
        Membership.objects.filter(firm=application.firm, role=Membership.Role.OWNER)
        .select_related("user")
        .order_by("created_at", "pk")
        .first()
    )
    return owner.user if owner else None


def _issue(mission: Mission, kind: str, user: User, **holder: object) -> int:
    if DayPass.objects.filter(mission=mission, user=user).exists():
        return 0
    try:
        with transaction.atomic():
            DayPass.objects.create(
                mission=mission,
                kind=kind,
                user=user,
                full_name=user.get_full_name() or user.email,
                **holder,
            )
    except IntegrityError:  # issued meanwhile by a concurrent run
        return 0
    return 1


def check_in_record(
    *,
    mission: Mission,
    token: str,
    client_id: uuid.UUID,
    checked_in_at: datetime | None = None,
    method: str = CheckIn.Method.SCAN,
    by: User | None = None,
    now: datetime | None = None,
    tz: tzinfo | None = None,
    day_pass: DayPass | None = None,
) -> tuple[CheckIn, bool]:
    """Record that the badge `token` was seen at the mission; returns (check-in, created).

    Exactly once: the same `client_id` sent again returns the stored check-in; the same badge
    seen again on the same day (another phone, a second scan) returns the first check-in,
    created=False. Raises PassNotFound for a token that is not a badge of this mission,
    NotAMissionDay outside the mission's dates, CheckInInvalid for a client id already used for
    another badge; nothing is written then. The time is the phone's (when the badge was seen
    offline), never later than now; its day is the mission's (in `tz` when the caller already
    has it, else in missionday.selectors.mission_time_zone), not the server's. `day_pass`: the
    mission's badge of `token` when the caller already has it.
    """
    now = now or timezone.now()
    CheckIn.Method(method)
    existing = CheckIn.objects.filter(client_id=client_id).select_related("day_pass").first()
    if existing is not None:
        return check_in_again(existing, mission=mission, token=token), False
    if day_pass is None or day_pass.token != token or day_pass.mission_id != mission.pk:
        day_pass = DayPass.objects.filter(mission=mission, token=token).first()
    if day_pass is None:
        raise PassNotFound
    seen_at = min(checked_in_at or now, now)
    day = mission_local_date(mission, seen_at, tz)
    if not mission_day(mission, day):
        raise NotAMissionDay
    try:
        with transaction.atomic():
            check_in = CheckIn.objects.create(
                day_pass=day_pass,
                day=day,
                client_id=client_id,
                method=method,
                checked_in_at=seen_at,
                by=by,
            )
    except IntegrityError:
        # The badge was already checked in that day (or the same client id raced in): the
        # first check-in stands.
        first = CheckIn.objects.filter(day_pass=day_pass, day=day).first()
        if first is None:
            first = CheckIn.objects.filter(client_id=client_id, day_pass=day_pass).first()
        if first is None:
            raise CheckInInvalid from None
        return first, False
    return check_in, True


def check_in_again(existing: CheckIn, *, mission: Mission, token: str) -> CheckIn:
    """The check-in already stored under a client id, sent again (select_related its badge):
    the same badge of the same mission, or CheckInInvalid (the client id is another badge's)."""
    if existing.day_pass.token != token or existing.day_pass.mission_id != mission.pk:
        raise CheckInInvalid
    return existing


def mission_day(mission: Mission, day: date) -> bool:
    """Whether `day` is one of the mission's days."""
    return mission.start_date <= day <= mission.end_date


NAME_MAX_LENGTH = 150  # DayPass.full_name


# --- A firm's delegates -------------------------------------------------------------------------
#
# Locking: the firm's confirmed Application row is the lock of its badges. Naming, removing and
# the default badge of `day_passes_issue` lock it first, then count, so two owners naming the
# last delegate at once cannot go past `application.delegates`.


def _lock_application(application_id: int) -> Application:
    return (
        Application.objects.select_for_update(no_key=True, of=("self",))
        .select_related("mission")
        .get(pk=application_id)
    )


def _firm_badges(mission_id: int, firm_id: int) -> QuerySet[DayPass]:
    return DayPass.objects.filter(
        mission_id=mission_id, firm_id=firm_id, kind=DayPass.Kind.DELEGATE
    )


def delegates_application(*, mission_id: int, firm: Firm, by: User) -> Application:
    """The firm's confirmed application on the mission, if `by` is one of the firm's owners;
    raises DelegateRefused otherwise (a collaborator, another firm, no confirmed seat)."""
    is_owner = Membership.objects.filter(user=by, firm=firm, role=Membership.Role.OWNER).exists()
    application = (
        Application.objects.filter(
            mission_id=mission_id, firm=firm, status=Application.Status.CONFIRMED
        )
        .select_related("mission")
        .first()
    )
    if not is_owner or application is None:
        raise DelegateRefused
    return application


def delegate_add(
    *, mission_id: int, firm: Firm, by: User, user: User | None = None, full_name: str = ""
) -> DayPass:
    """Give one of the firm's delegates a badge: a member of the firm (`user`, the badge is
    theirs: they see it and the companion) or a person without an account (`full_name`).

    Only the firm's owners, only with a confirmed application, at most `application.delegates`
    badges for the firm (those issued by `day_passes_issue` count). Raises DelegateRefused,
    DelegateInvalid (not a member of the firm, no name), AlreadyDelegate, DelegatesFull;
    nothing is written then.
    """
    application = delegates_application(mission_id=mission_id, firm=firm, by=by)
    name = " ".join(full_name.split())
    if user is not None:
        if not Membership.objects.filter(user=user, firm=firm).exists():
            raise DelegateInvalid
        name = user.get_full_name() or user.email
    if not name or len(name) > NAME_MAX_LENGTH:
        raise DelegateInvalid
    with transaction.atomic():
        application = _lock_application(application.pk)
        if application.status != Application.Status.CONFIRMED:
            raise DelegateRefused
        if user is not None and DayPass.objects.filter(mission_id=mission_id, user=user).exists():
            raise AlreadyDelegate
        if _firm_badges(mission_id, firm.pk).count() >= application.delegates:
            raise DelegatesFull
        try:
            with transaction.atomic():
                return DayPass.objects.create(
                    mission_id=mission_id,
                    kind=DayPass.Kind.DELEGATE,
                    firm=firm,
                    user=user,
                    full_name=name,
                )
        except IntegrityError:  # the person got a badge meanwhile (staff, another path)
            raise AlreadyDelegate from None


def delegate_remove(*, mission_id: int, day_pass_id: int, firm: Firm, by: User) -> None:
    """Take a delegate's badge back (it is deleted). Refused with DelegateCheckedIn once the
    badge was checked in: it is the record that the person was there. Raises PassNotFound for a
    badge that is not one of the firm's delegates on the mission.
    """
    application = delegates_application(mission_id=mission_id, firm=firm, by=by)
    with transaction.atomic():
        _lock_application(application.pk)
        # FOR UPDATE (not NO KEY): a check-in being stored takes a key-share lock on the badge,
        # so it waits for this delete, or this waits for it and sees its row below.
        day_pass = (
            _firm_badges(mission_id, firm.pk).select_for_update().filter(pk=day_pass_id).first()
        )
        if day_pass is None:
            raise PassNotFound
        if CheckIn.objects.filter(day_pass=day_pass).exists():
            raise DelegateCheckedIn
        day_pass.delete()
