"""The live staff board's writes: give a freed table to a meeting that waits, and tell both sides.

Marking a no-show is missions' own rule (missions.services.outcomes.meetings_mark_attendance,
which admin uses too); the board calls it directly.
"""

from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.translated import in_every_language, translations
from members.recipients import notify_firm
from missionday import notification_kinds as kinds
from missionday.models import DayPass
from missionday.selectors import mission_local_date
from missionday.services.errors import MissionDayError
from missions.models import Meeting, Mission, Slot
from missions.services import scheduling_runs
from notifications.services import notify
from partners.models import PartnerContact


class NotBothPresent(MissionDayError):
    message = gettext_lazy("Impresa e partner devono aver fatto entrambi il check-in oggi.")


def both_present(*, mission: Mission, firm_id: int, partner_id: int, day: datetime) -> bool:
    """Whether a delegate of the firm and a contact of the partner checked in on the mission's
    day (in its time zone: missionday.selectors.mission_time_zone) at the instant `day`."""
    checked_in = DayPass.objects.filter(
        mission=mission, check_ins__day=mission_local_date(mission, day)
    )
    return (
        checked_in.filter(kind=DayPass.Kind.DELEGATE, firm_id=firm_id).exists()
        and checked_in.filter(kind=DayPass.Kind.PARTNER, partner_id=partner_id).exists()
    )


def board_meeting_place(
    *, mission: Mission, meeting_id: int, slot_id: int, table: int, now: datetime | None = None
) -> Meeting:
    """Place a waiting meeting (accepted, not in the agenda) at a free table of a slot that has
    not ended, when both its sides checked in today; tell the firm's people and the partner's
    contacts (in-app and email through the outbox, each in their language).

    Presence is checked here (missions cannot see check-ins); the rest, under the mission lock
    and the database constraints, by missions.services.scheduling_runs.
    meeting_place_in_freed_slot. Raises Meeting.DoesNotExist for another mission's meeting,
    NotBothPresent, or the MeetingError of the refusal; nothing changes then.
    """
    now = now or timezone.now()
    meeting = Meeting.objects.get(pk=meeting_id, mission=mission)
    if not both_present(
        mission=mission, firm_id=meeting.firm_id, partner_id=meeting.partner_id, day=now
    ):
        raise NotBothPresent
    with transaction.atomic():
        meeting = scheduling_runs.meeting_place_in_freed_slot(
            meeting_id=meeting_id, slot_id=slot_id, table=table, now=now
        )
        _notify_placed(
            mission, Meeting.objects.select_related("firm", "partner").get(pk=meeting.pk)
        )
    return meeting


def _notify_placed(mission: Mission, meeting: Meeting) -> None:
    """Both sides hear of the new meeting, inside the placing transaction (the outbox sends
    after commit). One notification per person and placement, however often it is called."""
    if meeting.slot_id is None:  # placed just before, under the same transaction
        return
    slot = Slot.objects.select_related("session__city").get(pk=meeting.slot_id)
    start = timezone.localtime(slot.starts_at, slot.session.city.tz)
    when = in_every_language(
        lambda: f"{formats.time_format(start, 'TIME_FORMAT')}, {_('tavolo')} {meeting.table}"
    )
    context = {
        "mission": translations(mission, "title"),
        "firm": meeting.firm.name,
        "partner": meeting.partner.name,
        "when": when,
    }
    key, version = f"meeting:{meeting.pk}", f"board-placed-{slot.pk}-{meeting.table}"
    notify_firm(
        firm=meeting.firm,
        kind=kinds.BOARD_MEETING_PLACED.slug,
        object_key=key,
        version=version,
        context=context,
        url=reverse("missions:agenda", args=[mission.pk]),
    )
    # The partner's contacts on this mission: invited to it, or holding a badge for it.
    contacts = (
        PartnerContact.objects.filter(partner_id=meeting.partner_id, user__is_active=True)
        .filter(Q(invitations__mission_id=mission.pk) | Q(user__day_passes__mission_id=mission.pk))
        .values_list("user_id", flat=True)
        .distinct()
    )
    notify(
        recipients=list(contacts),
        kind=kinds.BOARD_MEETING_PLACED_PARTNER.slug,
        object_key=key,
        version=version,
        context=context,
        url=reverse("partners:agenda", args=[mission.pk]),
    )
