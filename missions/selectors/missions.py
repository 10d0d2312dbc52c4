"""Read queries of missions and applications, with their joins and prefetches applied."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from typing import TYPE_CHECKING, Literal, TypedDict

from django.contrib.postgres.aggregates import ArrayAgg
from django.contrib.postgres.fields import ArrayField
from django.db.models import (
    CharField,
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.utils import timezone

from core.staff import has_staff_powers
from members.models import Firm, User
from missions.filters import MissionFilter
from missions.models import Application, Mission, ProgrammeItem

VISIBLE = [Mission.Status.PUBLISHED, Mission.Status.CLOSED]

# The waiting list's order: first waitlisted, first offered a freed seat. The offering service
# (`_offer_free_seats`) and the position shown to a firm both read it from `waiting_list`.
WAITLIST_ORDER = ("waitlisted_at", "created_at", "pk")


class SeatCounts(TypedDict):
    """What `_with_counts` adds to each mission."""

    seats_held: int
    waitlist: int


class ShownAttrs(SeatCounts):
    """The seat counts and the viewing firm's active applications (`_own_applications`)."""

    own_applications: list[Application]


class ListedAttrs(ShownAttrs):
    """A mission of the list page: also the German cities of its programme, and its sectors'
    ids (the cached card's key: the sectors themselves are read only to render a card)."""

    destinations: list[str]
    sector_ids: list[int]


if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    # The missions these selectors return, with the attributes they add: the annotations and
    # to_attr prefetches, which django-stubs checks against the querysets that add them.
    MissionWithCounts = WithAnnotations[Mission, SeatCounts]
    ShownMission = WithAnnotations[Mission, ShownAttrs]
    ListedMission = WithAnnotations[Mission, ListedAttrs]


class FirmDashboard(TypedDict):
    """The missions part of the firm's page ('La mia impresa')."""

    applications: list[Application]
    upcoming: list["MissionWithCounts"]
    deadlines: list["MissionWithCounts"]


def _count(statuses: list[str]) -> Coalesce:
    """Applications of the outer mission in these statuses, as a correlated subquery.

    Subqueries rather than joins: joining applications and programme items in one query
    multiplied the rows (applications × items) and grew with every application.
    """
    counted = (
        Application.objects.filter(mission=OuterRef("pk"), status__in=statuses)
        .order_by()
        .values("mission")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _with_counts(queryset: QuerySet[Mission]) -> "QuerySet[MissionWithCounts]":
    return queryset.annotate(
        seats_held=_count(list(Application.HOLDS_SEAT)),
        waitlist=_count([Application.Status.WAITLISTED]),
    )


def visible_missions(*, user: User) -> QuerySet[Mission]:
    """Missions a user may see: published or closed ones; staff see drafts too."""
    if has_staff_powers(user):
        return Mission.objects.exclude(status=Mission.Status.CANCELLED)
    return Mission.objects.filter(status__in=VISIBLE)


# The return type names the lookup and to_attr: django-stubs then types `own_applications` on
# the missions it is prefetched on. Quoted: Prefetch is generic only in the stubs.
def _own_applications(
    firm: Firm | None,
) -> 'Prefetch[Literal["applications"], QuerySet[Application], Literal["own_applications"]]':
    queryset = (
        Application.objects.filter(firm=firm, status__in=Application.ACTIVE)
        if firm
        else Application.objects.none()
    )
    return Prefetch("applications", queryset=queryset, to_attr="own_applications")


def mission_list(*, user: User, firm: Firm | None, params: QueryDict) -> MissionFilter:
    """The mission list page: filters, seats, destinations and the firm's own status."""
    queryset: QuerySet[ListedMission] = (
        _with_counts(visible_missions(user=user))
        .annotate(
            destinations=Coalesce(
                Subquery(
                    ProgrammeItem.objects.filter(mission=OuterRef("pk"), city__country="DE")
                    .order_by()
                    .values("mission")
                    .annotate(names=ArrayAgg("city__name", distinct=True, order_by="city__name"))
                    .values("names"),
                    output_field=ArrayField(CharField()),
                ),
                Value([], output_field=ArrayField(CharField())),
            )
        )
        .annotate(
            # A subquery, not an aggregate over the join: the sector filter joins the same table.
            # (django-stubs does not see annotations on an auto-created through model: ignore.)
            sector_ids=Coalesce(
                Subquery(
                    Mission.sectors.through.objects.filter(mission=OuterRef("pk"))  # type: ignore[misc]
                    .order_by()
                    .values("mission")
                    .annotate(ids=ArrayAgg("sector_id", order_by="sector_id"))
                    .values("ids"),
                    output_field=ArrayField(IntegerField()),
                ),
                Value([], output_field=ArrayField(IntegerField())),
            )
        )
        .prefetch_related(_own_applications(firm))
        .order_by("start_date", "pk")
    )
    return MissionFilter(params, queryset=queryset)


def mission_detail(*, user: User, firm: Firm | None, mission_id: int) -> "ShownMission":
    """Raises Mission.DoesNotExist when the user may not see it. The programme comes
    prefetched in order, for `programme_by_day`; the questions do not (only the application
    form reads them, once)."""
    items = ProgrammeItem.objects.select_related("city").order_by("starts_at", "pk")
    return (
        _with_counts(visible_missions(user=user))
        .prefetch_related(
            "sectors",
            Prefetch("programme", queryset=items),
            _own_applications(firm),
        )
        .get(pk=mission_id)
    )


def mission_to_apply(*, user: User, mission_id: int) -> Mission:
    """What the application form needs: the mission, if the user may see it, with its
    questions. Raises Mission.DoesNotExist otherwise."""
    return visible_missions(user=user).prefetch_related("questions").get(pk=mission_id)


def waiting_list(*, mission_id: int) -> QuerySet[Application]:
    """The mission's waiting list in the order free seats are offered."""
    return (
        Application.objects.filter(mission_id=mission_id, status=Application.Status.WAITLISTED)
        .select_related("firm", "mission")
        .order_by(*WAITLIST_ORDER)
    )


def set_waitlist_positions(applications: Iterable[Application]) -> None:
    """Set `waitlist_position` (1 = next to be offered a seat) on the waitlisted ones.

    One query, and only when one of them is waitlisted: the ids of those missions' waiting lists
    in `WAITLIST_ORDER`, the order `waiting_list` gives the offering service.
    """
    waiting = [a for a in applications if a.status == Application.Status.WAITLISTED]
    if not waiting:
        return
    rows = (
        Application.objects.filter(
            mission_id__in={a.mission_id for a in waiting},
            status=Application.Status.WAITLISTED,
        )
        .order_by("mission_id", *WAITLIST_ORDER)
        .values_list("mission_id", "pk")
    )
    seen: defaultdict[int, int] = defaultdict(int)
    positions: dict[int, int] = {}
    for mission_id, pk in rows:
        seen[mission_id] += 1
        positions[pk] = seen[mission_id]
    for application in waiting:
        application.waitlist_position = positions.get(application.pk)


def programme_by_day(items: list[ProgrammeItem]) -> list[tuple[date, list[ProgrammeItem]]]:
    """[(date, [items])] in the local time of each item's city."""
    days: defaultdict[date, list[ProgrammeItem]] = defaultdict(list)
    for item in items:
        days[item.local_start().date()].append(item)
    return sorted(days.items())


def firm_dashboard(*, firm: Firm) -> FirmDashboard:
    """The firm's applications, the deadlines ahead and upcoming missions of its sector."""
    now = timezone.now()
    applications = list(
        Application.objects.filter(firm=firm)
        .exclude(status=Application.Status.WITHDRAWN, mission__end_date__lt=now.date())
        .select_related("mission")
        .order_by("mission__start_date", "-created_at")[:20]
    )
    set_waitlist_positions(applications)
    applied = {a.mission_id for a in applications if a.is_active}
    upcoming = list(
        _with_counts(Mission.objects.filter(status__in=VISIBLE, sectors=firm.sector_id))
        .filter(end_date__gte=now.date())
        # The pk breaks ties: missions on the same day come in the same order on every load.
        .order_by("start_date", "pk")[:10]
    )
    deadlines = [
        m
        for m in upcoming
        if m.pk not in applied
        and m.status == Mission.Status.PUBLISHED
        and now <= m.registration_deadline <= now + timedelta(days=30)
    ]
    return {"applications": applications, "upcoming": upcoming, "deadlines": deadlines}


def firm_programme(*, firm: Firm) -> list[Mission]:
    """Missions the firm is confirmed on, with their programme (for the .ics)."""
    items = ProgrammeItem.objects.select_related("city", "mission").order_by("starts_at")
    return list(
        Mission.objects.filter(
            applications__firm=firm, applications__status=Application.Status.CONFIRMED
        )
        .prefetch_related(Prefetch("programme", queryset=items))
        .order_by("start_date")
        .distinct()
    )
