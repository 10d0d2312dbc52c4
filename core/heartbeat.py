"""When a periodic process last ran, kept in the cache (Redis) for the readiness check.

Celery beat records nothing of its own: the outbox sweeper, which beat starts every minute,
stamps BEAT each run, and /health/ready reads its age.
"""

from datetime import datetime

from django.core.cache import cache
from django.utils import timezone

BEAT = "beat"
_KEY = "heartbeat:{name}"
# Kept well beyond any alert threshold, so a stale stamp reads as "old", not as "never".
_KEEP_SECONDS = 7 * 24 * 3600


def stamp(name: str, *, at: datetime | None = None) -> None:
    """Record that `name` ran now (or `at`). Raises if the cache is unreachable."""
    cache.set(_KEY.format(name=name), (at or timezone.now()).timestamp(), _KEEP_SECONDS)


def age_seconds(name: str) -> float | None:
    """Seconds since `name` last stamped, or None if it never did (or the stamp expired)."""
    value = cache.get(_KEY.format(name=name))
    if value is None:
        return None
    return max(0.0, timezone.now().timestamp() - float(value))
