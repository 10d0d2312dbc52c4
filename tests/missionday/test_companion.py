"""The companion (a badge holder's day on the phone), its web app manifest and service worker,
and the debriefs the phone syncs: stored once, only for the holder's own meetings."""

import json
import uuid

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.dates import day_heading
from missionday.models import Debrief
from missions.models import Meeting
from tests.factories import MembershipFactory, StaffFactory, UserFactory, member
from tests.missionday.support import mission_today
from tests.support.clients import login

pytestmark = pytest.mark.django_db

# user, badge (+ mission, firm, partner), the firm's meetings, the programme items, and
# the site header's two (unread notifications, the person's firm): whatever the meetings
COMPANION_QUERIES = 6
# user, badge (the session comes from Redis); the debrief: savepoint, meeting (locked),
# client id, a later one,
# insert, then the missions service (savepoint, meeting locked, savepoint, save, history,
# release, release), release
SYNC_QUERIES_ONE = 14


@pytest.fixture
def day():
    return mission_today()


def companion_url(day):
    return reverse("missionday:companion", args=[day.mission.pk])


def sync_url(day):
    return reverse("missionday:debrief_sync", args=[day.mission.pk])


def item(meeting, **kwargs):
    values = {
        "client_id": str(uuid.uuid4()),
        "meeting_id": meeting.pk,
        "held": True,
        "interest": 4,
        "next_step": "offer",
        "note": "Interessati alle valvole da 1/2 pollice",
        "written_at": timezone.now().isoformat(),
    }
    return {**values, **kwargs}


def post(client, url, debriefs=None, *, body=None, **headers):
    payload = body if body is not None else json.dumps({"debriefs": debriefs})
    return client.post(url, payload, content_type="application/json", **headers)


# --- The page -------------------------------------------------------------------------------


def test_a_delegate_sees_the_meeting_under_way_first_with_table_partner_card_and_interpreter(
    day, django_assert_num_queries
):
    client = login(day.delegate)
    with django_assert_num_queries(COMPANION_QUERIES):
        response = client.get(companion_url(day))

    assert response.status_code == 200
    page = response.content.decode()
    first, later = page.index("Rhein Armaturen GmbH"), page.index("Westfalen Handel AG")
    assert first < later  # the meeting under way comes first
    next_card = page[page.index('id="next-meeting"') : later]
    assert "Tavolo 3" in next_card
    assert "interprete: sì" in next_card
    assert "Importatore" in next_card
    assert "Armaturen, Ventile" in next_card  # what the partner looks for
    assert "Koelnmesse" in next_card

    # The debrief form of the meeting under way is shown; the later one's waits for its start.
    def form_tag(meeting):
        rest = page[page.index(f'data-meeting="{meeting.pk}"') :]
        return rest[: rest.index(">")]

    assert "hidden" not in form_tag(day.now_meeting)
    assert form_tag(day.later_meeting).rstrip().endswith("hidden")
    assert reverse("missionday:manifest") in page
    assert "js/missionday-companion.js" in page
    assert response["X-Companion-Cache"] == f"missionday-companion-u{day.delegate.pk}"


def test_a_partner_contact_reads_their_day_in_german_with_the_firms_card(day):
    response = login(day.contact).get(companion_url(day))

    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="de">' in page
    assert "Officine Valtellina S.r.l." in page
    assert "Valvole in ottone" in page  # the firm's products
    assert "Westfalen Handel AG" not in page  # another partner's meeting


@pytest.mark.parametrize(
    ("shift", "note"),
    [
        (2, "La missione inizia"),  # before: the first day, with a note
        (-3, "La missione è conclusa"),  # after: the last day, with a note
    ],
)
def test_before_and_after_the_mission_the_first_or_last_day_is_shown_with_a_note(day, shift, note):
    mission = day.mission
    mission.start_date += timezone.timedelta(days=shift)
    mission.end_date += timezone.timedelta(days=shift)
    mission.save()

    page = login(day.delegate).get(companion_url(day)).content.decode()

    assert note in page
    shown = mission.start_date if shift > 0 else mission.end_date
    assert day_heading(shown) in page


def test_the_companion_is_for_the_badge_holder_only(day):
    url = companion_url(day)
    other_day = mission_today(title="Altra missione")

    assert login(member()).get(url).status_code == 404  # no badge
    assert login(StaffFactory()).get(url).status_code == 404  # staff without a badge
    assert login(other_day.delegate).get(url).status_code == 404  # another mission's badge
    assert login(UserFactory()).post(sync_url(day), {}).status_code == 404
    assert Client().get(url).status_code == 302  # to the sign-in page


def test_the_manifest_and_the_service_worker(day):
    client = login(day.delegate)
    manifest = client.get(reverse("missionday:manifest"), {"missione": day.mission.pk})
    data = json.loads(manifest.content)
    assert manifest["Content-Type"] == "application/manifest+json"
    assert data["start_url"] == companion_url(day)
    assert data["scope"] == "/giornata/"
    assert data["display"] == "standalone"
    assert {icon["sizes"] for icon in data["icons"]} >= {"192x192", "512x512"}
    for icon in data["icons"]:
        assert finders.find(icon["src"].removeprefix(settings.STATIC_URL)), icon["src"]

    worker = client.get(reverse("missionday:service_worker"))
    assert worker.status_code == 200
    assert worker["Content-Type"].startswith("application/javascript")
    assert worker["Service-Worker-Allowed"] == "/giornata/"
    assert "no-cache" in worker["Cache-Control"]
    assert "X-Companion-Cache" in worker.content.decode()


@pytest.mark.parametrize("missione", ["\u00b2", "1\u00b2", "\u0663", "x", "9" * 12])
def test_the_manifest_ignores_a_mission_that_is_not_a_plain_number(missione):
    manifest = Client().get(reverse("missionday:manifest"), {"missione": missione})
    assert manifest.status_code == 200
    assert json.loads(manifest.content)["start_url"] == "/giornata/"


# --- The debrief sync -------------------------------------------------------------------------


def test_a_firms_debrief_is_stored_once_and_feeds_the_meeting(day, django_assert_num_queries):
    client = login(day.delegate, enforce_csrf_checks=True)
    client.get(companion_url(day))  # the page sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    debrief = item(day.now_meeting, next_step="samples")

    assert post(client, sync_url(day), [debrief]).status_code == 403  # no CSRF header
    with django_assert_num_queries(SYNC_QUERIES_ONE):
        first = post(client, sync_url(day), [debrief], HTTP_X_CSRFTOKEN=token)
    again = post(client, sync_url(day), [debrief], HTTP_X_CSRFTOKEN=token)

    assert first.status_code == again.status_code == 200
    assert [r["status"] for r in first.json()["results"]] == ["created"]
    assert [r["status"] for r in again.json()["results"]] == ["duplicate"]
    assert first.json()["results"][0]["client_id"] == debrief["client_id"]
    stored = Debrief.objects.get()
    assert (stored.side, stored.author, stored.interest) == ("firm", day.delegate, 4)
    meeting = Meeting.objects.get(pk=day.now_meeting.pk)
    assert (meeting.attendance, meeting.firm_interest, meeting.firm_next_step) == (
        "held",
        4,
        "samples",
    )
    assert meeting.outcome == "samples"  # the follow-ups and the ledger see it
    assert meeting.outcome_note == "Interessati alle valvole da 1/2 pollice"


def test_a_partners_debrief_feeds_the_partners_feedback(day):
    client = login(day.contact)
    response = post(client, sync_url(day), [item(day.now_meeting, next_step="call", interest=5)])

    assert [r["status"] for r in response.json()["results"]] == ["created"]
    meeting = Meeting.objects.get(pk=day.now_meeting.pk)
    assert (meeting.partner_held, meeting.partner_interest, meeting.partner_next_step) == (
        True,
        5,
        "call",
    )
    assert meeting.partner_feedback_by == day.contact
    assert meeting.attendance == ""  # the firm's side is the firm's
    assert Debrief.objects.get().side == "partner"


def test_others_meetings_and_unstarted_ones_are_refused_and_the_rest_stored(day):
    client = login(day.contact)
    others = item(day.later_meeting)  # the other partner's meeting
    other_day = mission_today(title="Altra missione")
    elsewhere = item(other_day.now_meeting)  # another mission's meeting
    good = item(day.now_meeting, held=False, interest=None, next_step="")
    client_delegate = login(day.delegate)
    too_early = item(day.later_meeting)  # the firm's own, but its slot starts in half an hour

    response = post(client, sync_url(day), [others, elsewhere, good])
    early_response = post(client_delegate, sync_url(day), [too_early])

    assert [r["status"] for r in response.json()["results"]] == ["refused", "refused", "created"]
    assert response.json()["results"][0]["message"]
    assert [r["status"] for r in early_response.json()["results"]] == ["refused"]
    assert list(Debrief.objects.values_list("client_id", flat=True)) == [
        uuid.UUID(good["client_id"])
    ]
    assert Meeting.objects.get(pk=day.later_meeting.pk).partner_feedback_at is None
    assert Meeting.objects.get(pk=day.later_meeting.pk).attendance == ""
    assert Meeting.objects.get(pk=day.now_meeting.pk).partner_held is False


def test_the_last_written_debrief_wins_whatever_the_order_they_arrive_in(day):
    client = login(day.delegate)
    written = timezone.now()
    newer = item(day.now_meeting, next_step="order", written_at=written.isoformat())
    older = item(
        day.now_meeting,
        held=False,
        interest=None,
        next_step="",
        written_at=(written - timezone.timedelta(minutes=2)).isoformat(),
    )

    post(client, sync_url(day), [newer])
    post(client, sync_url(day), [older])

    assert Debrief.objects.count() == 2  # the history
    meeting = Meeting.objects.get(pk=day.now_meeting.pk)
    assert (meeting.attendance, meeting.outcome) == ("held", "order")


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        json.dumps(["a list"]),
        json.dumps({"debriefs": "x"}),
        json.dumps({"debriefs": [{"client_id": "nope"}]}),
    ],
)
def test_bad_json_is_refused_with_400(day, body):
    response = post(login(day.delegate), sync_url(day), body=body)

    assert response.status_code == 400
    assert response.json()["error"]
    assert not Debrief.objects.exists()


@pytest.mark.parametrize(
    "bad",
    [
        {"interest": 6},
        {"interest": None},
        {"interest": True},
        {"next_step": "lunch"},
        {"held": "yes"},
        {"held": False},  # a no-show has no interest nor next step
        {"meeting_id": "12"},
        {"note": "x" * 301},
        {"written_at": "yesterday"},
        {"written_at": "2026-12-01T10:00:00"},  # no time zone
        {"written_at": "2026-13-01T10:00:00+00:00"},  # well formed, impossible month
        {"written_at": "2026-12-01T10:00:00+99:00"},  # impossible offset
    ],
)
def test_bad_fields_are_refused_with_400_and_nothing_is_stored(day, bad):
    good = item(day.now_meeting)
    response = post(login(day.delegate), sync_url(day), [good, item(day.now_meeting, **bad)])

    assert response.status_code == 400
    assert not Debrief.objects.exists()
    assert Meeting.objects.get(pk=day.now_meeting.pk).attendance == ""


# --- Privacy ---------------------------------------------------------------------------------


def test_debriefs_are_in_the_exports_and_lose_their_author_on_erasure(day):
    from missionday.privacy import export_firm, export_person
    from privacy.erasure import erase_user

    post(login(day.delegate), sync_url(day), [item(day.now_meeting)])

    person = export_person(day.delegate)["mission_day_debriefs"]
    firm = export_firm(day.delegate.membership.firm)["mission_day_debriefs"]
    assert (
        [d["note"] for d in person]
        == [d["note"] for d in firm]
        == ["Interessati alle valvole da 1/2 pollice"]
    )

    MembershipFactory(firm=day.delegate.membership.firm)  # the firm stays, with a colleague
    erase_user(user=day.delegate)
    debrief = Debrief.objects.get()
    assert debrief.author is None  # the meeting's record stays, without the person


def test_a_partner_contacts_day_offers_no_certificate(day):
    """Certificates are for delegates: a partner contact's companion does not link to one."""
    certificate = reverse("missionday:certificate", args=[day.mission.pk])
    delegate_page = login(day.delegate).get(reverse("missionday:companion", args=[day.mission.pk]))
    assert certificate in delegate_page.content.decode()
    partner_page = login(day.contact).get(reverse("missionday:companion", args=[day.mission.pk]))
    assert partner_page.status_code == 200
    assert certificate not in partner_page.content.decode()
