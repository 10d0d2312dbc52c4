"""core/sessions.py: a logged-out session key stays dead though a concurrent request that read
the session before the logout fills the cache afterwards, and a Redis refusing a command degrades
like a Redis down."""

from unittest import mock

import pytest
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from redis.exceptions import ResponseError

from core.sessions import SessionStore
from tests.factories import member
from tests.support.clients import login

pytestmark = [pytest.mark.django_db, pytest.mark.urls("benchmarks.bench_urls")]


def _logged_in_key() -> tuple[Client, str]:
    client = login(member())
    assert client.get("/hello/").status_code == 200
    return client, client.cookies["sessionid"].value


def test_a_stale_cache_fill_after_logout_does_not_revive_the_session():
    """Request B misses the cache and reads the row; a logout deletes row and cached copy; then B
    fills the cache with what it read. The key must stay dead."""
    client, key = _logged_in_key()
    cache = caches["sessions"]
    cache.delete(SessionStore.cache_key_prefix + key)  # B's cache miss
    request_b = SessionStore(key)
    real_read = request_b._get_session_from_db

    def read_then_logout():
        row = real_read()  # B has read the row...
        assert row is not None
        assert client.post(reverse("account_logout")).status_code == 302  # ...then the logout
        return row

    with mock.patch.object(request_b, "_get_session_from_db", side_effect=read_then_logout):
        assert request_b.load()  # B still sees the data it read, but must not cache it

    assert not Session.objects.filter(session_key=key).exists()
    assert SessionStore(key).load() == {}
    assert not SessionStore().exists(key)
    stale = Client()
    stale.cookies["sessionid"] = key
    assert stale.get("/hello/").status_code == 302


def test_a_stale_cache_add_after_logout_is_refused():
    client, key = _logged_in_key()
    cache = caches["sessions"]
    old_data = SessionStore(key).load()
    assert old_data
    client.post(reverse("account_logout"))
    assert not cache.add(SessionStore.cache_key_prefix + key, old_data)
    assert SessionStore(key).load() == {}
    assert not SessionStore().exists(key)


def test_a_save_after_logout_fails_at_the_database_and_leaves_the_cache_alone():
    client, key = _logged_in_key()
    request_b = SessionStore(key)
    assert request_b.items()  # loaded (from the cache) before the logout
    client.post(reverse("account_logout"))
    request_b["late"] = 1
    with pytest.raises(UpdateError):
        request_b.save()
    assert SessionStore(key).load() == {}


def test_a_redis_refusing_the_delete_does_not_break_logout(caplog):
    client, key = _logged_in_key()
    cache_client = type(caches["sessions"]._cache)
    with (
        mock.patch.object(cache_client, "set", side_effect=ResponseError("READONLY")),
        mock.patch.object(cache_client, "delete", side_effect=ResponseError("READONLY")),
    ):
        response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    assert "session cache unreachable" in caplog.text


def test_a_redis_refusing_reads_and_writes_serves_the_session_from_the_database():
    client, key = _logged_in_key()
    cache_client = type(caches["sessions"]._cache)
    error = ResponseError("READONLY")
    with (
        mock.patch.object(cache_client, "get", side_effect=error),
        mock.patch.object(cache_client, "add", side_effect=error),
        mock.patch.object(cache_client, "set", side_effect=error),
    ):
        assert client.get("/hello/").status_code == 200
        assert SessionStore(key).load()


def test_an_erasure_tombstones_the_cached_copies():
    """privacy's bulk delete bypasses SessionStore.delete: forget_cached writes the tombstones."""
    from core.sessions import forget_cached

    _, key = _logged_in_key()
    old_data = SessionStore(key).load()
    Session.objects.filter(session_key=key).delete()
    forget_cached([key])
    assert not caches["sessions"].add(SessionStore.cache_key_prefix + key, old_data)
    assert SessionStore(key).load() == {}
    assert not SessionStore().exists(key)
