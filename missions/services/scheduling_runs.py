"""Placing B2B meetings into slots and tables: the scheduler run and staff's manual moves.

The placement itself is pure Python (missions.scheduling); a run and a manual move both hold the
mission lock, so they cannot interleave. Once agendas are published, firms whose meetings moved
are told.
"""

import time
from datetime import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from core.translated import in_every_language
from missions import notification_kinds as kinds
from missions import scheduling
from missions.models import (
    Application,
    Meeting,
    MeetingRequest,
    Mission,
    MissionPartner,
    ProgrammeItem,
    SchedulerRun,
    Slot,
)
from missions.services import locking, partner_attendance
from missions.services.errors import (
    MeetingAlreadyPlaced,
    NotAParticipant,
    SlotEnded,
    SlotTaken,
    SlotUnavailable,
)
from missions.services.meeting_requests import meeting_request_notify


def _availability(
    mission: Mission, slots: list[Slot], firm_ids: set[int], partner_ids: set[int]
) -> tuple[dict[int, frozenset[int]], dict[int, frozenset[int]]]:
    """Firms: every slot not overlapping another programme item. Partners: their sessions, less
    the slots they blocked; none at all for a partner who declined the mission."""
    others = list(mission.programme.exclude(kind=ProgrammeItem.Kind.B2B))
    busy = {
        s.pk
        for s in slots
        if any(i.starts_at < s.ends_at and s.starts_at < i.ends_at for i in others)
    }
    firm_slots = frozenset(s.pk for s in slots if s.pk not in busy)
    firm_available = {f: firm_slots for f in firm_ids}
    partner_available: dict[int, frozenset[int]] = {}
    attending = MissionPartner.objects.filter(mission=mission, partner_id__in=partner_ids)
    blocked = partner_attendance.partner_blocked_slots(
        mission_id=mission.pk, partner_ids=partner_ids
    )
    for mp in attending.select_related("partner").prefetch_related("sessions"):
        if mp.attendance == MissionPartner.Attendance.DECLINED:
            partner_available[mp.partner_id] = frozenset()
            continue
        sessions = {s.pk for s in mp.sessions.all()}
        no = blocked.get(mp.partner_id, set())
        partner_available[mp.partner_id] = frozenset(
            s.pk
            for s in slots
            if s.pk not in no
            and (s.session_id in sessions if sessions else s.session.city_id == mp.partner.city_id)
        )
    return firm_available, partner_available


def scheduler_run(*, mission_id: int) -> SchedulerRun:
    """Place the accepted meetings into slots and tables (missions.scheduling), keep locked ones.

    Holds the mission lock for the whole run, so a manual move waits and cannot interleave.
    """
    with transaction.atomic():
        mission = locking.lock_mission(mission_id)
        slots = list(Slot.objects.filter(session__mission=mission).select_related("session"))
        # Only meetings of accepted requests of firms still confirmed on the mission; any other
        # (a firm that left before its B2B was cancelled with it) gives its slot back. A no-show
        # is neither placed nor moved: it keeps its slot for the record and holds nothing
        # (Meeting's constraints skip it), so its table and people count as free.
        scheduled = Meeting.objects.filter(
            mission=mission,
            request__status=MeetingRequest.Status.ACCEPTED,
            firm__in=Application.objects.filter(
                mission=mission, status=Application.Status.CONFIRMED
            ).values("firm_id"),
        ).exclude(attendance=Meeting.Attendance.NO_SHOW)
        Meeting.objects.filter(mission=mission, slot__isnull=False).exclude(
            attendance=Meeting.Attendance.NO_SHOW
        ).exclude(pk__in=scheduled.values("pk")).update(slot=None, table=None, locked=False)
        meetings = list(scheduled.order_by("pk"))
        priorities = dict(
            MeetingRequest.objects.filter(mission=mission).values_list("pk", "priority")
        )
        firm_available, partner_available = _availability(
            mission, slots, {m.firm_id for m in meetings}, {m.partner_id for m in meetings}
        )
        problem = scheduling.Problem(
            slots=[
                scheduling.Slot(id=s.pk, session=s.session_id, index=s.index, tables=s.tables)
                for s in slots
            ],
            meetings=[
                scheduling.Meeting(
                    id=m.pk,
                    firm=m.firm_id,
                    partner=m.partner_id,
                    priority=priorities.get(m.request_id, 3),
                    locked_slot=m.slot_id if m.locked else None,
                    locked_table=m.table if m.locked else None,
                    current_slot=m.slot_id,
                    current_table=m.table,
                )
                for m in meetings
            ],
            firm_available=firm_available,
            partner_available=partner_available,
        )
        started = time.perf_counter()
        result = scheduling.schedule(problem)
        seconds = time.perf_counter() - started
        before = {m.pk: (m.slot_id, m.table) for m in meetings}
        movable = [m for m in meetings if not m.locked]
        # Clear first, then write the new placements: no transient clash with the constraints.
        Meeting.objects.filter(pk__in=[m.pk for m in movable]).update(slot=None, table=None)
        for meeting in movable:
            meeting.slot_id, meeting.table = result.placements.get(meeting.pk, (None, None))
        Meeting.objects.bulk_update(movable, ["slot", "table"], batch_size=500)
        run = SchedulerRun.objects.create(
            mission=mission,
            meetings=len(meetings),
            placed=len(result.placements),
            moved=result.moved,
            upper_bound=scheduling.upper_bound(problem),
            seconds=seconds,
            unplaced=[{"meeting": pk, "reason": reason} for pk, reason in result.unplaced.items()],
        )
        if mission.agenda_published_at:
            changed = [m for m in movable if before[m.pk] != (m.slot_id, m.table)]
            _notify_changes(mission, changed)
    return run


def _when(meeting: Meeting, slot: Slot | None) -> dict[str, dict[str, str]]:
    """The meeting's new time and table in every language: each firm user reads their own."""
    if slot is None:
        return in_every_language(lambda: _("da ricollocare"))
    start = timezone.localtime(slot.starts_at, slot.session.city.tz)
    return in_every_language(
        lambda: (
            f"{formats.date_format(start, 'SHORT_DATETIME_FORMAT')}, {_('tavolo')} {meeting.table}"
        )
    )


def _notify_changes(mission: Mission, meetings: list[Meeting]) -> None:
    """Tell the firms whose meetings moved; three queries whatever the number of meetings
    (this runs inside the scheduler's transaction, holding the mission lock)."""
    if not meetings:
        return
    requests = (
        MeetingRequest.objects.select_related("firm", "partner", "mission")
        .prefetch_related("firm__memberships")
        .in_bulk([m.request_id for m in meetings])
    )
    slots = Slot.objects.select_related("session__city").in_bulk(
        [m.slot_id for m in meetings if m.slot_id]
    )
    version = f"changed-{int(time.time() * 1000)}"
    for meeting in meetings:
        meeting_request_notify(
            requests[meeting.request_id],
            kind=kinds.MEETING_CHANGED.slug,
            version=version,
            url=reverse("missions:agenda", args=[mission.pk]),
            when=_when(meeting, slots.get(meeting.slot_id)),
        )


def meeting_move(
    *, meeting_id: int, slot_id: int | None, table: int | None, lock: bool = True
) -> Meeting:
    """Staff place or move one meeting by hand (and lock it). Raises SlotTaken on a clash."""
    with transaction.atomic():
        meeting = Meeting.objects.get(pk=meeting_id)
        mission = locking.lock_mission(meeting.mission_id)
        if slot_id is not None:
            slot = Slot.objects.filter(pk=slot_id, session__mission=mission).first()
            if slot is None or table is None or not 1 <= table <= slot.tables:
                raise SlotUnavailable
            blocked = partner_attendance.partner_blocked_slots(
                mission_id=mission.pk, partner_ids={meeting.partner_id}
            )
            if slot.pk in blocked.get(meeting.partner_id, set()):
                raise SlotUnavailable
        meeting.slot_id, meeting.table, meeting.locked = slot_id, table, lock and bool(slot_id)
        try:
            with transaction.atomic():
                meeting.save(update_fields=["slot", "table", "locked", "updated_at"])
        except IntegrityError:
            raise SlotTaken from None
        if mission.agenda_published_at:
            _notify_changes(mission, [meeting])
    return meeting


def meeting_place_in_freed_slot(
    *, meeting_id: int, slot_id: int, table: int, now: datetime | None = None
) -> Meeting:
    """On the mission day, staff give a free table of a slot that has not ended (a no-show's,
    or one never used) to a meeting that could not be placed; the placement is locked so the
    scheduler keeps it.

    Under the mission lock, re-checks that the meeting is an accepted request of a firm still
    confirmed, not placed yet; that the slot is the mission's, not ended, has that table, and
    that both sides are available then (the partner attends that session and did not block the
    slot; the firm has no other programme item). Whether both sides are present is the mission
    day's to check before calling. The constraints on Meeting decide the rest: a table, a firm
    or a partner taken meanwhile (another staff member, a live meeting) raises SlotTaken.
    Any refusal raises a MeetingError and changes nothing. Notifying is the caller's.
    """
    now = now or timezone.now()
    with transaction.atomic():
        mission_id = Meeting.objects.filter(pk=meeting_id).values_list("mission_id", flat=True)
        if not mission_id:
            raise Meeting.DoesNotExist
        mission = locking.lock_mission(mission_id[0])
        meeting = Meeting.objects.select_related("request").get(pk=meeting_id)
        if meeting.slot_id is not None:
            raise MeetingAlreadyPlaced
        confirmed = Application.objects.filter(
            mission=mission, firm_id=meeting.firm_id, status=Application.Status.CONFIRMED
        ).exists()
        if meeting.request.status != MeetingRequest.Status.ACCEPTED or not confirmed:
            raise NotAParticipant
        slot = (
            Slot.objects.filter(pk=slot_id, session__mission=mission)
            .select_related("session__city")
            .first()
        )
        if slot is None or not 1 <= table <= slot.tables:
            raise SlotUnavailable
        if slot.ends_at <= now:
            raise SlotEnded
        firm_available, partner_available = _availability(
            mission, [slot], {meeting.firm_id}, {meeting.partner_id}
        )
        if slot.pk not in firm_available[meeting.firm_id] or slot.pk not in (
            partner_available.get(meeting.partner_id, frozenset())
        ):
            raise SlotUnavailable
        meeting.slot, meeting.table, meeting.locked = slot, table, True
        try:
            with transaction.atomic():
                meeting.save(update_fields=["slot", "table", "locked", "updated_at"])
        except IntegrityError:
            raise SlotTaken from None
    return meeting


def meetings_unlock(*, meeting_ids: list[int]) -> int:
    """Let the scheduler move these meetings again."""
    meetings = list(Meeting.objects.filter(pk__in=meeting_ids, locked=True))
    for meeting in meetings:
        meeting.locked = False
        meeting.save(update_fields=["locked", "updated_at"])
    return len(meetings)
