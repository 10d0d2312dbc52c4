"""The signed-in user and their membership come from Redis (core/auth.py, members/access.py),
not from one query each per request: every change is seen at the next request, whatever path
wrote it (issue 20)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.models import Membership
from tests.factories import member
from tests.partners.support import invite, partner_on_mission
from tests.support.clients import login

pytestmark = [pytest.mark.django_db, pytest.mark.urls("benchmarks.bench_urls")]

MY_FIRM = "/imprese/la-mia/"


def warm(client) -> None:
    assert client.get("/hello/").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/hello/").status_code == 200
    assert not queries.captured_queries  # served from the cache from now on


def test_a_deactivated_user_is_signed_out_at_the_next_request():
    user = member()
    client = login(user)
    warm(client)
    user.is_active = False
    user.save()
    assert client.get("/hello/").status_code == 302


def test_a_deleted_user_is_signed_out_at_the_next_request():
    user = member()
    client = login(user)
    warm(client)
    Membership.objects.filter(user=user).delete()
    user.delete()
    assert client.get("/hello/").status_code == 302


def test_a_new_password_signs_the_other_sessions_out():
    user = member()
    client = login(user)
    warm(client)
    user.set_password("una-nuova-password-2026")
    user.save()
    assert client.get("/hello/").status_code == 302


def test_a_renamed_firm_shows_at_once():
    user = member(name="Graniti Vecchi S.r.l.")
    client = login(user)
    assert "Graniti Vecchi S.r.l." in client.get(MY_FIRM).content.decode()
    firm = user.membership.firm
    firm.name = "Graniti Nuovi S.r.l."
    firm.save()
    page = client.get(MY_FIRM).content.decode()
    assert "Graniti Nuovi S.r.l." in page
    assert "Graniti Vecchi S.r.l." not in page


def test_a_removed_membership_is_gone_at_once():
    user = member(name="Graniti Vecchi S.r.l.")
    client = login(user)
    assert "Graniti Vecchi S.r.l." in client.get(MY_FIRM).content.decode()
    Membership.objects.filter(user=user).delete()
    assert "Graniti Vecchi S.r.l." not in client.get(MY_FIRM).content.decode()


def test_a_partner_contact_removed_by_a_bulk_update_loses_the_workspace_link(
    django_capture_on_commit_callbacks, eager_celery, mailoutbox
):
    """partners.services.contact_row_deleted flips the user's flag with update(), which sends
    no signal: it forgets the cached user itself."""
    mission, partner, _ = partner_on_mission()
    contact = invite(django_capture_on_commit_callbacks, mission, partner)
    client = login(contact.user)
    warm(client)
    assert "Area partner" in client.get(reverse("partners:home")).content.decode()
    contact.delete()
    assert client.get(reverse("home")).status_code == 200
    assert "Area partner" not in client.get(reverse("home")).content.decode()


def test_users_are_read_from_the_database_while_redis_is_unreachable(settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:9/0"},
    }
    client = login(member(name="Graniti Vecchi S.r.l."))
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/hello/").status_code == 200
    assert any('"members_user"' in q["sql"] for q in queries.captured_queries)


def test_the_user_comes_in_the_session_read_round_trip(monkeypatch):
    """core/sessions.py reads the session and the user's cached copy with one script: the user
    cache is not asked again (one Redis round trip and no query for a logged-in hello)."""
    from django.core.cache.backends.redis import RedisCacheClient

    client = login(member())
    warm(client)

    def no_second_read(*args, **kwargs):
        raise AssertionError("the user was read in a second round trip")

    monkeypatch.setattr(RedisCacheClient, "get_many", no_second_read)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/hello/").status_code == 200
    assert not queries.captured_queries


def test_the_bell_counts_a_new_item_and_a_read_one_at_once(eager_celery, mailoutbox):
    """The unread count is cached beside the user (notifications.selectors.unread_count): adding
    an item, reading it and withdrawing one show at the next request."""
    from notifications import services
    from notifications.models import Notification

    user = member()
    client = login(user)
    warm(client)

    def bell() -> str:
        page = client.get(MY_FIRM).content.decode()
        found = re.search(r'<span class="badge unread"[^>]*>(\d+)</span>', page)
        return found[1] if found else "none"

    assert bell() == "none"
    for version in (1, 2):
        services.notify(
            recipients=[user],
            kind="firm_approved",
            object_key="firm:1",
            version=version,
            context={"firm": "Graniti Val Masino S.r.l."},
        )
    assert bell() == "2"
    first = Notification.objects.filter(recipient=user).order_by("pk").first()
    services.mark_read(user=user, notification_id=first.pk)
    assert bell() == "1"
    services.notifications_withdraw(object_keys=["firm:1"])
    assert bell() == "none"


def test_a_copy_read_before_a_change_and_stored_after_it_is_never_read():
    """A request that read the user and the membership just before staff deactivated the user
    and stores them just after (the forget in between) must not put them back: copies live under
    the user's generation, which the forget bumps."""
    from core import auth
    from members.access import MEMBERSHIP

    user = member(name="Graniti Vecchi S.r.l.")
    backend = auth.ModelBackend()
    late = backend.get_user(user.pk)  # request A reads the user (from the database)...
    membership = Membership.objects.select_related("firm").get(user=user)
    deactivated = type(user).objects.get(pk=user.pk)
    deactivated.is_active = False
    deactivated.save()  # ...staff deactivate the user (the forget runs)...
    auth._remember(late, getattr(late, auth.GENERATION))  # ...then A stores what it read
    auth.remember_extra(late, MEMBERSHIP, membership)
    assert backend.get_user(user.pk) is None  # the deactivated row is read, not A's copy


def test_a_session_key_naming_another_entry_is_no_session():
    """The session's user id lives beside it under "<key>:uid": a cookie naming that entry is
    an empty session, not a 500."""
    client = login(member())
    warm(client)
    crafted = type(client)()
    crafted.cookies["sessionid"] = client.cookies["sessionid"].value + ":uid"
    assert crafted.get("/hello/").status_code == 302
