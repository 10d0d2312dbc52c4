"""What every request pays before any page code runs (issue 20): the logged-in hello view of the
page benchmark (benchmarks/bench_urls.py) under the portal's full middleware."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import member
from tests.support.clients import login

pytestmark = [pytest.mark.django_db, pytest.mark.urls("benchmarks.bench_urls")]


def test_logged_in_hello_queries():
    client = login(member())
    client.get("/hello/")  # the first request after login may refresh the session
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/hello/")
    assert response.status_code == 200
    # Before issue 20: the session row and the user. Now both come from Redis (core/sessions.py,
    # core/auth.py).
    assert [q["sql"] for q in queries.captured_queries] == []


UNREACHABLE = "redis://127.0.0.1:9/0"


def test_sessions_work_while_redis_is_unreachable(settings):
    """The session cache down: logging in, pages, logging out and in again still work (from
    PostgreSQL), as every use of Redis but the broker promises (docs/architecture.md)."""
    settings.CACHES = {
        **settings.CACHES,
        "sessions": {**settings.CACHES["sessions"], "LOCATION": UNREACHABLE},
    }
    user = member()
    client = login(user)
    page = client.get(reverse("notifications:inbox"))
    assert page.status_code == 200
    assert "Esci" in page.content.decode()  # signed in: the header's logout button
    assert client.post(reverse("account_logout")).status_code == 302
    assert client.get(reverse("notifications:inbox")).status_code == 302  # to the login page
    assert login(user).get(reverse("notifications:inbox")).status_code == 200


def test_a_logged_out_session_is_gone_from_the_cache():
    client = login(member())
    assert client.get("/hello/").status_code == 200
    session_key = client.cookies["sessionid"].value
    client.post(reverse("account_logout"))
    stale = Client()
    stale.cookies["sessionid"] = session_key
    assert stale.get("/hello/").status_code == 302


def test_the_redis_caches_reuse_one_client():
    """Django's RedisCache builds a redis.Redis (and its ~170 callbacks) per operation; ours
    builds one per connection pool: no such cost on each request's session read."""
    for alias in ("default", "sessions", "fragments"):
        cache = caches[alias]
        assert cache._cache.get_client() is cache._cache.get_client(write=True)
        cache.set("overhead-probe", 1)
        assert cache.get("overhead-probe") == 1


def test_the_header_counters_cost_nothing_where_no_template_shows_them(rf):
    """The context processors are lazy: a template without the header runs no query, one with
    the bell counts once however often it shows the number."""
    from django.template import engines

    user = member()
    request = rf.get("/")
    request.user = user
    engine = engines["django"]
    with CaptureQueriesContext(connection) as queries:
        assert engine.from_string("ciao").render({}, request) == "ciao"
    assert len(queries) == 0
    bell = (
        "{% if unread_notifications %}{{ unread_notifications }}{% endif %}"
        "|{{ unread_notifications }}"
    )
    with CaptureQueriesContext(connection) as queries:
        assert engine.from_string(bell).render({}, request) == "|0"
    assert len(queries) == 1
