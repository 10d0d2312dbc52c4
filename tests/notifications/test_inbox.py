"""The in-app inbox, the bell, preferences and the one-click opt-out."""

import pytest
from django.test import Client

from notifications import emails, services
from notifications.models import EmailMode, Notification, Preference
from tests.factories import UserFactory
from tests.support.clients import login

pytestmark = pytest.mark.django_db


def notify(user, n=0, url="/imprese/la-mia/"):
    services.notify(
        recipients=[user],
        kind="join_request_received",
        object_key=f"joinrequest:{n}",
        context={"person": f"Persona {n}", "firm": "Acme", "message": "ciao"},
        url=url,
    )


def test_bell_shows_the_unread_count_and_the_inbox_lists_items(owner):
    for n in range(3):
        notify(owner, n)
    c = login(owner)
    page = c.get("/imprese/la-mia/").content.decode()
    assert 'class="badge unread"' in page
    assert ">3<" in page
    inbox = c.get("/notifiche/").content.decode()
    assert "Persona 2 chiede di unirsi a Acme" in inbox


def test_opening_an_item_marks_it_read_and_goes_to_its_page(owner):
    notify(owner)
    notification = Notification.objects.get()
    response = login(owner).post(f"/notifiche/{notification.pk}/leggi/")
    assert response["Location"] == "/imprese/la-mia/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_someone_elses_notification_is_404(owner):
    notify(owner)
    notification = Notification.objects.get()
    response = login(UserFactory()).post(f"/notifiche/{notification.pk}/leggi/")
    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_external_urls_are_not_followed(owner):
    notify(owner, url="https://evil.example.com/")
    notification = Notification.objects.get()
    assert login(owner).post(f"/notifiche/{notification.pk}/leggi/")["Location"] == "/notifiche/"


def test_mark_all_read(owner):
    for n in range(4):
        notify(owner, n)
    other = UserFactory()
    notify(other, 9)
    login(owner).post("/notifiche/leggi-tutte/")
    assert not Notification.objects.filter(recipient=owner, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=other, read_at__isnull=True).exists()


def test_mark_read_needs_post(owner):
    notify(owner)
    notification = Notification.objects.get()
    assert login(owner).get(f"/notifiche/{notification.pk}/leggi/").status_code == 405


@pytest.mark.parametrize("count", [1, 30])
def test_inbox_query_count_does_not_grow(owner, count, django_assert_num_queries):
    for n in range(count):
        notify(owner, n)
    c = login(owner)
    c.get("/notifiche/")
    # session, user, unread count (bell), membership (menu), page count, page rows
    with django_assert_num_queries(6):
        response = c.get("/notifiche/")
    assert response.status_code == 200
    assert f"Persona {count - 1} chiede di unirsi a Acme" in response.content.decode()


def test_preferences_choose_email_mode_per_kind_and_language(owner):
    c = login(owner)
    form = c.get("/notifiche/preferenze/").content.decode()
    assert "Richieste di adesione alla tua impresa" in form
    data = {"language": "de"}
    from notifications import kinds

    for slug in kinds.KINDS:
        data[f"kind_{slug}"] = "immediate"
    data["kind_join_request_received"] = "off"
    data["kind_announcement"] = "digest"
    c.post("/notifiche/preferenze/", data)

    modes = dict(Preference.objects.filter(user=owner).values_list("kind", "email"))
    assert modes["join_request_received"] == EmailMode.OFF
    assert modes["announcement"] == EmailMode.DIGEST
    owner.refresh_from_db()
    assert owner.language == "de"
    notify(owner)
    assert Notification.objects.get().email_status == Notification.EmailStatus.SKIPPED


def test_bad_preference_value_is_a_form_error_and_changes_nothing(owner):
    response = login(owner).post(
        "/notifiche/preferenze/", {"language": "fr", "kind_announcement": "sometimes"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Preference.objects.exists()


def test_one_click_unsubscribe_works_without_login_or_csrf(owner):
    token = emails.unsubscribe_token(user_id=owner.pk, kind="announcement")
    anonymous = Client(enforce_csrf_checks=True)
    page = anonymous.get(f"/notifiche/disattiva/{token}/")
    assert page.status_code == 200
    assert not Preference.objects.exists()  # GET only asks

    response = anonymous.post(f"/notifiche/disattiva/{token}/", {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert Preference.objects.get(user=owner, kind="announcement").email == EmailMode.OFF


@pytest.mark.parametrize("token", ["garbage", "eyJ1IjoxLCJrIjoiYW5ub3VuY2VtZW50In0:1:bad"])
def test_forged_unsubscribe_token_is_404(client, token):
    assert client.post(f"/notifiche/disattiva/{token}/").status_code == 404
    assert not Preference.objects.exists()


def test_inbox_needs_login(client):
    assert client.get("/notifiche/")["Location"].startswith("/accounts/login/")
