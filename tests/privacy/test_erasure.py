"""Erasure of a person (GDPR art. 17): nothing of them left in any table, the firm kept."""

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.db import models
from django.test import Client
from django.urls import reverse

from board.models import Attachment, Post, Report
from core.sessions import DELETED, SessionStore
from members import consents
from members import notification_kinds as kinds
from members.models import Consent, DataRequest, Firm, Invitation, JoinRequest, Membership, User
from missions.models import Application
from notifications.models import Notification
from privacy.erasure import erase_user, kept_keys
from tests.factories import PASSWORD, MembershipFactory, UserFactory, member, stored_files
from tests.privacy.people import EMAIL, FIRST, LAST
from tests.support.clients import login

pytestmark = pytest.mark.django_db

# Text columns that may still contain the erased person's email or names after erasure, with the
# reason. Empty: every record kept for legal reasons (kept_records) is kept without them.
KEPT: dict[str, str] = {}


def _text_columns(model) -> list[str]:
    kinds_ = (models.CharField, models.TextField, models.JSONField)
    return [f.name for f in model._meta.concrete_fields if isinstance(f, kinds_)]


def _occurrences(*needles: str) -> dict[str, int]:
    """Every text column of every table (history and m2m tables included) that holds a needle."""
    found = {}
    for model in apps.get_models(include_auto_created=True):
        for field in _text_columns(model):
            for needle in needles:
                hits = model._default_manager.filter(**{f"{field}__icontains": needle}).count()
                if hits:
                    found[f"{model._meta.label}.{field}:{needle}"] = hits
    return found


def _links_to(user_id: int) -> set[str]:
    """Every foreign key column, in every table, that still points at the user row."""
    found = set()
    for model in apps.get_models(include_auto_created=True):
        for f in model._meta.concrete_fields:
            if f.is_relation and f.related_model is User:
                if model._default_manager.filter(**{f.attname: user_id}).exists():
                    found.add(f"{model._meta.label}.{f.name}")
    return found


def test_erasure_leaves_no_trace_of_the_name_or_email_in_any_table(zebedeo):
    device = login(zebedeo)  # an open session on another device
    cached = SessionStore.cache_key_prefix + device.session.session_key
    assert caches[settings.SESSION_CACHE_ALIAS].get(cached)  # core/sessions.py keeps a copy
    firm = zebedeo.membership.firm
    assert len(_occurrences(EMAIL, FIRST, LAST)) > 5  # the scan does see the copies before

    result = erase_user(user=zebedeo)

    assert {key.split(":")[0] for key in _occurrences(EMAIL, FIRST, LAST)} == set(KEPT)
    # Only the legal logs still point at the (anonymised) row.
    assert _links_to(zebedeo.pk) == {"members.Consent.user", "members.DataRequest.user"}
    assert result["kept"] == kept_keys()
    assert not Session.objects.exists()
    # Nor its copy in Redis: a tombstone, no data (core/sessions.py).
    assert caches[settings.SESSION_CACHE_ALIAS].get(cached) == DELETED
    assert not EmailAddress.objects.filter(user=zebedeo).exists()
    assert not Membership.history.filter(user_id=zebedeo.pk).exists()
    # The firm and its records stay, unlinked from him.
    assert Firm.objects.filter(pk=firm.pk).exists()
    assert Application.objects.get(firm=firm).applied_by is None
    assert {p.author for p in Post.objects.filter(author_firm=firm)} == {None}
    assert Report.objects.get().reporter is None
    # Other people's notifications say who asked without naming him.
    owner_note = Notification.objects.get(kind=kinds.JOIN_REQUEST_RECEIVED.slug)
    assert owner_note.context["person"] == "utente cancellato"
    assert owner_note.context["message"] == "Sono il cugino di Piero"
    # The anonymised row.
    zebedeo.refresh_from_db()
    assert zebedeo.email == f"deleted-{zebedeo.pk}@invalid.example"
    assert (zebedeo.first_name, zebedeo.last_name) == ("", "")
    assert not zebedeo.is_active
    assert not zebedeo.has_usable_password()
    assert not zebedeo.newsletter_consent
    assert not zebedeo.directory_consent
    # The consent log keeps the proof and ends with the withdrawals.
    withdrawn = Consent.objects.filter(user=zebedeo, source="erasure", granted=False)
    assert set(withdrawn.values_list("kind", flat=True)) == {"terms", "directory", "newsletter"}
    erasure = DataRequest.objects.get(user=zebedeo, kind="erasure")
    assert erasure.completed_at is not None
    assert erasure.email_snapshot == zebedeo.email
    assert DataRequest.objects.get(kind="rectification").completed_at is not None


def test_erasure_deletes_the_persons_attachments_rows_and_files(
    zebedeo, media_root, django_capture_on_commit_callbacks
):
    firm = zebedeo.membership.firm
    attachment = Attachment.objects.get(uploaded_by=zebedeo)
    assert (media_root / attachment.file.name).exists()

    with django_capture_on_commit_callbacks(execute=True):
        result = erase_user(user=zebedeo)

    assert result["deleted"]["attachments"] == 1
    assert not Attachment.objects.exists()
    # The post stays (a firm record), its file does not; the firm's logo is the firm's.
    assert Post.objects.filter(title="Cerco un agente", author=None).exists()
    firm.refresh_from_db()
    assert stored_files(media_root) == [firm.logo.name]


def test_erasure_deletes_no_file_if_it_rolls_back(
    zebedeo, media_root, monkeypatch, django_capture_on_commit_callbacks
):
    before = stored_files(media_root)

    def fail(**kwargs):
        raise RuntimeError("crash after the attachments were deleted")

    monkeypatch.setattr(consents, "data_request_log_completed", fail)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        erase_user(user=zebedeo)
    assert Attachment.objects.filter(uploaded_by=zebedeo).exists()
    assert stored_files(media_root) == before


def test_the_erased_person_cannot_log_in():
    user = UserFactory(email=EMAIL, first_name=FIRST, last_name=LAST)
    erase_user(user=user)

    client = Client()
    assert not client.login(email=EMAIL, password=PASSWORD)
    response = client.post(reverse("account_login"), {"login": EMAIL, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200  # the form again, with an error


def test_erasing_the_only_owner_hands_the_firm_to_the_longest_standing_colleague():
    owner = member()
    firm = owner.membership.firm
    first = MembershipFactory(firm=firm, role=Membership.Role.MEMBER)
    MembershipFactory(firm=firm, role=Membership.Role.MEMBER)

    result = erase_user(user=owner)

    first.refresh_from_db()
    assert first.role == Membership.Role.OWNER
    assert result["firm"] == {"firm_id": firm.pk, "promoted_membership_id": first.pk}
    assert firm.memberships.filter(role=Membership.Role.OWNER).count() == 1


def test_erasing_the_only_member_keeps_the_firm():
    owner = member()
    firm = owner.membership.firm
    erase_user(user=owner)
    assert Firm.objects.filter(pk=firm.pk).exists()
    assert not firm.memberships.exists()


def test_erase_view_checks_email_and_password_then_logs_out_everywhere(zebedeo):
    login_page = reverse("account_login")
    index = reverse("privacy:index")
    erase = reverse("privacy:erase")
    client, other_device = login(zebedeo), login(zebedeo)
    page = client.get(erase).content.decode()
    assert "Che cosa conserviamo e perché" in page

    wrong = client.post(erase, {"email": EMAIL, "password": "sbagliata"})
    assert wrong.status_code == 200
    assert "La password non è corretta." in wrong.content.decode()
    other = client.post(erase, {"email": "altro@example.it", "password": PASSWORD})
    assert "non corrisponde" in other.content.decode()
    zebedeo.refresh_from_db()
    assert zebedeo.is_active

    response = client.post(erase, {"email": EMAIL.lower(), "password": PASSWORD})
    assert response["Location"] == reverse("privacy:erased")
    goodbye = client.get(reverse("privacy:erased")).content.decode()
    assert "Il tuo account è stato cancellato" in goodbye
    assert "Il registro dei consensi" in goodbye
    assert client.get(index)["Location"].startswith(login_page)
    assert other_device.get(index)["Location"].startswith(login_page)
    # The goodbye page is shown once, to the browser that erased the account.
    assert client.get(reverse("privacy:erased"))["Location"] == reverse("home")


def test_join_request_notification_is_a_real_copy_of_the_name(zebedeo):
    # Guards the fixture: the scan in the erasure test must have something to find.
    note = Notification.objects.get(kind=kinds.JOIN_REQUEST_RECEIVED.slug)
    assert note.context["person"] == f"{FIRST} {LAST}"
    assert JoinRequest.objects.get(user=zebedeo).status == JoinRequest.Status.DECLINED
    assert Invitation.objects.filter(email__iexact=EMAIL).exists()
    assert ContentType.objects.get_for_model(User).pk == LogEntry.objects.get().content_type_id
