"""The satisfaction survey after a mission: sending the personal links, saving the answers.

Who is asked: every badge holder with an account who checked in on at least one day (delegates
and partner contacts). Each gets one notification (outbox) with a personal link: a signed token
of the mission and the person (django.core.signing, SURVEY_SALT), valid SURVEY_LINK_VALID_DAYS,
so nobody needs a password. Sending again (staff twice, beat after staff) never duplicates: the
notification's idempotency key is (person, kind, mission), and the `SurveySending` stamp keeps
the daily scan from going back to a mission.
Answers count once per person: a second submission is refused (SurveyAlreadyAnswered), and the
database's unique constraint holds it whatever writes.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from core.translated import translations
from members.models import User
from missionday import notification_kinds as kinds
from missionday.models import CheckIn, DayPass, SurveyResponse, SurveySending
from missionday.models.surveys import COMMENT_MAX_LENGTH
from missionday.services.errors import (
    SurveyAlreadyAnswered,
    SurveyInvalid,
    SurveyLinkExpired,
    SurveyLinkInvalid,
)
from missions.models import Mission
from notifications.services import notify

SURVEY_SALT = "missionday.survey"
# The daily scan looks back this far for missions that ended without their survey being sent
# (beat down for a few days); older missions are left to staff.
SCAN_DAYS = 14


def survey_token(*, mission_id: int, user_id: int) -> str:
    """The personal link's token: the mission and the person, signed and timestamped."""
    return signing.dumps({"m": mission_id, "u": user_id}, salt=SURVEY_SALT)


def survey_url(*, mission_id: int, user_id: int) -> str:
    return reverse("missionday:survey", args=[survey_token(mission_id=mission_id, user_id=user_id)])


@dataclass(frozen=True)
class SurveyInvitation:
    """Who a valid link is for: the mission, the person and their badge's kind."""

    mission: Mission
    user: User
    kind: str


def survey_invitation(*, token: str) -> SurveyInvitation:
    """The mission and person a link is for. Raises SurveyLinkExpired for a genuine link older
    than SURVEY_LINK_VALID_DAYS, SurveyLinkInvalid for an altered or forged one, or one whose
    person, mission or check-in no longer exists."""
    max_age = dt.timedelta(days=settings.SURVEY_LINK_VALID_DAYS)
    try:
        data = signing.loads(token, salt=SURVEY_SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise SurveyLinkExpired from None
    except signing.BadSignature:
        raise SurveyLinkInvalid from None
    mission_id = data.get("m") if isinstance(data, dict) else None
    user_id = data.get("u") if isinstance(data, dict) else None
    if not (isinstance(mission_id, int) and isinstance(user_id, int)):
        raise SurveyLinkInvalid
    day_pass = (
        DayPass.objects.select_related("mission", "user")
        .filter(mission_id=mission_id, user_id=user_id, check_ins__isnull=False)
        .first()
    )
    if day_pass is None or day_pass.user is None:
        raise SurveyLinkInvalid
    return SurveyInvitation(mission=day_pass.mission, user=day_pass.user, kind=day_pass.kind)


def survey_recipients(mission: Mission) -> list[DayPass]:
    """The badges of the mission whose holder has an account and checked in at least once."""
    checked_in = CheckIn.objects.filter(day_pass__mission=mission).values("day_pass_id")
    return list(
        DayPass.objects.filter(mission=mission, user__isnull=False, pk__in=checked_in)
        .select_related("user")
        .order_by("pk")
    )


def survey_send(*, mission: Mission) -> int:
    """Queue the survey to every checked-in person of the mission not yet asked; returns how
    many people it was queued for (those asked before count again, but get nothing new)."""
    recipients = survey_recipients(mission)
    with transaction.atomic():
        SurveySending.objects.get_or_create(mission=mission)
        context = {"mission": translations(mission, "title")}
        for day_pass in recipients:
            assert day_pass.user_id is not None  # noqa: S101 (filtered above)
            kind = kinds.SURVEY_PARTNER if day_pass.kind == DayPass.Kind.PARTNER else kinds.SURVEY
            # One call per person: the link is personal. The key (person, kind, mission) is
            # the same every time, so a second sending leaves the first row alone.
            notify(
                recipients=[day_pass.user_id],
                kind=kind.slug,
                object_key=f"mission:{mission.pk}",
                context=context,
                url=survey_url(mission_id=mission.pk, user_id=day_pass.user_id),
            )
    return len(recipients)


def surveys_send_due(*, today: dt.date | None = None) -> int:
    """Beat's daily run: send the survey of each mission that ended before today (in the last
    SCAN_DAYS days) and whose survey has not gone out; returns how many missions."""
    today = today or timezone.localdate()
    due = Mission.objects.filter(
        end_date__lt=today,
        end_date__gte=today - dt.timedelta(days=SCAN_DAYS),
        survey_sending__isnull=True,
        day_passes__check_ins__isnull=False,
    ).distinct()
    count = 0
    for mission in due:
        survey_send(mission=mission)
        count += 1
    return count


def _score(value: object, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise SurveyInvalid
    try:
        number = int(value)
    except ValueError:
        raise SurveyInvalid from None
    if not low <= number <= high:
        raise SurveyInvalid
    return number


def survey_answer(
    *,
    invitation: SurveyInvitation,
    overall: object,
    meetings_usefulness: object,
    organisation: object,
    comment: str = "",
) -> SurveyResponse:
    """Save the person's answers once. Raises SurveyInvalid for a score out of its scale or a
    comment longer than COMMENT_MAX_LENGTH, SurveyAlreadyAnswered for a second submission;
    nothing is written then."""
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        raise SurveyInvalid
    values = {
        "overall": _score(overall, 0, 10),
        "meetings_usefulness": _score(meetings_usefulness, 1, 5),
        "organisation": _score(organisation, 1, 5),
    }
    try:
        with transaction.atomic():
            return SurveyResponse.objects.create(
                mission=invitation.mission,
                user=invitation.user,
                kind=invitation.kind,
                comment=comment,
                **values,
            )
    except IntegrityError:
        raise SurveyAlreadyAnswered from None


def survey_answered(invitation: SurveyInvitation) -> bool:
    return SurveyResponse.objects.filter(mission=invitation.mission, user=invitation.user).exists()
