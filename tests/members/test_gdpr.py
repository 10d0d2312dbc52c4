"""GDPR self-service: consent log, data export, erasure and the staff queue of data requests."""

import datetime as dt
import json

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import connection, models
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from board import services as board_services
from board.models import Attachment, Comment, Follow, MentorshipRequest, Post, Report, Tag
from members import services
from members.models import Consent, DataRequest, Firm, Invitation, JoinRequest, Membership, User
from missions.models import Application, Interest, Meeting, MeetingRequest, Partner, Question
from notifications import kinds
from notifications.models import Notification, Preference
from notifications.services import notify
from privacy import gdpr
from tests.factories import (
    PASSWORD,
    FirmFactory,
    MembershipFactory,
    MissionFactory,
    UserFactory,
    city,
    image_bytes,
    member,
    pdf_bytes,
    sector,
    stored_files,
    upload,
)
from tests.support.clients import login
from tests.support.urls import assert_public_path

pytestmark = pytest.mark.django_db

EMAIL = "Zebedeo.Quintavalle@example.it"
FIRST, LAST = "Zebedeo", "Quintavalle"

# Text columns that may still contain the erased person's email or names after erasure, with the
# reason. Empty: every record kept for legal reasons (gdpr.KEPT_RECORDS) is kept without them.
KEPT: dict[str, str] = {}

# The export runs in a fixed number of queries, whatever the firm's volume.
EXPORT_MAX_QUERIES = 30


def _populate(user: User, firm: Firm, n: int, tag_prefix: str) -> None:
    """`n` of every kind of row about `user` and their firm."""
    mentor_firm = member(is_mentor=True).membership.firm
    other_post = Post.objects.create(
        kind="question",
        title="Domanda di un altro socio",
        body="Testo",
        body_html="<p>Testo</p>",
        author=mentor_firm.memberships.get().user,
        author_firm=mentor_firm,
    )
    for i in range(n):
        mission = MissionFactory()
        question = Question.objects.create(mission=mission, label=f"Obiettivo {i}")
        Application.objects.create(
            mission=mission,
            firm=firm,
            applied_by=user,
            note="Portiamo i campioni",
            answers={str(question.pk): f"Risposta {i}"},
        )
        partner = Partner.objects.create(
            name=f"Partner {tag_prefix} {i} GmbH", kind=Partner.Kind.BUYER, city=city()
        )
        request = MeetingRequest.objects.create(
            mission=mission,
            firm=firm,
            partner=partner,
            requested_by=user,
            status="accepted",
            reason="Distribuzione in Baviera",
        )
        Meeting.objects.create(
            request=request,
            mission=mission,
            firm=firm,
            partner=partner,
            outcome=Meeting.Outcome.ORDER,
            outcome_note="Primo ordine firmato",
        )
        Interest.objects.create(mission=mission, firm=firm, user=user)
        post = Post.objects.create(
            kind="question",
            title=f"Domanda {i}",
            body="Come spedire campioni?",
            body_html="<p>Come spedire campioni?</p>",
            author=user,
            author_firm=firm,
        )
        Comment.objects.create(
            post=other_post,
            author=user,
            author_firm=firm,
            body=f"Commento {i}",
            body_html=f"<p>Commento {i}</p>",
        )
        tag = Tag.objects.create(
            kind="topic", name=f"Tema {tag_prefix} {i}", slug=f"{tag_prefix}-{i}"
        )
        Follow.objects.create(user=user, tag=tag)
        Report.objects.create(post=post, reporter=user, reason="Duplicato")
        MentorshipRequest.objects.create(
            requester=firm,
            requested_by=user,
            mentor=mentor_firm,
            topic=f"Dogana {i}",
            message="Ci aiutate?",
            status="declined",
        )
        notify(
            recipients=[user],
            kind=kinds.FIRM_APPROVED.slug,
            object_key=f"{tag_prefix}:{i}",
            context={"firm": firm.name},
        )
        colleague = UserFactory()
        MembershipFactory(user=colleague, firm=firm, role=Membership.Role.MEMBER)
        Invitation.objects.create(firm=firm, email=f"{tag_prefix}-{i}@example.it", invited_by=user)
    Preference.objects.create(user=user, kind=kinds.FIRM_APPROVED.slug, email="digest")
    gdpr.record_signup_consents(user)


@pytest.fixture
def zebedeo() -> User:
    """Zebedeo asked to join a firm, then registered his own, and used every part of the portal.

    Real services where they copy his name elsewhere (the join request notifies the other
    firm's owner with his name); plain rows for the rest.
    """
    user = UserFactory(
        email=EMAIL,
        first_name=FIRST,
        last_name=LAST,
        directory_consent=True,
        newsletter_consent=True,
        terms_accepted_at=timezone.now(),
        terms_version="2026-11",
    )
    other_firm = member().membership.firm
    services.join_request_create(user=user, firm=other_firm, message="Sono il cugino di Piero")
    firm = services.firm_create(
        user=user,
        data={
            "name": "Segheria Val Gerola S.r.l.",
            "vat_number": FirmFactory.build().vat_number,
            "ateco_code": "16.10.00",
            "sector": sector(),
            "comune": "Sondrio",
        },
    )
    Firm.objects.filter(pk=firm.pk).update(status=Firm.Status.APPROVED)
    firm.refresh_from_db()
    # A change made by him through the portal: the history table records him as its author.
    firm.description = "Legname da costruzione"
    firm._history_user = user
    firm.save()
    services.invitation_create(
        firm=other_firm, email=EMAIL, role="member", invited_by=other_firm.memberships.get().user
    )
    _populate(user, firm, 1, "z")
    # A file he attached: its original name carries his name (and the file, his CV).
    board_services.post_create(
        author=user,
        kind="question",
        title="Cerco un agente",
        body="Allego il profilo",
        tags=[],
        files=[upload(f"CV {FIRST} {LAST}.pdf", pdf_bytes(f"{FIRST} {LAST}"))],
    )
    services.firm_logo_set(firm_id=firm.pk, upload=upload("logo.png", image_bytes()))
    # Staff edited his account in the admin: the log keeps his name as the object's label.
    LogEntry.objects.log_actions(
        user_id=UserFactory(is_staff=True).pk,
        queryset=[user],
        action_flag=CHANGE,
        change_message=[{"changed": {"fields": ["newsletter_consent"]}}],
        single_object=True,
    )
    DataRequest.objects.create(
        user=user, email_snapshot=EMAIL, kind="rectification", note=f"Il cognome è {LAST}"
    )
    return user


# --- Export -------------------------------------------------------------------------------------


def test_export_contains_every_kind_of_data_about_the_person_and_their_firm(zebedeo):
    data = gdpr.export_user_data(user=zebedeo)

    json.dumps(data)  # JSON-serialisable as it is: dates are ISO strings
    assert data["account"]["email"] == EMAIL
    for key in [
        "email_addresses",
        "consents",
        "data_requests",
        "membership",
        "join_requests",
        "invitations",
        "notifications",
        "notification_preferences",
        "posts",
        "comments",
        "follows",
        "reports",
        "mentorship_requests",
        "applications",
        "meeting_requests",
        "interests",
        "firm",
        "attachments",
    ]:
        assert data[key], key
    assert data["attachments"][0]["name"] == f"CV {FIRST} {LAST}.pdf"
    assert data["attachments"][0]["type"] == "PDF"
    assert data["attachments"][0]["size"] == len(pdf_bytes(f"{FIRST} {LAST}"))
    assert data["attachments"][0]["post"] == "Cerco un agente"
    assert data["attachments"][0]["created_at"]
    assert data["firm"]["profile"]["has_logo"] is True
    for key in [
        "profile",
        "memberships",
        "invitations",
        "applications",
        "meetings",
        "mentorship_requests",
        "posts",
    ]:
        assert data["firm"][key], key
    assert data["applications"][0]["answers"] == [
        {"question": "Obiettivo 0", "answer": "Risposta 0"}
    ]
    assert data["firm"]["meetings"][0]["outcome"] == "Ordine"
    assert data["firm"]["meetings"][0]["outcome_note"] == "Primo ordine firmato"
    assert {m["email"] for m in data["firm"]["memberships"]} >= {EMAIL}
    assert data["join_requests"][0]["message"] == "Sono il cugino di Piero"
    assert data["notifications"][0]["title"]
    assert data["consents"][0]["policy_version"] == "2026-11"


def test_a_member_export_has_no_firm_section():
    colleague = MembershipFactory(role=Membership.Role.MEMBER).user
    data = gdpr.export_user_data(user=colleague)
    assert data["membership"]["role"] == "Collaboratore"
    assert data["firm"] is None


def test_export_runs_in_the_same_number_of_queries_for_2_and_20_rows(
    django_assert_max_num_queries,
):
    counts = []
    for n, prefix in [(2, "small"), (20, "large")]:
        user = member()
        _populate(user, user.membership.firm, n, prefix)
        with CaptureQueriesContext(connection) as queries:
            with django_assert_max_num_queries(EXPORT_MAX_QUERIES):
                data = gdpr.export_user_data(user=user)
        assert len(data["firm"]["meetings"]) == n
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_export_view_downloads_the_own_data_as_an_attachment_and_logs_it(zebedeo):
    export = reverse("privacy:export")
    someone_else = login(member())
    response = login(zebedeo).get(export)

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="dati-club-esportatori.json"'
    assert json.loads(response.content)["account"]["email"] == EMAIL
    logged = DataRequest.objects.get(user=zebedeo, kind="export")
    assert logged.completed_at is not None
    # There is no id in the URL: everyone downloads their own data only.
    assert EMAIL not in someone_else.get(export).content.decode()


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
    gdpr.consent_set(user=user, kind="directory", granted=False)

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
    with pytest.raises(gdpr.TermsNotWithdrawable):
        gdpr.consent_set(user=user, kind="terms", granted=False)
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
    gdpr.record_signup_consents(user)
    assert set(Consent.objects.filter(user=user).values_list("kind", "granted", "source")) == {
        ("terms", True, "signup"),
        ("directory", False, "signup"),
        ("newsletter", True, "signup"),
    }


# --- Erasure ------------------------------------------------------------------------------------


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
    login(zebedeo)  # an open session on another device
    firm = zebedeo.membership.firm
    assert len(_occurrences(EMAIL, FIRST, LAST)) > 5  # the scan does see the copies before

    result = gdpr.erase_user(user=zebedeo)

    assert {key.split(":")[0] for key in _occurrences(EMAIL, FIRST, LAST)} == set(KEPT)
    # Only the legal logs still point at the (anonymised) row.
    assert _links_to(zebedeo.pk) == {"members.Consent.user", "members.DataRequest.user"}
    assert result["kept"] == gdpr.KEPT_KEYS
    assert not Session.objects.exists()
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
        result = gdpr.erase_user(user=zebedeo)

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

    monkeypatch.setattr(gdpr, "_log_completed", fail)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        gdpr.erase_user(user=zebedeo)
    assert Attachment.objects.filter(uploaded_by=zebedeo).exists()
    assert stored_files(media_root) == before


def test_the_erased_person_cannot_log_in():
    user = UserFactory(email=EMAIL, first_name=FIRST, last_name=LAST)
    gdpr.erase_user(user=user)

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

    result = gdpr.erase_user(user=owner)

    first.refresh_from_db()
    assert first.role == Membership.Role.OWNER
    assert result["firm"] == {"firm_id": firm.pk, "promoted_membership_id": first.pk}
    assert firm.memberships.filter(role=Membership.Role.OWNER).count() == 1


def test_erasing_the_only_member_keeps_the_firm():
    owner = member()
    firm = owner.membership.firm
    gdpr.erase_user(user=owner)
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


def test_privacy_pages_need_login_post_and_csrf(client):
    login_page = reverse("account_login")
    consent = reverse("privacy:consent")
    erase = reverse("privacy:erase")
    for url in [reverse("privacy:index"), reverse("privacy:export"), erase]:
        assert client.get(url)["Location"].startswith(login_page), url
    assert client.post(erase, {"email": EMAIL})["Location"].startswith(login_page)
    user = UserFactory(newsletter_consent=True)
    strict = login(user, enforce_csrf_checks=True)
    assert strict.post(consent, {"kind": "newsletter", "granted": "0"}).status_code == 403
    assert strict.post(erase, {"email": user.email, "password": PASSWORD}).status_code == 403
    assert login(user).get(consent).status_code == 405
    user.refresh_from_db()
    assert user.newsletter_consent
    assert user.is_active


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


def test_dashboard_links_to_the_privacy_page(owner_client):
    page = owner_client.get(reverse("my_firm")).content.decode()
    assert f'href="{reverse("privacy:index")}"' in page


def test_join_request_notification_is_a_real_copy_of_the_name(zebedeo):
    # Guards the fixture: the scan in the erasure test must have something to find.
    note = Notification.objects.get(kind=kinds.JOIN_REQUEST_RECEIVED.slug)
    assert note.context["person"] == f"{FIRST} {LAST}"
    assert JoinRequest.objects.get(user=zebedeo).status == JoinRequest.Status.DECLINED
    assert Invitation.objects.filter(email__iexact=EMAIL).exists()
    assert ContentType.objects.get_for_model(User).pk == LogEntry.objects.get().content_type_id


# The one test of this app that writes paths as literals, on purpose: people bookmark the page
# where they exercise their data rights. Every other test builds its URLs with reverse().
@pytest.mark.parametrize(
    ("name", "path"),
    [("privacy:index", "/privacy/"), ("privacy:export", "/privacy/esporta.json")],
)
def test_public_paths_stay_as_they_are(name, path):
    assert_public_path(name, path)
