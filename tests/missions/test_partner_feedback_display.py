"""The partner's feedback on a meeting shown beside the firm's outcome: to staff in admin (with
the partner's note), to the firm on its B2B page (interest and next step, never the note)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from missions import services as b2b
from missions.models import Slot
from tests.missions.test_b2b import request_and_accept
from tests.missions.test_b2b import setup as setup  # noqa: F401, PLC0414 (the fixture)
from tests.support.clients import login

pytestmark = pytest.mark.django_db

NOTE = "Preise zu hoch, aber gute Qualität"


def over(mission):
    """Move the mission's slots one day into the past: its meetings are over."""
    shift = dt.timedelta(days=41)
    for slot in Slot.objects.filter(session__mission=mission):
        Slot.objects.filter(pk=slot.pk).update(
            starts_at=slot.starts_at - shift, ends_at=slot.ends_at - shift
        )
    assert not Slot.objects.filter(session__mission=mission, ends_at__gt=timezone.now()).exists()


@pytest.fixture
def rated(setup):
    """A placed meeting, over; the firm recorded its outcome and the partner its feedback."""
    mission, _session, firms, partners = setup
    meeting = request_and_accept(mission, firms[0], partners[0])
    b2b.scheduler_run(mission_id=mission.pk)
    over(mission)
    b2b.meeting_record_outcome(meeting_id=meeting.pk, firm=firms[0], outcome="contact")
    b2b.meeting_partner_feedback(
        meeting_id=meeting.pk,
        partner_id=partners[0].pk,
        held=True,
        interest=5,
        next_step="samples",
        note=NOTE,
    )
    return mission, meeting, firms[0]


def test_the_firm_sees_the_partners_interest_and_next_step_but_not_the_note(rated):
    mission, _meeting, firm = rated
    client = login(firm.memberships.get().user, language="it")
    page = client.get(reverse("missions:b2b", args=[mission.pk])).content.decode()
    assert "Interesse molto alto" in page
    assert "Campioni richiesti" in page
    assert NOTE not in page


def test_the_firm_sees_when_the_partner_says_the_meeting_did_not_take_place(rated):
    mission, meeting, firm = rated
    b2b.meeting_partner_feedback(meeting_id=meeting.pk, partner_id=meeting.partner_id, held=False)
    client = login(firm.memberships.get().user, language="it")
    page = client.get(reverse("missions:b2b", args=[mission.pk])).content.decode()
    assert "Secondo il partner l'incontro non si è svolto" in page
    assert "Interesse molto alto" not in page


def test_staff_see_the_partners_feedback_beside_the_outcome_in_admin(rated, staff_client):
    _mission, meeting, _firm = rated
    listing = staff_client.get(reverse("admin:missions_meeting_changelist")).content.decode()
    assert "Solo contatto" in listing  # the firm's outcome
    assert "Interesse molto alto" in listing  # beside it, the partner's
    assert "Campioni richiesti" in listing
    change = staff_client.get(reverse("admin:missions_meeting_change", args=[meeting.pk]))
    assert change.status_code == 200
    assert NOTE in change.content.decode()
