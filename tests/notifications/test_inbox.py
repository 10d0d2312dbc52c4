"""The in-app inbox, the bell, preferences and the one-click opt-out."""

import pytest
from django.test import Client
from django.urls import reverse

from notifications import emails, services
from notifications.models import EmailMode, Notification, Preference
from tests.factories import UserFactory
from tests.support.clients import login
from tests.support.urls import assert_public_path

pytestmark = pytest.mark.django_db


def notify(user, n=0, url=None):
    services.notify(
        recipients=[user],
        kind="join_request_received",
        object_key=f"joinrequest:{n}",
        context={"person": f"Persona {n}", "firm": "Acme", "message": "ciao"},
        url=url or reverse("my_firm"),
    )


def test_bell_shows_the_unread_count_and_the_inbox_lists_items(owner):
    for n in range(3):
        notify(owner, n)
    c = login(owner)
    page = c.get(reverse("my_firm")).content.decode()
    assert 'class="badge unread"' in page
    assert ">3<" in page
    inbox = c.get(reverse("notifications:inbox")).content.decode()
    assert "Persona 2 chiede di unirsi a Acme" in inbox


def test_opening_an_item_marks_it_read_and_goes_to_its_page(owner):
    notify(owner)
    notification = Notification.objects.get()
    response = login(owner).post(reverse("notifications:mark_read", args=[notification.pk]))
    assert response["Location"] == reverse("my_firm")
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_someone_elses_notification_is_404(owner):
    notify(owner)
    notification = Notification.objects.get()
    response = login(UserFactory()).post(reverse("notifications:mark_read", args=[notification.pk]))
    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_external_urls_are_not_followed(owner):
    notify(owner, url="https://evil.example.com/")
    notification = Notification.objects.get()
    response = login(owner).post(reverse("notifications:mark_read", args=[notification.pk]))
    assert response["Location"] == reverse("notifications:inbox")


def test_mark_all_read(owner):
    for n in range(4):
        notify(owner, n)
    other = UserFactory()
    notify(other, 9)
    login(owner).post(reverse("notifications:mark_all_read"))
    assert not Notification.objects.filter(recipient=owner, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=other, read_at__isnull=True).exists()


def test_mark_read_needs_post(owner):
    notify(owner)
    notification = Notification.objects.get()
    url = reverse("notifications:mark_read", args=[notification.pk])
    assert login(owner).get(url).status_code == 405


@pytest.mark.parametrize("count", [1, 30])
def test_inbox_query_count_does_not_grow(owner, count, django_assert_num_queries):
    for n in range(count):
        notify(owner, n)
    c = login(owner)
    c.get(reverse("notifications:inbox"))
    # user, unread count (bell), membership (menu), page count, page rows; the session comes from
    # Redis (core/sessions.py, issue 20: it was one more query)
    with django_assert_num_queries(2):
        response = c.get(reverse("notifications:inbox"))
    assert response.status_code == 200
    assert f"Persona {count - 1} chiede di unirsi a Acme" in response.content.decode()


def test_preferences_choose_email_mode_per_kind_and_language(owner):
    c = login(owner)
    form = c.get(reverse("notifications:preferences")).content.decode()
    assert "Richieste di adesione alla tua impresa" in form
    data = {"language": "de"}
    from notifications import registry

    for kind in registry.kinds():
        data[f"kind_{kind.slug}"] = "immediate"
    data["kind_join_request_received"] = "off"
    data["kind_announcement"] = "digest"
    c.post(reverse("notifications:preferences"), data)

    modes = dict(Preference.objects.filter(user=owner).values_list("kind", "email"))
    assert modes["join_request_received"] == EmailMode.OFF
    assert modes["announcement"] == EmailMode.DIGEST
    owner.refresh_from_db()
    assert owner.language == "de"
    notify(owner)
    assert Notification.objects.get().email_status == Notification.EmailStatus.SKIPPED


def test_bad_preference_value_is_a_form_error_and_changes_nothing(owner):
    response = login(owner).post(
        reverse("notifications:preferences"), {"language": "fr", "kind_announcement": "sometimes"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Preference.objects.exists()


def test_one_click_unsubscribe_works_without_login_or_csrf(owner):
    token = emails.unsubscribe_token(user_id=owner.pk, kind="announcement")
    anonymous = Client(enforce_csrf_checks=True)
    url = reverse("notifications:unsubscribe", args=[token])
    page = anonymous.get(url)
    assert page.status_code == 200
    assert not Preference.objects.exists()  # GET only asks

    response = anonymous.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert Preference.objects.get(user=owner, kind="announcement").email == EmailMode.OFF


@pytest.mark.parametrize("token", ["garbage", "eyJ1IjoxLCJrIjoiYW5ub3VuY2VtZW50In0:1:bad"])
def test_forged_unsubscribe_token_is_404(client, token):
    assert client.post(reverse("notifications:unsubscribe", args=[token])).status_code == 404
    assert not Preference.objects.exists()


def test_inbox_needs_login(client):
    response = client.get(reverse("notifications:inbox"))
    assert response["Location"].startswith(reverse("account_login"))


# The one test of this app that writes paths as literals, on purpose: every mail sent carries the
# preferences and one-click unsubscribe links. Every other test builds its URLs with reverse().
@pytest.mark.parametrize(
    ("name", "args", "path"),
    [
        ("notifications:inbox", [], "/notifiche/"),
        ("notifications:preferences", [], "/notifiche/preferenze/"),
        ("notifications:unsubscribe", ["t0k3n"], "/notifiche/disattiva/t0k3n/"),
    ],
)
def test_public_paths_stay_as_they_are(name, args, path):
    assert_public_path(name, path, *args)


def test_the_cached_inbox_items_follow_reading_and_carry_the_readers_token(owner):
    """The items are cached cards (notifications.views.inbox): reading one shows at once, and
    each form has the reader's CSRF token, not a cached one."""
    import re

    notify(owner, 1, url="/")
    notification = Notification.objects.get()
    c = login(owner, enforce_csrf_checks=True)
    inbox = reverse("notifications:inbox")
    first = c.get(inbox).content.decode()
    assert first.count('<span class="badge unread">nuova</span>') == 1
    assert "cardcsrf" not in first
    action = reverse("notifications:mark_read", args=[notification.pk])
    form = first[first.index(f'action="{action}"') :]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
    assert token
    assert c.post(action, {"csrfmiddlewaretoken": token[1]}).status_code == 302
    again = c.get(inbox).content.decode()
    assert '<span class="badge unread">nuova</span>' not in again
    assert "Apri" in again  # an item with a link keeps its button
    notify(owner, 2)
    assert "Persona 2 chiede di unirsi a Acme" in c.get(inbox).content.decode()
