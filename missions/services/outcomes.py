"""After the B2B meetings: attendance (staff), outcomes (the firm) and the follow-up reminders."""

from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from core.translated import translations
from members.models import Firm, User
from members.recipients import notify_firm
from missions import notification_kinds as kinds
from missions.models import Application, Meeting, MeetingRequest, Mission, Slot
from missions.services import locking
from missions.services.errors import (
    FeedbackInvalid,
    FeedbackNotPlaced,
    FeedbackSlotReused,
    FeedbackTooEarly,
    MeetingSlotReused,
)

FOLLOWUP_DAYS = (30, 90, 180)


def meetings_mark_attendance(*, meeting_ids: list[int], attendance: str, absent: str = "") -> int:
    """Staff record held / no-show (admin, the mission day's board); returns how many changed.

    `absent` says who did not come to a no-show (firm, partner, both; empty: not said); any
    other attendance clears it. A no-show frees its table and its people's slot (the meeting
    keeps them for the record, Meeting's constraints skip it), so taking it back can clash with
    a meeting placed there meanwhile: then MeetingSlotReused is raised and nothing changes.
    Saved row by row, under the missions' locks (the placements' lock), so the audit trail
    records who did it.
    """
    Meeting.Attendance(attendance)
    Meeting.Absent(absent)
    if attendance != Meeting.Attendance.NO_SHOW:
        absent = ""
    with transaction.atomic():
        mission_ids = sorted(
            set(Meeting.objects.filter(pk__in=meeting_ids).values_list("mission_id", flat=True))
        )
        for mission_id in mission_ids:  # in id order: two staff marking never deadlock
            locking.lock_mission(mission_id)
        meetings = list(
            Meeting.objects.filter(pk__in=meeting_ids)
            .exclude(attendance=attendance, absent=absent)
            .order_by("pk")
        )
        for meeting in meetings:
            meeting.attendance, meeting.absent = attendance, absent
            try:
                with transaction.atomic():
                    meeting.save(update_fields=["attendance", "absent", "updated_at"])
            except IntegrityError:
                # Back from no-show into a table or a slot someone else now holds.
                raise MeetingSlotReused from None
    return len(meetings)


def meeting_record_outcome(
    *, meeting_id: int, firm: Firm, outcome: str, note: str = "", value_band: str = ""
) -> Meeting:
    """The firm records what came of a meeting and, optionally, its value band (the ledger).

    Raises Meeting.DoesNotExist for others' meetings and ValueError for an outcome or a band
    outside the choices; nothing changes then.
    """
    Meeting.Outcome(outcome)
    Meeting.ValueBand(value_band)
    meeting = Meeting.objects.get(pk=meeting_id, firm=firm)
    meeting.outcome, meeting.outcome_note, meeting.outcome_at = outcome, note, timezone.now()
    meeting.value_band = value_band
    meeting.outcome_by_debrief = False  # the firm's own answer: a debrief no longer changes it
    meeting.save(
        update_fields=[
            "outcome",
            "outcome_note",
            "value_band",
            "outcome_at",
            "outcome_by_debrief",
            "updated_at",
        ]
    )
    return meeting


def feedback_opens_at(slot: Slot) -> datetime:
    """From when a meeting's feedback and debriefs are taken (the partner's feedback, the
    delegate's and the contact's debrief on the mission day): the start of its slot, so that the
    one-minute debrief can be written as the meeting closes."""
    return slot.starts_at


def _check_feedback(*, held: bool, interest: int | None, next_step: str, note: str) -> None:
    if held:
        if interest not in Meeting.PartnerInterest.values or next_step not in (
            Meeting.PartnerNextStep.values
        ):
            raise FeedbackInvalid
    elif interest is not None or next_step:
        raise FeedbackInvalid  # a meeting that did not take place has no interest nor next step
    if len(note) > PARTNER_NOTE_MAX or "\x00" in note:
        raise FeedbackInvalid


PARTNER_NOTE_MAX = 300


def meeting_partner_feedback(
    *,
    meeting_id: int,
    partner_id: int,
    held: bool,
    interest: int | None = None,
    next_step: str = "",
    note: str = "",
    user: User | None = None,
    now: datetime | None = None,
) -> Meeting:
    """The partner's feedback on one of its meetings, once the meeting's slot has started: held or
    not and, if held, its interest (1-5) and the next step; an optional note for the staff.

    Given again, it replaces the previous answer (one feedback per meeting; the history keeps
    the earlier ones). Raises Meeting.DoesNotExist for another partner's meeting,
    FeedbackNotPlaced for a meeting without a slot, FeedbackTooEarly before the slot's start and
    FeedbackInvalid for values outside the choices; nothing changes then. `user` is the contact
    who answered (None: staff entered it for the partner).
    """
    note = note.strip()
    _check_feedback(held=held, interest=interest, next_step=next_step, note=note)
    with transaction.atomic():
        meeting = _locked_for_feedback(meeting_id=meeting_id, now=now, partner_id=partner_id)
        meeting.partner_held = held
        meeting.partner_interest = interest if held else None
        meeting.partner_next_step = next_step if held else ""
        meeting.partner_note = note
        meeting.partner_feedback_at = timezone.now()
        meeting.partner_feedback_by = user
        meeting.save(update_fields=[*PARTNER_FEEDBACK_FIELDS, "updated_at"])
    return meeting


def _locked_for_feedback(*, meeting_id: int, now: datetime | None, **side: int) -> Meeting:
    """The meeting of one side (`firm_id=` or `partner_id=`), locked, once its slot has started:
    Meeting.DoesNotExist for another's meeting, FeedbackNotPlaced without a slot,
    FeedbackTooEarly before the slot's start. Call it inside `transaction.atomic()`."""
    meeting = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("slot")
        .get(pk=meeting_id, **side)
    )
    if meeting.slot is None:
        raise FeedbackNotPlaced
    if (now or timezone.now()) < feedback_opens_at(meeting.slot):
        raise FeedbackTooEarly
    return meeting


PARTNER_FEEDBACK_FIELDS = (
    "partner_held",
    "partner_interest",
    "partner_next_step",
    "partner_note",
    "partner_feedback_at",
    "partner_feedback_by",
)

# The outcome a firm's debrief implies when the firm has not answered itself: what it expects
# next; any other meeting that took place is at least a contact.
DEBRIEF_OUTCOMES: dict[str, str] = {
    Meeting.PartnerNextStep.OFFER: Meeting.Outcome.OFFER,
    Meeting.PartnerNextStep.SAMPLES: Meeting.Outcome.SAMPLES,
    Meeting.PartnerNextStep.ORDER: Meeting.Outcome.ORDER,
}


def meeting_firm_debrief(
    *,
    meeting_id: int,
    firm_id: int,
    held: bool,
    interest: int | None = None,
    next_step: str = "",
    note: str = "",
    now: datetime | None = None,
) -> Meeting:
    """The firm's debrief of one of its meetings (the delegate's phone, on the mission day):
    held or no-show and, if held, its interest (1-5) and the next step.

    It records the attendance (held / no-show) and the firm's interest and next step, and, unless
    the firm has recorded the outcome itself (meeting_record_outcome), the outcome its next step
    implies (offer, samples, order; otherwise a held meeting is a contact, a no-show none), so
    the follow-up reminders and the ledger see it, with `note` as the outcome's note. Given
    again, it replaces the previous debrief.
    Raises Meeting.DoesNotExist for another firm's meeting, FeedbackNotPlaced for a meeting
    without a slot, FeedbackTooEarly before the slot's start, FeedbackSlotReused when the
    meeting's table or slot has gone to another meeting, and FeedbackInvalid for values outside
    the choices; nothing changes then.

    It locks only the meeting's row (no lock-order question with the mission lock of the
    placements); should a no-show have freed the table for another meeting meanwhile, the
    database constraints refuse putting it back as held (FeedbackSlotReused).
    """
    note = note.strip()
    _check_feedback(held=held, interest=interest, next_step=next_step, note=note)
    with transaction.atomic():
        meeting = _locked_for_feedback(meeting_id=meeting_id, now=now, firm_id=firm_id)
        meeting.attendance = Meeting.Attendance.HELD if held else Meeting.Attendance.NO_SHOW
        meeting.firm_interest = interest if held else None
        meeting.firm_next_step = next_step if held else ""
        fields = ["attendance", "firm_interest", "firm_next_step", "updated_at"]
        if meeting.outcome == Meeting.Outcome.NONE or meeting.outcome_by_debrief:
            outcome = DEBRIEF_OUTCOMES.get(next_step, Meeting.Outcome.CONTACT) if held else ""
            meeting.outcome = outcome
            meeting.outcome_at = timezone.now() if outcome else None
            meeting.outcome_note = note if outcome else ""
            meeting.outcome_by_debrief = bool(outcome)
            fields += ["outcome", "outcome_note", "outcome_at", "outcome_by_debrief"]
        try:
            with transaction.atomic():
                meeting.save(update_fields=fields)
        except IntegrityError:
            # Back from a no-show into a table or a slot another meeting now holds.
            raise FeedbackSlotReused from None
    return meeting


def followup_reminders_send(*, today: date | None = None) -> int:
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
            # Firms that took part: still confirmed (and not marked absent) on this mission,
            # with at least one placed meeting of it that was not a no-show.
            took_part = Meeting.objects.filter(
                mission=mission,
                slot__isnull=False,
                request__status=MeetingRequest.Status.ACCEPTED,
            ).exclude(attendance=Meeting.Attendance.NO_SHOW)
            confirmed = Application.objects.filter(
                mission=mission, status=Application.Status.CONFIRMED
            ).exclude(attended=False)
            firms = Firm.objects.filter(pk__in=took_part.values("firm_id")).filter(
                pk__in=confirmed.values("firm_id")
            )
            for firm in firms.prefetch_related("memberships"):
                sent += notify_firm(
                    firm=firm,
                    kind=kinds.MEETING_FOLLOWUP.slug,
                    object_key=f"mission:{mission.pk}:firm:{firm.pk}",
                    version=f"followup-{days}",
                    context={"mission": translations(mission, "title"), "days": str(days)},
                    url=reverse("missions:b2b", args=[mission.pk]),
                )
    return sent
