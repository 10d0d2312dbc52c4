"""Test settings: the project's settings plus the N+1 detector.

django-zeal patches the ORM's lazy loaders and raises `NPlusOneError` when one call site loads
a relation row by row (a missing select_related/prefetch_related) or repeats a `.get()`, within
one unit of work: one request (the middleware, first in the chain so it covers the others and
the template rendering, in test-client requests and the browser tests' live server) or one
Celery task (eager in unit tests, or in the real workers of the delivery tests). Test bodies
themselves are not watched: calling a service five times from a test is not an N+1.
"""

from celery.signals import task_postrun, task_prerun

from club.settings import *  # noqa: F403
from club.settings import CACHES, INSTALLED_APPS, MIDDLEWARE

# Production fails fast on a slow Redis (0.2-1 s, then the database answers). A test machine
# under load can stall a reply that long, which would turn a pinned query count into a flake:
# tests wait longer. Redis-down tests use a closed port, refused at once whatever the timeout.
CACHES = {
    alias: {**cache, "OPTIONS": {**cache["OPTIONS"], "socket_timeout": 10}}
    if "socket_timeout" in cache.get("OPTIONS", {})
    else cache
    for alias, cache in CACHES.items()
}

INSTALLED_APPS = [*INSTALLED_APPS, "zeal"]
MIDDLEWARE = [
    "zeal.middleware.zeal_middleware",
    "tests.support.zeal_admin.admin_formset_gets_allowed",
    *MIDDLEWARE,
]

ZEAL_RAISE = True
ZEAL_NPLUSONE_THRESHOLD = 2  # the same lazy load twice is already an N+1

# Library internals, once per login: Django's login deletes the old session with a `.get()` after
# the session middleware loaded it; allauth's login flow looks the email address up twice.
ZEAL_ALLOWLIST = [
    {"model": "sessions.Session", "field": "get()"},
    {"model": "account.EmailAddress", "field": "get()"},
]

_zeal_tokens: dict = {}


@task_prerun.connect(weak=False)
def _zeal_task_start(task_id=None, **kwargs):
    from zeal import setup

    _zeal_tokens[task_id] = setup()


@task_postrun.connect(weak=False)
def _zeal_task_end(task_id=None, **kwargs):
    from zeal import teardown

    teardown(_zeal_tokens.pop(task_id, None))
