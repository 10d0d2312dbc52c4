"""The firm's debrief of a meeting (the delegate's phone on the mission day): attendance, the
firm's interest and next step, and the outcome it implies unless the firm answered itself."""

import datetime as dt

import pytest

from missions.models import Meeting
from missions.services import outcomes
from missions.services.errors import FeedbackInvalid, FeedbackNotPlaced, FeedbackTooEarly
from tests.factories import FirmFactory
from tests.partners.test_b2b import scheduled
from tests.partners.test_b2b import space as space  # noqa: F401, PLC0414 (the fixture)

pytestmark = pytest.mark.django_db


def debrief(meeting, **kwargs):
    values = {"held": True, "interest": 4, "next_step": "offer"}
    return outcomes.meeting_firm_debrief(
        meeting_id=meeting.pk,
        firm_id=meeting.firm_id,
        now=meeting.slot.starts_at + dt.timedelta(minutes=5),
        **{**values, **kwargs},
    )


def state(meeting):
    meeting.refresh_from_db()
    return (
        meeting.attendance,
        meeting.firm_interest,
        meeting.firm_next_step,
        meeting.outcome,
        meeting.outcome_at is not None,
    )


@pytest.mark.parametrize(
    ("next_step", "outcome"),
    [("offer", "offer"), ("samples", "samples"), ("order", "order"), ("call", "contact")],
)
def test_a_held_meeting_records_attendance_interest_and_the_implied_outcome(
    space, next_step, outcome
):
    _owner, meeting, _blocked = scheduled(space)

    debrief(meeting, next_step=next_step)

    assert state(meeting) == ("held", 4, next_step, outcome, True)


def test_a_later_debrief_replaces_the_earlier_and_a_no_show_clears_the_derived_outcome(space):
    _owner, meeting, _blocked = scheduled(space)
    debrief(meeting, next_step="offer")
    debrief(meeting, interest=5, next_step="order")
    assert state(meeting) == ("held", 5, "order", "order", True)

    debrief(meeting, held=False, interest=None, next_step="")

    assert state(meeting) == ("no_show", None, "", "", False)


def test_the_firms_own_outcome_is_never_overwritten_by_a_debrief(space):
    _owner, meeting, _blocked = scheduled(space)
    outcomes.meeting_record_outcome(
        meeting_id=meeting.pk, firm=meeting.firm, outcome="agreement", value_band="gt250k"
    )

    debrief(meeting, interest=2, next_step="none")

    assert state(meeting) == ("held", 2, "none", "agreement", True)
    assert meeting.value_band == "gt250k"


def test_refused_debriefs_change_nothing(space):
    _owner, meeting, _blocked = scheduled(space)
    before = state(meeting)

    with pytest.raises(FeedbackTooEarly):
        outcomes.meeting_firm_debrief(
            meeting_id=meeting.pk,
            firm_id=meeting.firm_id,
            held=True,
            interest=3,
            next_step="call",
            now=meeting.slot.starts_at - dt.timedelta(minutes=1),
        )
    with pytest.raises(Meeting.DoesNotExist):
        outcomes.meeting_firm_debrief(
            meeting_id=meeting.pk, firm_id=FirmFactory().pk, held=True, interest=3, next_step="call"
        )
    for bad in (
        {"interest": 6},
        {"interest": None},
        {"next_step": "lunch"},
        {"held": False, "interest": 3, "next_step": ""},
        {"held": False, "interest": None, "next_step": "call"},
    ):
        with pytest.raises(FeedbackInvalid):
            debrief(meeting, **bad)
    Meeting.objects.filter(pk=meeting.pk).update(slot=None, table=None)
    with pytest.raises(FeedbackNotPlaced):
        outcomes.meeting_firm_debrief(
            meeting_id=meeting.pk, firm_id=meeting.firm_id, held=True, interest=3, next_step="call"
        )

    assert state(meeting) == before


def test_the_firms_debrief_is_in_the_firms_export(space):
    from missions.privacy import export_firm

    _owner, meeting, _blocked = scheduled(space)
    debrief(meeting, interest=5, next_step="samples", note="Campioni entro venerdì")

    exported = export_firm(meeting.firm)["meetings"][0]
    assert (exported["firm_interest"], exported["firm_next_step"]) == (5, "samples")
    assert exported["outcome_note"] == "Campioni entro venerdì"
