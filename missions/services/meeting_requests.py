"""B2B matchmaking, meeting requests, the scheduler run and agendas.

Locking: like seats, every write that places or moves a meeting (scheduler run, staff move)
locks the Mission row first, so a run and a manual move are serialised. Whatever happens, the
unique constraints on Meeting (slot+firm, slot+partner, slot+table) and the table trigger keep
PostgreSQL free of double bookings.
"""

import time
from datetime import timedelta
from functools import partial

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from core.tasks import enqueue
from members.models import Firm, User
from missions import matchmaking, scheduling
from missions.models import (
    Application,
    MatchmakingRun,
    MatchSuggestion,
    Meeting,
    MeetingRequest,
    Mission,
    MissionPartner,
    Partner,
    ProgrammeItem,
    SchedulerRun,
    Slot,
)
from missions.services import ApplicationError, _lock_mission
from notifications import kinds
from notifications.services import notify

RequestStatus = MeetingRequest.Status


class NotAParticipant(ApplicationError):
    message = _("Gli incontri B2B sono per le imprese confermate sulla missione.")


class PartnerNotAttending(ApplicationError):
    message = _("Questo partner non partecipa alla missione.")


class RequestLimitReached(ApplicationError):
    message = _("Hai raggiunto il numero massimo di richieste di incontro per questa missione.")


class AlreadyRequested(ApplicationError):
    message = _("Hai già chiesto di incontrare questo partner.")


class SlotsInUse(ApplicationError):
    message = _("Ci sono incontri già collocati: sposta o annulla prima quelli.")


class SlotTaken(ApplicationError):
    message = _("La fascia o il tavolo sono già occupati, o un partecipante è già impegnato.")


class SlotUnavailable(ApplicationError):
    message = _("La fascia non appartiene a questa missione o il tavolo non esiste.")


# --- Slots -----------------------------------------------------------------------------------


def slots_generate(*, mission_id: int) -> int:
    """Cut the mission's B2B sessions into slots of `slot_minutes` with `tables` tables."""
    with transaction.atomic():
        mission = _lock_mission(mission_id)
        if Meeting.objects.filter(mission=mission, slot__isnull=False).exists():
            raise SlotsInUse
        Slot.objects.filter(session__mission=mission).delete()
        length = timedelta(minutes=mission.slot_minutes)
        slots = []
        for session in mission.programme.filter(kind=ProgrammeItem.Kind.B2B):
            start, index = session.starts_at, 0
            while start + length <= session.ends_at:
                slots.append(
                    Slot(
                        session=session,
                        index=index,
                        starts_at=start,
                        ends_at=start + length,
                        tables=mission.tables,
                    )
                )
                start += length
                index += 1
        Slot.objects.bulk_create(slots)
    return len(slots)


# --- Matchmaking -----------------------------------------------------------------------------


def participants(mission: Mission):
    return Firm.objects.filter(
        applications__mission=mission, applications__status=Application.Status.CONFIRMED
    ).select_related("sector")


def mission_partners(mission: Mission):
    return Partner.objects.filter(missions__mission=mission).select_related("city")


def _firm_profile(firm: Firm) -> matchmaking.FirmProfile:
    return matchmaking.FirmProfile(
        id=firm.pk,
        name=firm.name,
        sector=firm.sector.slug,
        ateco=firm.ateco_code,
        products=firm.products,
        description=firm.description,
        languages=frozenset(firm.languages),
        target_markets=frozenset(firm.target_markets),
        exports=firm.export_share > 0,
    )


def _partner_profile(partner: Partner) -> matchmaking.PartnerProfile:
    return matchmaking.PartnerProfile(
        id=partner.pk,
        name=partner.name,
        kind=partner.kind,
        country=partner.city.country,
        sectors=frozenset(s.slug for s in partner.sectors.all()),
        nace_codes=tuple(partner.nace_codes),
        products_sought=partner.products_sought,
        description=partner.description,
        languages=frozenset(partner.languages),
    )


def matchmaking_request(*, mission_id: int) -> MatchmakingRun:
    """Queue a (re)computation of the suggestions; one queued run at a time per mission."""
    from missions.tasks import run_matchmaking as run_matchmaking_task

    with transaction.atomic():
        run = MatchmakingRun.objects.filter(
            mission_id=mission_id, status=MatchmakingRun.Status.QUEUED
        ).first()
        if run is None:
            run = MatchmakingRun.objects.create(mission_id=mission_id)
            transaction.on_commit(partial(enqueue, run_matchmaking_task, run.pk))
    return run


def matchmaking_run(*, run_id: int) -> int:
    """Score every (participant, partner) pair and replace the mission's suggestions.

    Loads everything in four queries, scores in pure Python (missions.matchmaking), writes in
    bulk, reports progress on the run row, and tells each firm its suggestions are ready.
    """
    with transaction.atomic():
        run = (
            MatchmakingRun.objects.select_for_update(skip_locked=True)
            .filter(pk=run_id, status=MatchmakingRun.Status.QUEUED)
            .first()
        )
        if run is None:
            return 0
        run.status = MatchmakingRun.Status.RUNNING
        run.save(update_fields=["status"])
    mission = run.mission
    firms = [_firm_profile(f) for f in participants(mission)]
    partners = [_partner_profile(p) for p in mission_partners(mission).prefetch_related("sectors")]
    suggestions: list[MatchSuggestion] = []
    for done, firm in enumerate(firms, start=1):
        for suggestion in matchmaking.suggest([firm], partners).get(firm.id, []):
            suggestions.append(
                MatchSuggestion(
                    mission=mission,
                    firm_id=suggestion.firm_id,
                    partner_id=suggestion.partner_id,
                    score=suggestion.score,
                    reasons=[[r.code, dict(r.params), r.points] for r in suggestion.reasons],
                )
            )
        if done % 10 == 0 or done == len(firms):
            MatchmakingRun.objects.filter(pk=run.pk).update(
                progress=round(100 * done / len(firms)), pairs=done * len(partners)
            )
    with transaction.atomic():
        MatchSuggestion.objects.filter(mission=mission).delete()
        MatchSuggestion.objects.bulk_create(suggestions, batch_size=1000)
        MatchmakingRun.objects.filter(pk=run.pk).update(
            status=MatchmakingRun.Status.DONE,
            progress=100,
            pairs=len(firms) * len(partners),
            finished_at=timezone.now(),
        )
        for firm in participants(mission).prefetch_related("memberships"):
            notify(
                recipients=[m.user_id for m in firm.memberships.all()],
                kind=kinds.SUGGESTIONS_READY.slug,
                object_key=f"mission:{mission.pk}:firm:{firm.pk}",
                version=f"run-{run.pk}",
                context={"mission": mission.title, "firm": firm.name},
                url=reverse("missions:b2b", args=[mission.pk]),
            )
    return len(suggestions)


# --- Meeting requests ------------------------------------------------------------------------


def _is_participant(mission: Mission, firm: Firm) -> bool:
    return Application.objects.filter(
        mission=mission, firm=firm, status=Application.Status.CONFIRMED
    ).exists()


def _common_language(firm: Firm, partner: Partner) -> bool:
    return bool(set(firm.languages) & set(partner.languages))


def meeting_request_create(
    *, mission_id: int, firm: Firm, user: User, partner_id: int, priority: int, reason: str = ""
) -> MeetingRequest:
    """A firm asks to meet a partner; staff accept or decline for the partner."""
    with transaction.atomic():
        mission = _lock_mission(mission_id)  # serialises the per-firm limit
        if not _is_participant(mission, firm):
            raise NotAParticipant
        if not MissionPartner.objects.filter(mission=mission, partner_id=partner_id).exists():
            raise PartnerNotAttending
        open_requests = MeetingRequest.objects.filter(
            mission=mission,
            firm=firm,
            origin=MeetingRequest.Origin.FIRM,
            status__in=[RequestStatus.REQUESTED, RequestStatus.ACCEPTED],
        )
        if open_requests.filter(partner_id=partner_id).exists():
            raise AlreadyRequested
        if open_requests.count() >= mission.meeting_requests_per_firm:
            raise RequestLimitReached
        try:
            with transaction.atomic():
                return MeetingRequest.objects.create(
                    mission=mission,
                    firm=firm,
                    partner_id=partner_id,
                    priority=priority,
                    reason=reason,
                    requested_by=user,
                )
        except IntegrityError:
            raise AlreadyRequested from None


def partner_wish_create(*, mission_id: int, partner_id: int, firm_id: int, priority: int = 3):
    """Staff enter a partner's own wish; the firm accepts or declines it (mutual opt-in)."""
    with transaction.atomic():
        mission = _lock_mission(mission_id)
        firm = Firm.objects.get(pk=firm_id)
        if not _is_participant(mission, firm):
            raise NotAParticipant
        partner = Partner.objects.get(pk=partner_id, missions__mission=mission)
        try:
            with transaction.atomic():
                request = MeetingRequest.objects.create(
                    mission=mission,
                    firm=firm,
                    partner=partner,
                    priority=priority,
                    origin=MeetingRequest.Origin.PARTNER,
                )
        except IntegrityError:
            raise AlreadyRequested from None
        _notify_firm(
            request, kinds.MEETING_WISHED, "wished", url=reverse("missions:b2b", args=[mission.pk])
        )
    return request


def _notify_firm(request: MeetingRequest, kind, version: str, url: str = "", **extra) -> None:
    notify(
        recipients=[m.user_id for m in request.firm.memberships.all()],  # prefetched if loaded
        kind=kind.slug,
        object_key=f"meetingrequest:{request.pk}",
        version=version,
        context={
            "mission": request.mission.title,
            "firm": request.firm.name,
            "partner": request.partner.name,
            **extra,
        },
        url=url or reverse("missions:b2b", args=[request.mission_id]),
    )


def _accept(request: MeetingRequest) -> Meeting:
    request.status = RequestStatus.ACCEPTED
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_at"])
    meeting, _created = Meeting.objects.get_or_create(
        request=request,
        defaults={
            "mission_id": request.mission_id,
            "firm_id": request.firm_id,
            "partner_id": request.partner_id,
            "needs_interpreter": not _common_language(request.firm, request.partner),
        },
    )
    return meeting


def meeting_requests_decide(*, request_ids: list[int], accept: bool) -> int:
    """Staff, for the partners: accept (creates the meeting) or decline firms' requests."""
    count = 0
    requests = MeetingRequest.objects.filter(
        pk__in=request_ids, status=RequestStatus.REQUESTED, origin=MeetingRequest.Origin.FIRM
    ).select_related("firm", "partner", "mission")
    with transaction.atomic():
        for request in requests.select_for_update(of=("self",)):
            if accept:
                _accept(request)
                _notify_firm(request, kinds.MEETING_ACCEPTED, "accepted")
            else:
                request.status = RequestStatus.DECLINED
                request.decided_at = timezone.now()
                request.save(update_fields=["status", "decided_at"])
                _notify_firm(request, kinds.MEETING_DECLINED, "declined")
            count += 1
    return count


def partner_wish_answer(*, request_id: int, firm: Firm, accept: bool) -> MeetingRequest:
    """The firm answers a partner's wish. Raises MeetingRequest.DoesNotExist for others'."""
    with transaction.atomic():
        request = (
            MeetingRequest.objects.select_for_update(of=("self",))
            .select_related("firm", "partner", "mission")
            .get(pk=request_id, firm=firm, origin=MeetingRequest.Origin.PARTNER)
        )
        if request.status != RequestStatus.REQUESTED:
            raise ApplicationError
        if accept:
            _accept(request)
        else:
            request.status = RequestStatus.DECLINED
            request.decided_at = timezone.now()
            request.save(update_fields=["status", "decided_at"])
    return request


def meeting_request_cancel(*, request_id: int, firm: Firm) -> MeetingRequest:
    """The firm withdraws a request (and the meeting, if it was accepted)."""
    with transaction.atomic():
        request = MeetingRequest.objects.select_related("mission").get(pk=request_id, firm=firm)
        _lock_mission(request.mission_id)
        request.refresh_from_db()
        if request.status not in (RequestStatus.REQUESTED, RequestStatus.ACCEPTED):
            raise ApplicationError
        Meeting.objects.filter(request=request).delete()
        request.status = RequestStatus.CANCELLED
        request.save(update_fields=["status"])
    return request


# --- Scheduling --------------------------------------------------------------------------------


def _availability(mission: Mission, slots: list[Slot], firm_ids: set[int], partner_ids: set[int]):
    """Firms: every slot not overlapping another programme item. Partners: their sessions."""
    others = list(mission.programme.exclude(kind=ProgrammeItem.Kind.B2B))
    busy = {
        s.pk
        for s in slots
        if any(i.starts_at < s.ends_at and s.starts_at < i.ends_at for i in others)
    }
    firm_slots = frozenset(s.pk for s in slots if s.pk not in busy)
    firm_available = {f: firm_slots for f in firm_ids}
    partner_available = {}
    attending = MissionPartner.objects.filter(mission=mission, partner_id__in=partner_ids)
    for mp in attending.select_related("partner").prefetch_related("sessions"):
        sessions = {s.pk for s in mp.sessions.all()}
        partner_available[mp.partner_id] = frozenset(
            s.pk
            for s in slots
            if (s.session_id in sessions if sessions else s.session.city_id == mp.partner.city_id)
        )
    return firm_available, partner_available


def scheduler_run(*, mission_id: int) -> SchedulerRun:
    """Place the accepted meetings into slots and tables (missions.scheduling), keep locked ones.

    Holds the mission lock for the whole run, so a manual move waits and cannot interleave.
    """
    with transaction.atomic():
        mission = _lock_mission(mission_id)
        slots = list(Slot.objects.filter(session__mission=mission).select_related("session"))
        meetings = list(Meeting.objects.filter(mission=mission).order_by("pk"))
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


def _when(meeting: Meeting, slot: Slot | None) -> str:
    if slot is None:
        return str(_("da ricollocare"))
    start = timezone.localtime(slot.starts_at, slot.session.city.tz)
    return f"{formats.date_format(start, 'SHORT_DATETIME_FORMAT')}, {_('tavolo')} {meeting.table}"


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
        _notify_firm(
            requests[meeting.request_id],
            kinds.MEETING_CHANGED,
            version,
            url=reverse("missions:agenda", args=[mission.pk]),
            when=_when(meeting, slots.get(meeting.slot_id)),
        )


def meeting_move(*, meeting_id: int, slot_id: int | None, table: int | None, lock: bool = True):
    """Staff place or move one meeting by hand (and lock it). Raises SlotTaken on a clash."""
    with transaction.atomic():
        meeting = Meeting.objects.get(pk=meeting_id)
        mission = _lock_mission(meeting.mission_id)
        if slot_id is not None:
            slot = Slot.objects.filter(pk=slot_id, session__mission=mission).first()
            if slot is None or table is None or not 1 <= table <= slot.tables:
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


def agenda_publish(*, mission_id: int) -> int:
    """Publish the agendas and tell each firm with placed meetings. Returns firms notified."""
    with transaction.atomic():
        mission = _lock_mission(mission_id)
        mission.agenda_published_at = timezone.now()
        mission.save(update_fields=["agenda_published_at"])
        firms = Firm.objects.filter(meetings__mission=mission, meetings__slot__isnull=False)
        firms = firms.distinct().prefetch_related("memberships")
        for firm in firms:
            notify(
                recipients=[m.user_id for m in firm.memberships.all()],
                kind=kinds.AGENDA_PUBLISHED.slug,
                object_key=f"mission:{mission.pk}:firm:{firm.pk}",
                version=f"agenda-{int(mission.agenda_published_at.timestamp())}",
                context={"mission": mission.title, "firm": firm.name},
                url=reverse("missions:agenda", args=[mission.pk]),
            )
    return len(firms)


def meetings_mark_attendance(*, meeting_ids: list[int], attendance: str) -> int:
    """Staff record held / no-show. Saved row by row so the audit trail records who did it."""
    Meeting.Attendance(attendance)
    meetings = list(Meeting.objects.filter(pk__in=meeting_ids).exclude(attendance=attendance))
    for meeting in meetings:
        meeting.attendance = attendance
        meeting.save(update_fields=["attendance", "updated_at"])
    return len(meetings)


def meetings_unlock(*, meeting_ids: list[int]) -> int:
    """Let the scheduler move these meetings again."""
    meetings = list(Meeting.objects.filter(pk__in=meeting_ids, locked=True))
    for meeting in meetings:
        meeting.locked = False
        meeting.save(update_fields=["locked", "updated_at"])
    return len(meetings)


def meeting_record_outcome(*, meeting_id: int, firm: Firm, outcome: str, note: str = "") -> Meeting:
    """The firm records what came of a meeting. Raises Meeting.DoesNotExist for others'."""
    Meeting.Outcome(outcome)
    meeting = Meeting.objects.get(pk=meeting_id, firm=firm)
    meeting.outcome, meeting.outcome_note, meeting.outcome_at = outcome, note, timezone.now()
    meeting.save(update_fields=["outcome", "outcome_note", "outcome_at", "updated_at"])
    return meeting


FOLLOWUP_DAYS = (30, 90, 180)


def followup_reminders_send(*, today=None) -> int:
    """Ask firms for the outcome of their meetings 30, 90 and 180 days after a mission.

    Runs daily; the notification key (mission, firm, step) makes repeats no-ops.
    """
    today = today or timezone.localdate()
    sent = 0
    for days in FOLLOWUP_DAYS:
        window_end = today - timedelta(days=days)
        missions = Mission.objects.filter(
            end_date__lte=window_end,
            end_date__gt=window_end - timedelta(days=14),
            meetings__slot__isnull=False,
        ).distinct()
        for mission in missions:
            firms = Firm.objects.filter(meetings__mission=mission).exclude(
                meetings__attendance=Meeting.Attendance.NO_SHOW
            )
            for firm in firms.distinct().prefetch_related("memberships"):
                sent += notify(
                    recipients=[m.user_id for m in firm.memberships.all()],
                    kind=kinds.MEETING_FOLLOWUP.slug,
                    object_key=f"mission:{mission.pk}:firm:{firm.pk}",
                    version=f"followup-{days}",
                    context={"mission": mission.title, "days": str(days)},
                    url=reverse("missions:b2b", args=[mission.pk]),
                )
    return sent


def firm_meetings(*, mission: Mission, firm: Firm):
    return (
        Meeting.objects.filter(mission=mission, firm=firm)
        .select_related("partner__city", "slot__session__city")
        .order_by("slot__starts_at", "pk")
    )
