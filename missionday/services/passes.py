"""Badges (issued per mission) and check-in (idempotent, from phones that may be offline)."""

import uuid
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from members.models import Membership, User
from missionday.models import CheckIn, DayPass
from missionday.services.errors import CheckInInvalid, NotAMissionDay, PassNotFound
from missions.models import Application, Mission, MissionPartner
from partners.models import PartnerContact


def day_passes_issue(*, mission: Mission) -> int:
    """Give a badge to each person expected on the mission who has none yet; returns how many
    were created.

    Expected: for each confirmed application, the person who applied if still in the firm (else
    the firm's first owner); for each partner that confirmed attendance, each of its contacts.
    Badges already issued (also those staff added by hand) are kept; running it again adds only
    the missing ones.
    """
    created = 0
    applications = Application.objects.filter(
        mission=mission, status=Application.Status.CONFIRMED
    ).select_related("firm", "applied_by")
    for application in applications:
        person = _delegate_of(application)
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
) -> tuple[CheckIn, bool]:
    """Record that the badge `token` was seen at the mission; returns (check-in, created).

    Exactly once: the same `client_id` sent again returns the stored check-in; the same badge
    seen again on the same day (another phone, a second scan) returns the first check-in,
    created=False. Raises PassNotFound for a token that is not a badge of this mission,
    NotAMissionDay outside the mission's dates, CheckInInvalid for a client id already used for
    another badge; nothing is written then. The time is the phone's (when the badge was seen
    offline), never later than now.
    """
    now = now or timezone.now()
    CheckIn.Method(method)
    existing = CheckIn.objects.filter(client_id=client_id).select_related("day_pass").first()
    if existing is not None:
        if existing.day_pass.token != token or existing.day_pass.mission_id != mission.pk:
            raise CheckInInvalid
        return existing, False
    day_pass = DayPass.objects.filter(mission=mission, token=token).first()
    if day_pass is None:
        raise PassNotFound
    seen_at = min(checked_in_at or now, now)
    day = timezone.localdate(seen_at)
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


def mission_day(mission: Mission, day: date) -> bool:
    """Whether `day` is one of the mission's days."""
    return mission.start_date <= day <= mission.end_date
