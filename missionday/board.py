"""The live staff board's reads: one B2B session as slots × tables, each cell's state, and the
waiting meetings a free table can take.

A fixed number of queries whatever the number of meetings (the board is polled every few
seconds by every staff phone): the slots, the session's meetings, today's check-ins, the waiting
meetings and the availability of their partners.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from missionday.models import DayPass
from missionday.selectors import mission_local_date
from missions.models import (
    Application,
    Meeting,
    MeetingRequest,
    Mission,
    MissionPartner,
    ProgrammeItem,
    Slot,
)

# A cell's state: its words and a symbol (never colour only), in the order of the day.
WAITING, BOTH, RUNNING, HELD, NO_SHOW, FREE, NONE = (
    "waiting",
    "both",
    "running",
    "held",
    "no_show",
    "free",
    "none",
)
STATE_LABELS = {
    WAITING: _("in attesa"),
    BOTH: _("entrambi presenti"),
    RUNNING: _("in corso"),
    HELD: _("svolto"),
    NO_SHOW: _("assente"),
    FREE: _("libero"),
    NONE: _("nessun tavolo"),
}
STATE_SYMBOLS = {
    WAITING: "…",
    BOTH: "✓✓",
    RUNNING: "▶",
    HELD: "✔",
    NO_SHOW: "✕",
    FREE: "○",
    NONE: "–",
}


# What the board reads and shows of a meeting: plain rows, not models (a session has hundreds
# of meetings and the board is polled every few seconds; a model instance costs ~10x more).
SHOWN = (
    "pk",
    "firm_id",
    "partner_id",
    "slot_id",
    "table",
    "attendance",
    "absent",
    "firm__name",
    "partner__name",
)


@dataclass(slots=True)
class BoardMeeting:
    """A meeting as the board shows it (the fields of SHOWN, in order)."""

    pk: int
    firm_id: int
    partner_id: int
    slot_id: int | None
    table: int | None
    attendance: str
    absent: str
    firm_name: str
    partner_name: str
    priority: int = 0  # its request's (the waiting meetings)

    def get_absent_display(self) -> str:
        return str(dict(Meeting.Absent.choices).get(self.absent, self.absent))


@dataclass
class Cell:
    slot: Slot
    table: int
    meeting: BoardMeeting | None = None  # the live meeting at this table (not a no-show)
    absent: list[BoardMeeting] = field(default_factory=list)  # no-shows recorded here
    state: str = FREE
    firm_here: bool = False
    partner_here: bool = False
    offers: list[BoardMeeting] = field(default_factory=list)  # waiting meetings it can take

    @property
    def key(self) -> str:
        return f"s{self.slot.pk}-t{self.table}"

    @property
    def label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def symbol(self) -> str:
        return STATE_SYMBOLS[self.state]

    @property
    def sig(self) -> str:
        """What the cell shows, in short: the page's script swaps the cell when it changes."""
        parts = [
            self.state,
            str(self.meeting.pk if self.meeting else ""),
            f"{int(self.firm_here)}{int(self.partner_here)}",
            ".".join(f"{m.pk}{m.absent}" for m in self.absent),
            ".".join(str(m.pk) for m in self.offers),
        ]
        return "|".join(parts)


@dataclass
class Row:
    slot: Slot
    cells: list[Cell]
    ended: bool
    running: bool
    cells_html: str = ""  # its cells' <td>s (a SafeString): missionday.board_html.cells_html


@dataclass
class Board:
    session: ProgrammeItem
    rows: list[Row]
    tables: list[int]
    now: datetime
    meetings: int = 0
    both_present: int = 0
    no_shows: int = 0
    free_now: int = 0
    waiting: int = 0  # accepted meetings not in the agenda, both sides present


def b2b_sessions(mission: Mission) -> QuerySet[ProgrammeItem]:
    """The mission's B2B sessions, in time order, with their city (the board's chooser)."""
    return (
        ProgrammeItem.objects.filter(mission=mission, kind=ProgrammeItem.Kind.B2B)
        .select_related("city")
        .order_by("starts_at", "pk")
    )


def present_today(mission: Mission, now: datetime) -> tuple[set[int], set[int]]:
    """(firm ids, partner ids) with a badge checked in today, the mission's day in its time zone
    (missionday.selectors.mission_time_zone): two queries."""
    rows = DayPass.objects.filter(
        mission=mission, check_ins__day=mission_local_date(mission, now)
    ).values_list("firm_id", "partner_id")
    firms = {f for f, _p in rows if f is not None}
    partners = {p for _f, p in rows if p is not None}
    return firms, partners


def board_for(session: ProgrammeItem, *, now: datetime | None = None) -> Board:
    """The board of one B2B session (select_related its mission and city)."""
    now = now or timezone.now()
    mission = session.mission
    slots = list(Slot.objects.filter(session=session).order_by("index", "pk"))
    meetings = [
        BoardMeeting(*row)
        for row in Meeting.objects.filter(slot__session=session).order_by("pk").values_list(*SHOWN)
    ]
    firms_here, partners_here = present_today(mission, now)
    tables = list(range(1, max((s.tables for s in slots), default=0) + 1))
    live: dict[tuple[int, int | None], BoardMeeting] = {}
    absent: dict[tuple[int, int | None], list[BoardMeeting]] = {}
    busy_firms: dict[int, set[int]] = {}
    busy_partners: dict[int, set[int]] = {}
    for m in meetings:
        assert m.slot_id is not None  # noqa: S101 (filtered on the slot's session)
        if m.attendance == Meeting.Attendance.NO_SHOW:
            absent.setdefault((m.slot_id, m.table), []).append(m)
        else:
            live[(m.slot_id, m.table)] = m
            busy_firms.setdefault(m.slot_id, set()).add(m.firm_id)
            busy_partners.setdefault(m.slot_id, set()).add(m.partner_id)
    waiting = _waiting_meetings(mission, firms_here, partners_here)
    available = _partner_slots(mission, session, slots, {m.partner_id for m in waiting})
    firm_busy_slots = _firm_busy_slots(mission, slots)
    board = Board(session=session, rows=[], tables=tables, now=now, waiting=len(waiting))
    current = next((s for s in slots if s.ends_at > now), None)
    for slot in slots:
        ended, running = slot.ends_at <= now, slot.starts_at <= now < slot.ends_at
        offers = []
        if not ended and slot.pk not in firm_busy_slots:
            offers = [
                m
                for m in waiting
                if slot.pk in available.get(m.partner_id, set())
                and m.firm_id not in busy_firms.get(slot.pk, set())
                and m.partner_id not in busy_partners.get(slot.pk, set())
            ]
        cells = []
        for table in tables:
            cell = Cell(slot=slot, table=table, absent=absent.get((slot.pk, table), []))
            if table > slot.tables:  # a slot with fewer tables than the others
                cell.state = NONE
                cells.append(cell)
                continue
            cell.meeting = live.get((slot.pk, table))
            if cell.meeting is not None:
                m = cell.meeting
                cell.firm_here, cell.partner_here = (
                    m.firm_id in firms_here,
                    m.partner_id in partners_here,
                )
                both = cell.firm_here and cell.partner_here
                board.meetings += 1
                board.both_present += both
                if m.attendance == Meeting.Attendance.HELD or (both and ended):
                    cell.state = HELD
                elif both and running:
                    cell.state = RUNNING
                elif both:
                    cell.state = BOTH
                else:
                    cell.state = WAITING
            else:
                cell.state = NO_SHOW if cell.absent else FREE
                # Offered where a no-show freed the table (the day's empty tables).
                cell.offers = offers if cell.absent else []
                if slot is current:
                    board.free_now += 1
            board.no_shows += len(cell.absent)
            cells.append(cell)
        board.rows.append(Row(slot=slot, cells=cells, ended=ended, running=running))
    return board


def _waiting_meetings(mission: Mission, firms: set[int], partners: set[int]) -> list[BoardMeeting]:
    """Accepted meetings of firms still confirmed, not in the agenda, both sides checked in
    today; best first (the request's priority, then the longest waiting)."""
    if not firms or not partners:
        return []
    confirmed = Application.objects.filter(
        mission=mission, status=Application.Status.CONFIRMED
    ).values("firm_id")
    rows = (
        Meeting.objects.filter(
            mission=mission,
            slot__isnull=True,
            request__status=MeetingRequest.Status.ACCEPTED,
            firm_id__in=firms,
            partner_id__in=partners,
        )
        .filter(firm_id__in=confirmed)
        .order_by("-request__priority", "request__decided_at", "request__created_at", "pk")
        .values_list(*SHOWN, "request__priority")
    )
    return [BoardMeeting(*row) for row in rows]


def _partner_slots(
    mission: Mission, session: ProgrammeItem, slots: list[Slot], partner_ids: set[int]
) -> dict[int, set[int]]:
    """{partner id: the session's slots it can meet in}: it attends the session (the sessions
    it chose, or any in its city) and did not block the slot; none if it declined."""
    if not partner_ids:
        return {}
    rows = (
        MissionPartner.objects.filter(mission=mission, partner_id__in=partner_ids)
        .exclude(attendance=MissionPartner.Attendance.DECLINED)
        .select_related("partner")
        .prefetch_related("sessions", "blocked_slots")
    )
    available = {}
    for mp in rows:
        sessions = {s.pk for s in mp.sessions.all()}
        attends = session.pk in sessions if sessions else session.city_id == mp.partner.city_id
        if attends:
            blocked = {s.pk for s in mp.blocked_slots.all()}
            available[mp.partner_id] = {s.pk for s in slots if s.pk not in blocked}
    return available


def _firm_busy_slots(mission: Mission, slots: list[Slot]) -> set[int]:
    """The slots overlapping another programme item (firms are elsewhere then)."""
    others = list(
        ProgrammeItem.objects.filter(mission=mission)
        .exclude(kind=ProgrammeItem.Kind.B2B)
        .only("starts_at", "ends_at")
    )
    return {
        s.pk
        for s in slots
        if any(i.starts_at < s.ends_at and s.starts_at < i.ends_at for i in others)
    }
