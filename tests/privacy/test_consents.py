"""The consent log and the queue of data requests that Camera staff answer."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from members import consents
from members.models import Consent, DataRequest
from tests.factories import UserFactory
from tests.support.clients import login

pytestmark = pytest.mark.django_db

# --- Consents -----------------------------------------------------------------------------------


def test_withdrawing_the_newsletter_is_one_post_and_logs_a_consent_row():
    user = UserFactory(newsletter_consent=True)
    response = login(user).post(reverse("privacy:consent"), {"kind": "newsletter", "granted": "0"})

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.newsletter_consent is False
    consent = Consent.objects.get(user=user)
    assert (consent.kind, consent.granted, consent.source) == ("newsletter", False, "privacy_page")
    # A second click changes nothing and logs nothing.
    login(user).post(reverse("privacy:consent"), {"kind": "newsletter", "granted": "0"})
    assert Consent.objects.filter(user=user).count() == 1


def test_first_change_of_an_older_account_backfills_the_consents_given_at_signup():
    accepted = timezone.now() - dt.timedelta(days=90)
    user = UserFactory(terms_accepted_at=accepted, terms_version="2025-01", directory_consent=True)
    consents.consent_set(user=user, kind="directory", granted=False)

    rows = list(Consent.objects.filter(user=user).order_by("created_at", "pk"))
    assert [(c.kind, c.granted, c.source) for c in rows] == [
        ("terms", True, "backfill"),
        ("directory", True, "backfill"),
        ("directory", False, "privacy_page"),
    ]
    assert rows[0].created_at == accepted
    assert rows[0].policy_version == "2025-01"
    assert user.directory_consent is False  # the caller's object follows the row


def test_the_terms_cannot_be_withdrawn_without_erasing_the_account():
    user = UserFactory(terms_accepted_at=timezone.now(), terms_version="2026-11")
    with pytest.raises(consents.TermsNotWithdrawable):
        consents.consent_set(user=user, kind="terms", granted=False)
    login(user).post(reverse("privacy:consent"), {"kind": "terms", "granted": "0"})
    user.refresh_from_db()
    assert user.terms_accepted_at is not None
    assert not Consent.objects.filter(user=user).exists()
    page = login(user).get(reverse("privacy:index")).content.decode()
    assert "per revocarli cancella l'account" in page


def test_signup_consents_log_the_three_choices():
    user = UserFactory(
        terms_accepted_at=timezone.now(), terms_version="2026-11", newsletter_consent=True
    )
    consents.record_signup_consents(user)
    assert set(Consent.objects.filter(user=user).values_list("kind", "granted", "source")) == {
        ("terms", True, "signup"),
        ("directory", False, "signup"),
        ("newsletter", True, "signup"),
    }


# --- Data requests ------------------------------------------------------------------------------


def test_days_left_counts_down_from_one_month():
    now = timezone.now()
    assert DataRequest(created_at=now).days_left == 30
    assert DataRequest(created_at=now - dt.timedelta(days=10)).days_left == 20
    assert DataRequest(created_at=now - dt.timedelta(days=31)).days_left == -1


def test_a_person_files_a_rectification_request_once():
    request_url = reverse("privacy:request")
    user = UserFactory()
    client = login(user)
    client.post(request_url, {"kind": "rectification", "note": "Il nome è sbagliato"})
    client.post(request_url, {"kind": "rectification", "note": "Di nuovo"})

    request = DataRequest.objects.get(user=user)
    assert (request.email_snapshot, request.note, request.completed_at) == (
        user.email,
        "Il nome è sbagliato",
        None,
    )
    assert "in lavorazione" in client.get(reverse("privacy:index")).content.decode()


def test_staff_see_requests_by_urgency_and_mark_them_completed(staff_client):
    now = timezone.now()
    done = DataRequest.objects.create(
        email_snapshot="a@example.it", kind="export", created_at=now, completed_at=now
    )
    recent = DataRequest.objects.create(email_snapshot="b@example.it", kind="rectification")
    urgent = DataRequest.objects.create(
        email_snapshot="c@example.it", kind="erasure", created_at=now - dt.timedelta(days=25)
    )
    assert list(DataRequest.objects.all()) == [urgent, recent, done]

    page = staff_client.get(reverse("admin:members_datarequest_changelist") + "?state=open")
    assert page.status_code == 200
    assert list(page.context["cl"].result_list) == [urgent, recent]
    assert '<td class="field-days_left_display">5</td>' in page.content.decode()

    staff_client.post(
        reverse("admin:members_datarequest_changelist"),
        {"action": "mark_completed", "_selected_action": [urgent.pk, done.pk]},
    )
    urgent.refresh_from_db(), done.refresh_from_db()
    assert urgent.completed_at is not None
    assert done.completed_at == now  # already answered: its date stays
    assert staff_client.get(reverse("admin:members_consent_changelist")).status_code == 200
