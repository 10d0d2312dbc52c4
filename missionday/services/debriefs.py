"""The companion's debriefs: stored exactly once, the latest of each meeting feeds the meeting.

Phones send debriefs written offline, possibly twice (a lost answer) and out of order (two
phones of the same firm). Each is a row of its own, keyed by the phone's `client_id`; the
latest written for a meeting on a side is handed to the missions service that owns the rule
(missions.services.outcomes: the partner's feedback, the firm's debrief).
"""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import User
from missionday.models import DayPass, Debrief
from missions.models import Meeting
from missions.services import outcomes
from missions.services.errors import FeedbackError

SyncStatus = Literal["created", "duplicate", "refused"]


@dataclass(frozen=True)
class DebriefInput:
    """One debrief as the phone sent it (already checked for types and choices)."""

    client_id: uuid.UUID
    meeting_id: int
    held: bool
    interest: int | None
    next_step: str
    note: str
    written_at: datetime


@dataclass(frozen=True)
class SyncResult:
    client_id: uuid.UUID
    status: SyncStatus
    message: str


def debriefs_sync(
    *,
    day_pass: DayPass,
    items: list[DebriefInput],
    author: User | None,
    now: datetime | None = None,
) -> list[SyncResult]:
    """Store each debrief of the badge holder exactly once; one result per item, in order.

    "duplicate" for a client id already stored (nothing changes), "refused" (with the reason)
    for a meeting that is not the holder's (another firm's or partner's, another mission's) or
    that the meeting's rule refuses (not placed, its slot not started yet); the other items are
    stored all the same. A stored debrief feeds the meeting only if no later-written one of the
    same side is stored already: the last written wins, whatever the order they arrive in.
    """
    now = now or timezone.now()
    return [_sync_one(day_pass, item, author, now) for item in items]


def _sync_one(
    day_pass: DayPass, item: DebriefInput, author: User | None, now: datetime
) -> SyncResult:
    def result(status: SyncStatus, message: str) -> SyncResult:
        return SyncResult(client_id=item.client_id, status=status, message=message)

    side = Debrief.Side.FIRM if day_pass.kind == DayPass.Kind.DELEGATE else Debrief.Side.PARTNER
    holder = (
        {"firm_id": day_pass.firm_id}
        if side == Debrief.Side.FIRM
        else {"partner_id": day_pass.partner_id}
    )
    written_at = min(item.written_at, now)
    try:
        with transaction.atomic():
            # The meeting row is the lock of its debriefs: two phones syncing the same meeting
            # decide "the latest" one after the other.
            meeting = (
                Meeting.objects.select_for_update(of=("self",))
                .filter(pk=item.meeting_id, mission_id=day_pass.mission_id, **holder)
                .first()
            )
            if meeting is None:
                return result("refused", _("Questo incontro non è nella vostra agenda."))
            stored = Debrief.objects.filter(client_id=item.client_id).first()
            if stored is not None:
                if stored.meeting_id != meeting.pk or stored.side != side:
                    return result("refused", _("Debriefing non valido."))
                return result("duplicate", _("Debriefing già ricevuto."))
            later = Debrief.objects.filter(
                meeting=meeting, side=side, written_at__gt=written_at
            ).exists()
            Debrief.objects.create(
                client_id=item.client_id,
                meeting=meeting,
                side=side,
                author=author,
                held=item.held,
                interest=item.interest if item.held else None,
                next_step=item.next_step if item.held else "",
                note=item.note.strip(),
                written_at=written_at,
            )
            if not later:
                _apply(meeting, side, item, author, written_at)
    except FeedbackError as error:
        return result("refused", str(error.message))
    except IntegrityError:
        # The same client id stored meanwhile by a concurrent request (a retry): stored once.
        if Debrief.objects.filter(client_id=item.client_id).exists():
            return result("duplicate", _("Debriefing già ricevuto."))
        raise
    return result("created", _("Debriefing registrato."))


def _apply(
    meeting: Meeting, side: str, item: DebriefInput, author: User | None, written_at: datetime
) -> None:
    held = item.held
    interest = item.interest if held else None
    next_step = item.next_step if held else ""
    if side == Debrief.Side.PARTNER:
        outcomes.meeting_partner_feedback(
            meeting_id=meeting.pk,
            partner_id=meeting.partner_id,
            held=held,
            interest=interest,
            next_step=next_step,
            note=item.note,
            user=author,
            now=written_at,
        )
    else:
        outcomes.meeting_firm_debrief(
            meeting_id=meeting.pk,
            firm_id=meeting.firm_id,
            held=held,
            interest=interest,
            next_step=next_step,
            note=item.note,
            now=written_at,
        )
