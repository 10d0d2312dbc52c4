"""Signing in without a password: a confirmation page on GET (mail scanners must not use the
link), the session on POST; single-use, expiring links; new links on request, rate-limited."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from members.models import Consent
from partners.models import SignInLink
from tests.factories import StaffFactory, member
from tests.partners.support import invite, partner_on_mission, token_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def invited(django_capture_on_commit_callbacks, mailoutbox, eager_celery):
    mission, partner, _ = partner_on_mission()
    contact = invite(django_capture_on_commit_callbacks, mission, partner)
    return contact, token_in(mailoutbox[-1]), mission


def signin_url(token):
    return reverse("partners:signin", args=[token])


def test_opening_the_link_shows_a_confirmation_and_uses_nothing(invited):
    contact, token, _ = invited
    client = Client()
    for _ in range(3):  # a mail gateway's scanner, then the person
        response = client.get(signin_url(token))
        assert response.status_code == 200
        assert "Naturstein Import GmbH" in response.content.decode()
        assert 'lang="de"' in response.content.decode()  # the recipient's language
    assert SignInLink.objects.get().used_at is None
    assert "_auth_user_id" not in client.session


def test_the_first_sign_in_records_the_terms_and_opens_a_session(invited):
    contact, token, mission = invited
    client = Client()
    refused = client.post(signin_url(token), {})
    assert refused.status_code == 200  # the terms box is required on the first sign-in
    assert SignInLink.objects.get().used_at is None

    response = client.post(signin_url(token), {"accept_terms": "on"})
    assert response.status_code == 302
    assert response["Location"] == reverse("partners:home")
    assert int(client.session["_auth_user_id"]) == contact.user.pk
    assert client.cookies["django_language"].value == "de"  # the workspace opens in German
    consent = Consent.objects.get(user=contact.user)
    assert (consent.kind, consent.granted) == (Consent.Kind.TERMS, True)
    home = client.get(reverse("partners:home"))
    assert mission.title in home.content.decode()


def test_a_used_link_is_refused(invited):
    _contact, token, _ = invited
    assert Client().post(signin_url(token), {"accept_terms": "on"}).status_code == 302
    other = Client()
    for method in ("get", "post"):
        response = getattr(other, method)(signin_url(token), {"accept_terms": "on"})
        assert response.status_code == 410
        assert "già stato usato" in response.content.decode()
    assert "_auth_user_id" not in other.session


def test_an_expired_link_is_refused(invited, settings):
    _contact, token, _ = invited
    SignInLink.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = Client().post(signin_url(token), {"accept_terms": "on"})
    assert response.status_code == 410
    assert "scaduto" in response.content.decode()
    assert SignInLink.objects.get().used_at is None


def test_links_expire_after_the_configured_hours(invited, settings):
    link = SignInLink.objects.get()
    assert link.expires_at - link.created_at == dt.timedelta(hours=72)


def test_an_unknown_token_is_a_404_page(db):
    response = Client().get(signin_url("nicht-gueltig"))
    assert response.status_code == 404
    assert "non è valido" in response.content.decode()


def test_a_later_sign_in_needs_no_terms_again(
    invited, django_capture_on_commit_callbacks, mailoutbox
):
    contact, token, _ = invited
    Client().post(signin_url(token), {"accept_terms": "on"})
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(reverse("partners:signin_request"), {"email": "Anna.Schmidt@naturstein.de"})
    second = token_in(mailoutbox[-1])
    client = Client()
    assert client.post(signin_url(second), {}).status_code == 302
    assert Consent.objects.filter(user=contact.user).count() == 1


def test_requesting_a_link_answers_the_same_for_known_and_unknown_addresses(
    invited, django_capture_on_commit_callbacks, mailoutbox
):
    sent = len(mailoutbox)
    staff, firm_user = StaffFactory(), member()
    answers = []
    for email in ("anna.schmidt@naturstein.de", "nobody@example.de", staff.email, firm_user.email):
        with django_capture_on_commit_callbacks(execute=True):
            response = Client().post(reverse("partners:signin_request"), {"email": email})
        answers.append((response.status_code, response.content.decode().count("<p")))
    assert len(set(answers)) == 1
    assert [m.to for m in mailoutbox[sent:]] == [["anna.schmidt@naturstein.de"]]


def test_link_requests_are_rate_limited_per_address(invited, mailoutbox):
    url = reverse("partners:signin_request")
    statuses = [
        Client().post(url, {"email": "anna.schmidt@naturstein.de"}).status_code for _ in range(4)
    ]
    assert statuses == [200, 200, 200, 429]


def test_link_requests_are_rate_limited_per_client(db):
    client, url = Client(), reverse("partners:signin_request")
    statuses = [client.post(url, {"email": f"p{n}@example.de"}).status_code for n in range(11)]
    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429
    assert "Troppe richieste" in client.post(url, {"email": "x@example.de"}).content.decode()


def test_a_partner_contact_is_never_staff_even_if_made_staff_later(invited):
    contact, token, _ = invited
    contact.user.is_staff = True
    contact.user.save()
    response = Client().post(signin_url(token), {"accept_terms": "on"})
    assert response.status_code == 404
