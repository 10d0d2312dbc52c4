"""The readiness checks. Each returns its JSON entry: {"ok": bool, ...}, never personal data.

A check catches every failure of the part it checks and says so in a few fixed words: the answer
is public, so no host names, addresses or exception texts.
"""

import logging
from collections.abc import Callable

import redis
from celery import current_app
from django.conf import settings
from django.db import connection

from core import heartbeat
from notifications import selectors as notification_selectors

logger = logging.getLogger(__name__)
Entry = dict[str, object]


def database() -> Entry:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True}


def redis_server() -> Entry:
    timeout = settings.HEALTH_REDIS_TIMEOUT
    client = redis.Redis.from_url(
        settings.REDIS_URL, socket_connect_timeout=timeout, socket_timeout=timeout
    )
    try:
        client.ping()
    finally:
        client.close()
    return {"ok": True}


def celery_worker() -> Entry:
    # The project's app (club/celery.py, loaded with Django); health sits below club.
    replies = current_app.control.ping(timeout=settings.HEALTH_CELERY_TIMEOUT, limit=1)
    if not replies:
        return {"ok": False, "error": "no worker answered"}
    return {"ok": True}


def beat() -> Entry:
    age = heartbeat.age_seconds(heartbeat.BEAT)
    if age is None:
        return {"ok": False, "error": "beat has not run"}
    entry: Entry = {"ok": age <= settings.HEALTH_BEAT_MAX_AGE, "age_seconds": round(age)}
    if not entry["ok"]:
        entry["error"] = "beat's last run is too old"
    return entry


def outbox() -> Entry:
    age = notification_selectors.oldest_pending_age_seconds()
    entry: Entry = {
        "ok": age <= settings.HEALTH_OUTBOX_MAX_AGE,
        "oldest_pending_seconds": round(age),
    }
    if not entry["ok"]:
        entry["error"] = "emails wait too long"
    return entry


READY: dict[str, Callable[[], Entry]] = {
    "database": database,
    "redis": redis_server,
    "celery": celery_worker,
    "beat": beat,
    "outbox": outbox,
}


def run(name: str, check: Callable[[], Entry]) -> Entry:
    try:
        return check()
    except Exception:
        logger.warning("Health check %s failed", name, exc_info=True)
        return {"ok": False, "error": "unavailable"}
