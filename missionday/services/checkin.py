"""The check-in phone's queue, sent in batches: each check-in recorded exactly once, each answered
on its own (a badge of another mission refuses that check-in, not the batch)."""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from members.models import User
from missionday.models import CheckIn, DayPass
from missionday.selectors import mission_time_zone, passes_for
from missionday.services.errors import MissionDayError
from missionday.services.passes import check_in_again, check_in_record
from missions.models import Mission

MAX_BATCH = 500  # one request's worth; the phone sends a longer queue in several


@dataclass(frozen=True)
class QueuedCheckIn:
    """One check-in as the phone queued it (already validated)."""

    client_id: uuid.UUID
    token: str
    checked_in_at: datetime
    method: str


@dataclass(frozen=True)
class CheckInOutcome:
    """What became of one queued check-in: `created` (stored now), `duplicate` (stored before,
    by this or another phone: `check_in` is the first one) or `refused` (`error` says why;
    `day_pass` only if the badge is this mission's)."""

    client_id: uuid.UUID
    status: Literal["created", "duplicate", "refused"]
    day_pass: DayPass | None
    check_in: CheckIn | None = None
    error: MissionDayError | None = None


def check_ins_sync(
    *, mission: Mission, items: list[QueuedCheckIn], by: User | None
) -> list[CheckInOutcome]:
    """Record each queued check-in with `check_in_record` (exactly once: the same batch sent
    again stores nothing more) and return one outcome per item, in order.

    Each item stands alone: a refused one (forged or foreign token, not a mission day, a client
    id reused for another badge) writes nothing and does not undo the others, so the phone can
    drop from its queue every item answered. Queries: the mission's time zone (the check-ins'
    day), the batch's badges and the check-ins already stored under the batch's client ids (a
    queue sent again costs nothing more), then `check_in_record`'s writes per new check-in.
    """
    tz = mission_time_zone(mission)
    tokens = {item.token for item in items}
    badges = {badge.token: badge for badge in passes_for(mission).filter(token__in=tokens)}
    stored = {
        check_in.client_id: check_in
        for check_in in CheckIn.objects.filter(
            client_id__in={item.client_id for item in items}
        ).select_related("day_pass")
    }
    outcomes = []
    for item in items:
        badge = badges.get(item.token)
        try:
            CheckIn.Method(item.method)
            if item.client_id in stored:  # sent before: as check_in_record would answer
                check_in = check_in_again(stored[item.client_id], mission=mission, token=item.token)
                created = False
            else:
                check_in, created = check_in_record(
                    mission=mission,
                    token=item.token,
                    client_id=item.client_id,
                    checked_in_at=item.checked_in_at,
                    method=item.method,
                    by=by,
                    tz=tz,
                    day_pass=badge,
                )
                if check_in.client_id == item.client_id:  # the same id again in this batch
                    stored[item.client_id] = check_in
        except MissionDayError as error:
            outcomes.append(CheckInOutcome(item.client_id, "refused", badge, error=error))
            continue
        outcomes.append(
            CheckInOutcome(item.client_id, "created" if created else "duplicate", badge, check_in)
        )
    return outcomes
