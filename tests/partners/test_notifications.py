"""Notifications reach partner contacts through the same outbox, in German by default, with the
same guarantees: no loss, no duplicate, preferences, digest, one-click opt-out (issue 17)."""

import datetime as dt
import time

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation

from missions import services as b2b
from missions.models import MissionPartner
from notifications import services as outbox
from notifications.models import EmailMode, Notification, Preference
from partners import services
from partners.models import PartnerContact
from tests.factories import (
    ApplicationFactory,
    FirmFactory,
    MembershipFactory,
    MissionFactory,
    StaffFactory,
    member,
)
from tests.partners.support import invite, partner_on_mission
from tests.support.clients import login

Status = Notification.EmailStatus
GERMAN_BODY = "hat ein B2B-Treffen während der Wirtschaftsmission"


def _mission():
    return MissionFactory(title="Missione pietra a Colonia", title_de="Naturstein-Mission Köln")


def _attending(mission, partner):
    MissionPartner.objects.filter(mission=mission, partner=partner).update(
        attendance=MissionPartner.Attendance.CONFIRMED
    )


def _firm_asks(mission, partner, name):
    firm = FirmFactory(name=name)
    ApplicationFactory(mission=mission, firm=firm)
    owner = MembershipFactory(firm=firm).user
    with translation.override("it"):  # the firm's page is Italian
        return b2b.meeting_request_create(
            mission_id=mission.pk, firm=firm, user=owner, partner_id=partner.pk, priority=4
        )


@pytest.mark.django_db
def test_a_partner_contact_chooses_only_their_own_kinds_of_email(
    django_capture_on_commit_callbacks, eager_celery, mailoutbox
):
    mission, partner, _ = partner_on_mission(mission=_mission())
    contact = invite(django_capture_on_commit_callbacks, mission, partner)
    client = login(contact.user, language="de")
    home = client.get(reverse("partners:home")).content.decode()
    preferences_url = reverse("notifications:preferences")
    assert f'href="{preferences_url}"' in home  # linked from the workspace

    page = client.get(preferences_url).content.decode()
    assert 'name="kind_partner_meeting_requested"' in page
    assert 'name="kind_partner_meeting_cancelled"' in page
    # No firm, board or Camera kinds: none of them can reach a partner's contact.
    assert 'name="kind_mission_published"' not in page
    assert 'name="kind_board_new_post"' not in page
    assert 'name="kind_announcement"' not in page
    inbox = client.get(reverse("notifications:inbox")).content.decode()
    assert 'value="partner_b2b"' in inbox
    assert 'value="board"' not in inbox

    response = client.post(
        preferences_url,
        {
            "language": "de",
            "kind_partner_meeting_requested": "digest",
            "kind_partner_meeting_accepted": "off",
            "kind_partner_meeting_declined": "immediate",
            "kind_partner_meeting_cancelled": "immediate",
            # The mission day's kinds (issue 18) are partner contacts' kinds too.
            "kind_board_meeting_placed_partner": "immediate",
            "kind_missionday_survey_partner": "immediate",
        },
    )
    assert response.status_code == 302
    assert dict(Preference.objects.filter(user=contact.user).values_list("kind", "email")) == {
        "partner_meeting_requested": "digest",
        "partner_meeting_accepted": "off",
        "partner_meeting_declined": "immediate",
        "partner_meeting_cancelled": "immediate",
        "board_meeting_placed_partner": "immediate",
        "missionday_survey_partner": "immediate",
    }

    firm_page = login(member()).get(preferences_url).content.decode()
    assert 'name="kind_mission_published"' in firm_page
    assert 'name="kind_partner_meeting_requested"' not in firm_page


@pytest.mark.django_db
def test_the_digest_of_a_german_contact_is_german(
    sink, django_capture_on_commit_callbacks, eager_celery
):
    mission, partner, _ = partner_on_mission(mission=_mission())
    _attending(mission, partner)
    contact = invite(django_capture_on_commit_callbacks, mission, partner)
    sink.clear()  # the invitation email
    Preference.objects.create(
        user=contact.user, kind="partner_meeting_requested", email=EmailMode.DIGEST
    )
    with django_capture_on_commit_callbacks(execute=True):
        _firm_asks(mission, partner, "Graniti Valmasino S.r.l.")
        _firm_asks(mission, partner, "Marmi Chiavenna S.r.l.")
    assert set(
        Notification.objects.filter(recipient=contact.user).values_list("email_status", flat=True)
    ) == {Status.DIGEST}
    assert sink.received == []

    assert outbox.digests_send() == 1
    (digest,) = sink.received
    assert digest.to == [contact.user.email]
    assert digest.subject == "Club degli Esportatori: 2 Neuigkeiten"
    text = digest.message.get_payload(0).get_payload(decode=True).decode()
    assert "hier ist Ihre Zusammenfassung der Neuigkeiten aus dem Club" in text
    assert "Graniti Valmasino S.r.l. möchte Sie treffen" in text
    assert "Naturstein-Mission Köln" in text  # the mission's German title
    assert "Missione pietra a Colonia" not in text


def _wait_for(condition, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        outbox.outbox_sweep(grace=dt.timedelta(0))
        time.sleep(0.2)
    return condition()


@pytest.mark.django_db(transaction=True)
def test_a_firms_request_reaches_the_contact_once_in_german_and_one_click_stops_it(
    worker_factory, sink
):
    mission, partner, _ = partner_on_mission(mission=_mission())
    _attending(mission, partner)
    services.contact_invite(
        partner_id=partner.pk,
        mission_id=mission.pk,
        email="anna.schmidt@naturstein.de",
        first_name="Anna",
        invited_by=StaffFactory(),
    )
    contact = PartnerContact.objects.get(user__email="anna.schmidt@naturstein.de")
    worker_factory()

    def to_contact(subject_part):
        return [r for r in sink.received if subject_part in r.subject]

    request = _firm_asks(mission, partner, "Graniti Valmasino S.r.l.")
    assert _wait_for(lambda: to_contact("möchte Sie treffen")), [r.subject for r in sink.received]
    (mail,) = to_contact("möchte Sie treffen")
    assert mail.to == ["anna.schmidt@naturstein.de"]
    assert mail.subject == "Graniti Valmasino S.r.l. möchte Sie treffen"
    text = mail.message.get_payload(0).get_payload(decode=True).decode()
    assert GERMAN_BODY in text
    assert "Naturstein-Mission Köln" in text
    unsubscribe = mail.message["List-Unsubscribe"].strip("<>")
    assert unsubscribe.startswith("http://testserver/")
    assert mail.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # The same event notified again (a retried request, a re-sent trigger) is no second email.
    with transaction.atomic():
        services.contacts_notify_meeting_request(request, "requested")
    time.sleep(1.5)
    assert len(to_contact("möchte Sie treffen")) == 1
    assert Notification.objects.filter(recipient=contact.user).count() == 1

    # One click in the mail client, without signing in: that kind's emails stop.
    path = unsubscribe.removeprefix("http://testserver")
    assert Client(enforce_csrf_checks=True).post(path).status_code == 200
    assert Preference.objects.get(user=contact.user, kind="partner_meeting_requested").email == (
        EmailMode.OFF
    )
    _firm_asks(mission, partner, "Marmi Chiavenna S.r.l.")
    later = Notification.objects.get(recipient=contact.user, context__firm="Marmi Chiavenna S.r.l.")
    assert later.email_status == Status.SKIPPED  # still in the inbox, no email
    time.sleep(1.5)
    assert len(to_contact("möchte Sie treffen")) == 1
