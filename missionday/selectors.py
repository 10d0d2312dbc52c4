"""Reads of the mission day reused by several views."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, cast
from zoneinfo import ZoneInfo

from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone

from members.models import User
from missionday.models import CheckIn, DayPass, SurveyResponse
from missions.models import Mission, ProgrammeItem


def mission_time_zone(mission: Mission) -> tzinfo:
    """The time zone of the mission's days: the city of its first programme item (by start, then
    pk; B2B sessions are programme items too), else settings.TIME_ZONE for a mission without a
    programme yet. One query.

    Check-ins store their day in this zone, so every "today" compared with them (the board's
    presence, the check-in people list) must use it too.
    """
    zone = (
        ProgrammeItem.objects.filter(mission=mission)
        .order_by("starts_at", "pk")
        .values_list("city__time_zone", flat=True)
        .first()
    )
    return ZoneInfo(zone) if zone else timezone.get_default_timezone()


def mission_local_date(mission: Mission, at: datetime, tz: tzinfo | None = None) -> date:
    """The mission's day at the instant `at` (in `tz` if already known, else the mission's
    zone: see mission_time_zone)."""
    return timezone.localdate(at, tz or mission_time_zone(mission))


def pass_of(*, user: User, mission: Mission) -> DayPass | None:
    """The person's badge for the mission, if any."""
    return (
        DayPass.objects.filter(user=user, mission=mission)
        .select_related("firm", "partner", "mission")
        .first()
    )


def passes_for(mission: Mission) -> QuerySet[DayPass]:
    """The mission's badges, by name, with what the badge prints."""
    return DayPass.objects.filter(mission=mission).select_related("firm", "partner")


def checked_in_pass_ids(mission: Mission, day: date) -> set[int]:
    """The ids of the mission's badges checked in on `day`."""
    return set(
        CheckIn.objects.filter(day_pass__mission=mission, day=day).values_list(
            "day_pass_id", flat=True
        )
    )


def check_in_times(mission: Mission, day: date) -> dict[int, datetime]:
    """When each of the mission's badges checked in on `day` was seen: {badge id: time}."""
    return dict(
        CheckIn.objects.filter(day_pass__mission=mission, day=day).values_list(
            "day_pass_id", "checked_in_at"
        )
    )


# --- The satisfaction survey's results (staff dashboard, funders' report) ---


def nps(*, promoters: int, detractors: int, responses: int) -> int | None:
    """Net Promoter Score: % promoters (9-10) minus % detractors (0-6), rounded half away from
    zero to an integer in -100..100; None without responses."""
    if not responses:
        return None
    share = Decimal(100 * (promoters - detractors)) / responses
    return int(share.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class SurveyResult:
    """One mission's survey results (or several missions' together: mission fields empty)."""

    responses: int
    promoters: int
    detractors: int
    usefulness: float | None  # average, 1-5
    organisation: float | None  # average, 1-5
    mission_id: int | None = None
    title: str = ""
    start_date: date | None = None
    end_date: date | None = None

    @property
    def nps(self) -> int | None:
        return nps(promoters=self.promoters, detractors=self.detractors, responses=self.responses)


PROMOTER_MIN = 9
DETRACTOR_MAX = 6


def _survey_counts() -> dict[str, Any]:
    return {
        "responses": Count("pk"),
        "promoters": Count("pk", filter=Q(overall__gte=PROMOTER_MIN)),
        "detractors": Count("pk", filter=Q(overall__lte=DETRACTOR_MAX)),
        "usefulness": Avg("meetings_usefulness"),
        "organisation": Avg("organisation"),
    }


def survey_results(missions: QuerySet[Mission]) -> list[SurveyResult]:
    """The survey's results of each of `missions` with at least one answer, by start date; one
    query."""
    rows = cast(
        Iterable[dict[str, Any]],
        SurveyResponse.objects.filter(mission__in=missions.values("pk"))
        .values("mission_id", "mission__title", "mission__start_date", "mission__end_date")
        .annotate(**_survey_counts())
        .order_by("mission__start_date", "mission_id"),
    )
    return [
        SurveyResult(
            mission_id=row["mission_id"],
            title=row["mission__title"],
            start_date=row["mission__start_date"],
            end_date=row["mission__end_date"],
            responses=row["responses"],
            promoters=row["promoters"],
            detractors=row["detractors"],
            usefulness=_one_decimal(row["usefulness"]),
            organisation=_one_decimal(row["organisation"]),
        )
        for row in rows
    ]


def survey_overall(results: list[SurveyResult]) -> SurveyResult:
    """Several missions' results together (every answer weighs the same); no query."""
    responses = sum(r.responses for r in results)

    def average(field: str) -> float | None:
        if not responses:
            return None
        total = sum((getattr(r, field) or 0) * r.responses for r in results)
        return _one_decimal(total / responses)

    return SurveyResult(
        responses=responses,
        promoters=sum(r.promoters for r in results),
        detractors=sum(r.detractors for r in results),
        usefulness=average("usefulness"),
        organisation=average("organisation"),
    )


def survey_period(first_day: date, last_day: date) -> SurveyResult:
    """The answers about the missions that ended in the period, together; one query."""
    row = SurveyResponse.objects.filter(
        mission__end_date__gte=first_day, mission__end_date__lte=last_day
    ).aggregate(**_survey_counts())
    return SurveyResult(
        responses=row["responses"],
        promoters=row["promoters"],
        detractors=row["detractors"],
        usefulness=_one_decimal(row["usefulness"]),
        organisation=_one_decimal(row["organisation"]),
    )


def survey_comments(missions: QuerySet[Mission]) -> QuerySet[SurveyResponse]:
    """The answers with a comment, of `missions`, newest first per mission (no names: the
    comments are shown to staff without the person)."""
    return (
        SurveyResponse.objects.filter(mission__in=missions.values("pk"))
        .exclude(comment="")
        .select_related("mission")
        .order_by("mission__start_date", "mission_id", "-submitted_at", "pk")
    )


def _one_decimal(value: float | Decimal | None) -> float | None:
    if value is None:
        return None
    return float(Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def certificate_passes(user: User) -> list[DayPass]:
    """The person's badges that earn an attendance certificate (a delegate's, checked in at
    least once), latest mission first; one query."""
    return list(
        DayPass.objects.filter(
            user=user,
            kind=DayPass.Kind.DELEGATE,
            pk__in=CheckIn.objects.filter(day_pass__user=user).values("day_pass_id"),
        )
        .select_related("mission")
        .order_by("-mission__start_date", "pk")
    )
