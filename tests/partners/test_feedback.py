"""After the mission, the partner gives feedback on each meeting (held, interest, next step, a
note for staff): the service's rules, the form on the agenda page, who may use it."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from missions import services as b2b
from missions.models import Meeting, Slot
from missions.services import outcomes
from missions.services.errors import FeedbackInvalid, FeedbackNotPlaced, FeedbackTooEarly
from privacy.erasure import erase_user
from privacy.export import export_user_data
from tests.factories import ApplicationFactory, MembershipFactory
from tests.partners.support import invite, partner_on_mission
from tests.partners.test_b2b import AGENDA_PAGE_QUERIES, scheduled, stone_firm
from tests.partners.test_b2b import space as space  # noqa: F401, PLC0414 (the fixture)
from tests.support.clients import login

pytestmark = pytest.mark.django_db


def end_meetings(mission, hours_ago=1):
    """Move the mission's slots into the past: the meetings are over."""
    for slot in Slot.objects.filter(session__mission=mission):
        shift = timezone.now() - dt.timedelta(hours=hours_ago) - slot.ends_at
        Slot.objects.filter(pk=slot.pk).update(
            starts_at=slot.starts_at + shift, ends_at=slot.ends_at + shift
        )


def give(meeting, **kwargs):
    values = {"held": True, "interest": 4, "next_step": "offer", "note": ""}
    return outcomes.meeting_partner_feedback(
        meeting_id=meeting.pk, partner_id=meeting.partner_id, **{**values, **kwargs}
    )


FEEDBACK_FIELDS = (
    "partner_held",
    "partner_interest",
    "partner_next_step",
    "partner_note",
    "partner_feedback_at",
    "partner_feedback_by_id",
)


def feedback_of(meeting):
    meeting.refresh_from_db()
    return tuple(getattr(meeting, name) for name in FEEDBACK_FIELDS)


# --- The service ----------------------------------------------------------------------------


def test_feedback_is_stored_and_given_again_replaces_it(space):
    contact, mission, _stone, _metal = space
    _owner, meeting, _blocked = scheduled(space)
    end_meetings(mission)

    give(meeting, note="Gute Muster, Preise zu hoch", user=contact.user)
    meeting.refresh_from_db()
    assert (meeting.partner_held, meeting.partner_interest, meeting.partner_next_step) == (
        True,
        4,
        "offer",
    )
    assert meeting.partner_note == "Gute Muster, Preise zu hoch"
    assert meeting.partner_feedback_by == contact.user
    assert meeting.partner_feedback_at is not None

    give(meeting, held=False, interest=None, next_step="", user=contact.user)
    meeting.refresh_from_db()
    assert (meeting.partner_held, meeting.partner_interest, meeting.partner_next_step) == (
        False,
        None,
        "",
    )
    assert Meeting.objects.filter(request=meeting.request).count() == 1  # nothing duplicated
    # The audit trail keeps each answer.
    assert [h.partner_interest for h in meeting.history.order_by("history_date")][-2:] == [4, None]


def test_feedback_is_refused_before_the_end_for_unplaced_and_others_meetings(space):
    _contact, mission, _stone, _metal = space
    _owner, meeting, _blocked = scheduled(space)
    before = feedback_of(meeting)

    with pytest.raises(FeedbackTooEarly):
        give(meeting)  # the meeting is 40 days ahead
    just_before_start = meeting.slot.starts_at - dt.timedelta(minutes=1)
    with pytest.raises(FeedbackTooEarly):
        outcomes.meeting_partner_feedback(
            meeting_id=meeting.pk,
            partner_id=meeting.partner_id,
            held=True,
            interest=3,
            next_step="call",
            now=just_before_start,
        )

    end_meetings(mission)
    _other_mission, other_partner, _ = partner_on_mission("Andere GmbH", mission=mission)
    with pytest.raises(Meeting.DoesNotExist):
        outcomes.meeting_partner_feedback(
            meeting_id=meeting.pk,
            partner_id=other_partner.pk,
            held=True,
            interest=5,
            next_step="order",
        )

    Meeting.objects.filter(pk=meeting.pk).update(slot=None, table=None)
    with pytest.raises(FeedbackNotPlaced):
        give(meeting)
    assert feedback_of(meeting) == before


def test_feedback_opens_at_the_start_of_the_slot_for_the_debrief_at_the_meetings_close(space):
    """The mission day's one-minute debrief is written as the meeting closes: the feedback is
    taken from the slot's start (missions.services.outcomes.feedback_opens_at), not its end."""
    _owner, meeting, _blocked = scheduled(space)
    just_before_end = meeting.slot.ends_at - dt.timedelta(minutes=1)

    outcomes.meeting_partner_feedback(
        meeting_id=meeting.pk,
        partner_id=meeting.partner_id,
        held=True,
        interest=3,
        next_step="call",
        now=just_before_end,
    )

    meeting.refresh_from_db()
    assert (meeting.partner_held, meeting.partner_interest) == (True, 3)


@pytest.mark.parametrize(
    "values",
    [
        {"interest": 6},
        {"interest": 0},
        {"interest": None},
        {"next_step": "marriage"},
        {"next_step": ""},
        {"held": False, "interest": 4, "next_step": ""},
        {"held": False, "interest": None, "next_step": "call"},
        {"note": "x" * 301},
        {"note": "a\x00b"},
    ],
)
def test_invalid_feedback_is_refused_and_changes_nothing(space, values):
    _contact, mission, _stone, _metal = space
    _owner, meeting, _blocked = scheduled(space)
    end_meetings(mission)
    before = feedback_of(meeting)
    with pytest.raises(FeedbackInvalid):
        give(meeting, **values)
    assert feedback_of(meeting) == before


# --- The agenda page ------------------------------------------------------------------------


def test_the_partner_gives_feedback_on_the_agenda_page_once_the_meeting_is_over(space):
    contact, mission, _stone, _metal = space
    _owner, meeting, _blocked = scheduled(space)
    b2b.agenda_publish(mission_id=mission.pk)
    client = login(contact.user, language="it")
    agenda = reverse("partners:agenda", args=[mission.pk])
    url = reverse("partners:meeting_feedback", args=[mission.pk, meeting.pk])
    assert url not in client.get(agenda).content.decode()  # not over yet: no form

    # Posted before the end (an old page, a forged form): refused with a message.
    early = client.post(url, {"held": "yes", "interest": "4", "next_step": "offer"})
    assert early.status_code == 400
    assert "quando l&#x27;incontro sarà iniziato" in early.content.decode()
    assert feedback_of(meeting)[4] is None

    end_meetings(mission)
    page = client.get(agenda).content.decode()
    assert url in page
    assert f'id="feedback-{meeting.pk}-held_0"' in page

    response = client.post(
        url, {"held": "yes", "interest": "5", "next_step": "samples", "note": "Sehr gut"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{agenda}#meeting-{meeting.pk}"
    meeting.refresh_from_db()
    assert (meeting.partner_held, meeting.partner_interest, meeting.partner_next_step) == (
        True,
        5,
        "samples",
    )
    assert meeting.partner_note == "Sehr gut"
    assert meeting.partner_feedback_by == contact.user
    # The page shows the answer given, ready to be edited.
    again = client.get(agenda).content.decode()
    assert 'value="samples" selected' in again
    assert "Sehr gut</textarea>" in again


def test_a_refused_feedback_shows_the_errors_and_changes_nothing(space):
    contact, mission, _stone, _metal = space
    _owner, meeting, _blocked = scheduled(space)
    b2b.agenda_publish(mission_id=mission.pk)
    end_meetings(mission)
    give(meeting, user=contact.user)
    before = feedback_of(meeting)
    client = login(contact.user, language="it")
    url = reverse("partners:meeting_feedback", args=[mission.pk, meeting.pk])

    for payload in (
        {"held": "yes", "interest": "", "next_step": "offer"},
        {"held": "maybe"},
        {"held": "yes", "interest": "9", "next_step": "offer"},
        {"held": "yes", "interest": "4", "next_step": "offer", "note": "x" * 301},
    ):
        response = client.post(url, payload)
        assert response.status_code == 400, payload
        assert 'class="errorlist' in response.content.decode()
        assert feedback_of(meeting) == before
    missing = client.post(url, {"held": "yes", "interest": "", "next_step": "offer"})
    assert "Indicate il vostro interesse." in missing.content.decode()


def test_others_cannot_give_feedback_on_the_partners_meeting(
    space, django_capture_on_commit_callbacks
):
    contact, mission, _stone, _metal = space
    owner, meeting, _blocked = scheduled(space)
    b2b.agenda_publish(mission_id=mission.pk)
    end_meetings(mission)
    payload = {"held": "yes", "interest": "1", "next_step": "none"}
    url = reverse("partners:meeting_feedback", args=[mission.pk, meeting.pk])
    # Another partner, invited to the same mission: the meeting is not theirs.
    _m, other_partner, _ = partner_on_mission("Andere GmbH", mission=mission)
    other = invite(django_capture_on_commit_callbacks, mission, other_partner, email="x@andere.de")
    for client, expected in ((login(other.user), 404), (login(owner), 403), (Client(), 302)):
        assert client.post(url, payload).status_code == expected
    # The partner's own meeting under another mission's address.
    other_mission, _p, _mp = partner_on_mission("Dritte GmbH")
    wrong = reverse("partners:meeting_feedback", args=[other_mission.pk, meeting.pk])
    assert login(contact.user).post(wrong, payload).status_code == 404
    assert feedback_of(meeting)[4] is None


def test_agenda_page_query_count_stays_with_feedback_forms(space, django_assert_num_queries):
    contact, mission, _stone, metal = space
    scheduled(space)
    for firm in (metal, stone_firm("Pietre Nuove S.r.l.")):
        if firm.pk != metal.pk:
            ApplicationFactory(mission=mission, firm=firm)
        request = b2b.meeting_request_create(
            mission_id=mission.pk,
            firm=firm,
            user=MembershipFactory(firm=firm).user,
            partner_id=contact.partner_id,
            priority=3,
        )
        b2b.meeting_requests_decide(request_ids=[request.pk], accept=True)
    b2b.scheduler_run(mission_id=mission.pk)
    b2b.agenda_publish(mission_id=mission.pk)
    end_meetings(mission)
    give(Meeting.objects.filter(partner=contact.partner).first(), user=contact.user)
    client = login(contact.user)
    client.get(reverse("partners:agenda", args=[mission.pk]))  # warm: the user from Redis
    with django_assert_num_queries(AGENDA_PAGE_QUERIES):
        page = client.get(reverse("partners:agenda", args=[mission.pk]))
    assert page.content.decode().count("Invia il feedback") == 3


# --- Privacy --------------------------------------------------------------------------------


def test_the_feedback_is_in_the_contacts_export_and_their_erasure_keeps_it_without_them(space):
    contact, mission, stone, _metal = space
    _owner, meeting, _blocked = scheduled(space)
    end_meetings(mission)
    give(meeting, note="Rückruf vereinbart", next_step="call", user=contact.user)

    exported = export_user_data(user=contact.user)["partner_contact"]["meeting_feedback"]
    assert len(exported) == 1
    assert (exported[0]["firm"], exported[0]["held"], exported[0]["note"]) == (
        stone.name,
        True,
        "Rückruf vereinbart",
    )

    erase_user(user=contact.user)
    meeting.refresh_from_db()
    assert meeting.partner_feedback_by is None
    assert (meeting.partner_interest, meeting.partner_next_step) == (4, "call")  # the partner's
