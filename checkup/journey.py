"""A firm's export journey: from non-exporter to regular exporter, derived from the data.

Stages, in order, each with the date it was first reached:

- non-exporter: the day the firm joined the Club (every firm starts here);
- check-up done: its first completed check-up;
- first mission: the first mission it was confirmed on and attended (staff mark attendance);
- first B2B contacts: its first held meeting (staff marked it held, or the partner said so);
- first offer: the firm recorded an offer or samples, or the partner's next step is an offer or
  samples (the earliest of these);
- first order: the firm recorded an order;
- regular exporter: orders in at least two different missions (the date of the first order of
  the second one).

The export share a firm declares on its profile is not a stage: it carries no date and is the
firm's own word, while the funnel and the funders' "new exporters" need a dated, observed event.
A later stage does not fill in earlier ones (a firm can go on a mission without a check-up); the
current stage is the furthest one reached. Staff may set the stage by hand with a reason
(FirmStageOverride, written by `stage_override_set`); the latest override is the effective stage,
above or below the data (a step back corrects an outcome recorded by mistake), until the data
reach a stage beyond it on a later day than the override's: then the firm moves on with the data
and the override is shown as overtaken, so an old override never holds a firm back.

Does a stage ever go backwards? Only on purpose: staff set a lower stage with a reason, or the
data that reached it are corrected (an outcome changed, a meeting no longer marked as held);
then the journey follows the data as they now are. New events never lower it (each stage keeps
the date of its first event).

`derive` is pure (facts in, journey out); `journeys` reads the facts of many firms in a fixed
number of queries.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.db.models import Min, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from checkup.models import CheckUp, FirmStageOverride, JourneyStage
from core.errors import DomainError
from members.models import Firm, User
from missions.models import Application, Meeting

STAGES: tuple[JourneyStage, ...] = tuple(JourneyStage)

OFFER_OUTCOMES = frozenset({Meeting.Outcome.OFFER, Meeting.Outcome.SAMPLES})
OFFER_NEXT_STEPS = frozenset({Meeting.PartnerNextStep.OFFER, Meeting.PartnerNextStep.SAMPLES})
REGULAR_AFTER_MISSIONS = 2


@dataclass(frozen=True)
class MeetingFact:
    """What the journey reads of one meeting (dates already local)."""

    mission_id: int
    day: date  # when it took place (its slot, else the mission's first day)
    held: bool
    outcome: str = ""
    outcome_on: date | None = None
    partner_next_step: str = ""
    partner_feedback_on: date | None = None


@dataclass(frozen=True)
class FirmFacts:
    joined_on: date
    first_checkup_on: date | None = None
    attended_missions_on: tuple[date, ...] = ()
    meetings: tuple[MeetingFact, ...] = ()


@dataclass(frozen=True)
class Override:
    stage: str
    reason: str
    at: datetime
    by: str = ""
    on: date | None = None  # the local day it was set (default: the day of `at`)

    @property
    def day(self) -> date:
        return self.on if self.on is not None else self.at.date()

    @property
    def stage_label(self) -> str:
        return str(JourneyStage(self.stage).label)


@dataclass
class Journey:
    reached: dict[str, date | None]  # stage value -> date reached (None: not reached)
    override: Override | None = None
    derived_stage: str = JourneyStage.NON_EXPORTER
    overtaken: bool = False  # the data reached a stage beyond the override after it was set
    sector: str = ""
    firm_name: str = ""
    stages: list[tuple[str, str, date | None]] = field(default_factory=list)

    @property
    def stage(self) -> str:
        """The effective stage: the staff's override if any and not overtaken, else the derived
        one."""
        if self.override is not None and not self.overtaken:
            return self.override.stage
        return self.derived_stage

    @property
    def stage_label(self) -> str:
        return str(JourneyStage(self.stage).label)

    @property
    def derived_stage_label(self) -> str:
        return str(JourneyStage(self.derived_stage).label)

    @property
    def stage_index(self) -> int:
        return STAGES.index(JourneyStage(self.stage))


def _first(days: Iterable[date | None]) -> date | None:
    present = [d for d in days if d is not None]
    return min(present) if present else None


def derive(
    facts: FirmFacts, override: Override | None = None, *, as_of: date | None = None
) -> Journey:
    """The journey of one firm from its facts (with `as_of`: as it stood at the end of that day;
    the caller leaves out overrides made later)."""
    held = [m for m in facts.meetings if m.held]
    orders = [m for m in facts.meetings if m.outcome == Meeting.Outcome.ORDER and m.outcome_on]
    first_order_per_mission: dict[int, date] = {}
    for m in orders:
        assert m.outcome_on is not None  # noqa: S101 (filtered above; for mypy)
        known = first_order_per_mission.get(m.mission_id)
        if known is None or m.outcome_on < known:
            first_order_per_mission[m.mission_id] = m.outcome_on
    per_mission = sorted(first_order_per_mission.values())
    reached: dict[str, date | None] = {
        JourneyStage.NON_EXPORTER: facts.joined_on,
        JourneyStage.CHECKUP: facts.first_checkup_on,
        JourneyStage.FIRST_MISSION: _first(facts.attended_missions_on),
        JourneyStage.FIRST_CONTACTS: _first(m.day for m in held),
        JourneyStage.FIRST_OFFER: _first(
            [m.outcome_on for m in facts.meetings if m.outcome in OFFER_OUTCOMES]
            + [
                m.partner_feedback_on
                for m in facts.meetings
                if m.partner_next_step in OFFER_NEXT_STEPS
            ]
        ),
        JourneyStage.FIRST_ORDER: per_mission[0] if per_mission else None,
        JourneyStage.REGULAR_EXPORTER: (
            per_mission[REGULAR_AFTER_MISSIONS - 1]
            if len(per_mission) >= REGULAR_AFTER_MISSIONS
            else None
        ),
    }
    if as_of is not None:
        reached = {k: (v if v is not None and v <= as_of else None) for k, v in reached.items()}
    derived = JourneyStage.NON_EXPORTER
    for stage in STAGES:
        if reached[stage] is not None:
            derived = stage
    overtaken = False
    if override is not None:
        beyond = STAGES[STAGES.index(JourneyStage(override.stage)) + 1 :]
        overtaken = any((reached[s] or override.day) > override.day for s in beyond)
    return Journey(
        reached={str(k): v for k, v in reached.items()},
        override=override,
        derived_stage=str(derived),
        overtaken=overtaken,
        stages=[(str(s), str(s.label), reached[s]) for s in STAGES],
    )


def _local(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment is not None else None


def journeys(
    firms: "QuerySet[Firm] | Iterable[int] | None" = None, *, as_of: date | None = None
) -> dict[int, Journey]:
    """The journeys of the given approved firms (default: all), in five queries.

    A firm joined on its approval date (else its creation date), as on the staff dashboard.
    With `as_of`, the journey as it stood at the end of that day: later events and overrides
    are left out.
    """
    queryset = Firm.objects.filter(status=Firm.Status.APPROVED)
    if isinstance(firms, QuerySet):
        queryset = queryset.filter(pk__in=firms.values_list("pk", flat=True))
    elif firms is not None:
        queryset = queryset.filter(pk__in=list(firms))
    queryset = queryset.annotate(joined_at=Coalesce("approved_at", "created_at"))
    if as_of is not None:
        queryset = queryset.filter(joined_at__date__lte=as_of)
    firm_rows = list(queryset.values_list("pk", "joined_at", "sector__name", "name"))
    ids = [row[0] for row in firm_rows]
    checkups = dict(
        CheckUp.objects.filter(firm_id__in=ids, completed_at__isnull=False)
        .values("firm_id")
        .annotate(first=Min("completed_at"))
        .values_list("firm_id", "first")
    )
    missions: dict[int, list[date]] = defaultdict(list)
    for firm_id, start in Application.objects.filter(
        firm_id__in=ids, status=Application.Status.CONFIRMED, attended=True
    ).values_list("firm_id", "mission__start_date"):
        missions[firm_id].append(start)
    meetings: dict[int, list[MeetingFact]] = defaultdict(list)
    rows = (
        Meeting.objects.filter(firm_id__in=ids)
        .filter(
            Q(attendance=Meeting.Attendance.HELD)
            | Q(partner_held=True)
            | ~Q(outcome="")
            | ~Q(partner_next_step="")
        )
        .values(
            "firm_id",
            "mission_id",
            "mission__start_date",
            "slot__starts_at",
            "attendance",
            "partner_held",
            "outcome",
            "outcome_at",
            "partner_next_step",
            "partner_feedback_at",
        )
    )
    for row in rows:
        meetings[row["firm_id"]].append(
            MeetingFact(
                mission_id=row["mission_id"],
                day=_local(row["slot__starts_at"]) or row["mission__start_date"],
                held=row["attendance"] == Meeting.Attendance.HELD or row["partner_held"] is True,
                outcome=row["outcome"],
                outcome_on=_local(row["outcome_at"]),
                partner_next_step=row["partner_next_step"],
                partner_feedback_on=_local(row["partner_feedback_at"]),
            )
        )
    overrides: dict[int, Override] = {}
    override_rows = FirmStageOverride.objects.filter(firm_id__in=ids)
    if as_of is not None:
        override_rows = override_rows.filter(at__date__lte=as_of)
    for o in (
        override_rows.select_related("by").order_by("firm_id", "-at", "-pk").distinct("firm_id")
    ):
        by = (o.by.get_full_name() or o.by.email) if o.by else ""
        overrides[o.firm_id] = Override(
            stage=o.stage, reason=o.reason, at=o.at, by=by, on=timezone.localdate(o.at)
        )
    result = {}
    for firm_id, joined_at, sector_name, firm_name in firm_rows:
        facts = FirmFacts(
            joined_on=timezone.localdate(joined_at),
            first_checkup_on=_local(checkups.get(firm_id)),
            attended_missions_on=tuple(missions[firm_id]),
            meetings=tuple(meetings[firm_id]),
        )
        found = derive(facts, overrides.get(firm_id), as_of=as_of)
        found.sector, found.firm_name = sector_name, firm_name
        result[firm_id] = found
    return result


def journey(firm: Firm) -> Journey:
    """The journey of one firm (it may still be pending: then it has just joined)."""
    found = journeys([firm.pk])
    return found.get(firm.pk) or derive(FirmFacts(joined_on=timezone.localdate(firm.created_at)))


class StageOverrideInvalid(DomainError):
    """A stage override the rules refuse; the message says why."""


def stage_override_set(
    *, firm: Firm, stage: str, reason: str, by: User | None
) -> FirmStageOverride:
    """Staff set the firm's journey stage by hand; a reason is required. The latest counts."""
    reason = reason.strip()
    if stage not in JourneyStage.values:
        raise StageOverrideInvalid(_("Fase del percorso sconosciuta."))
    if not reason:
        raise StageOverrideInvalid(_("Indica il motivo per cui imposti la fase a mano."))
    with transaction.atomic():
        return FirmStageOverride.objects.create(
            firm=firm, stage=stage, reason=reason[:300], by=by, at=timezone.now()
        )
