import pytest
from django.test import Client

from tests.factories import StaffFactory, member


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    # Fast hashing only; everything else stays real (PostgreSQL, Redis).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def eager_celery():
    """Run tasks inline when enqueued (unit tests); delivery tests use a real worker."""
    from club.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture(autouse=True)
def _clear_cache():
    # Rate-limit counters live in the real Redis cache: start each test from zero.
    from django.core.cache import cache

    cache.clear()
    return


@pytest.fixture
def owner(db):
    return member()


@pytest.fixture
def owner_client(owner) -> Client:
    client = Client()
    client.force_login(owner)
    return client


@pytest.fixture
def staff(db):
    return StaffFactory()


@pytest.fixture
def staff_client(staff) -> Client:
    client = Client()
    client.force_login(staff)
    return client
