"""Tables of the personal path kept in Redis under a version (the pattern of
core/fragment_cache.py's reference version): every committed change to what a table is built from
bumps its version, so the next read builds it again; nothing is deleted, old entries expire (the
"fragments" cache's TIMEOUT, which also bounds a missed bump: Redis down at the time, or a bulk
load such as seed_large). While Redis is unreachable the tables are built on every read and not
kept. Cache invalidation, not domain logic: checkup/mentors.py and checkup/path.py use it.
"""

import logging
import time
from collections.abc import Callable

from django.core.cache.backends.redis import RedisCache
from django.db import transaction
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from core.fragment_cache import fragments

logger = logging.getLogger(__name__)

_REDIS_DOWN = (RedisConnectionError, RedisTimeoutError, OSError)


class Version:
    """A counter in the "fragments" cache, named `key`."""

    def __init__(self, key: str) -> None:
        self.key = key

    def current(self) -> int | None:
        """The version, or None while Redis is unreachable (then nothing is kept: a table stored
        under a guessed version could outlive a change)."""
        cache = fragments()
        try:
            version: int | None = RedisCache.get(cache, self.key)
            if version is None:
                self._restart(cache)
                version = RedisCache.get(cache, self.key)
        except _REDIS_DOWN:
            logger.warning("fragment cache unreachable: %s tables built, not kept", self.key)
            return None
        return version

    def _restart(self, cache: RedisCache) -> None:
        # Never a version a table already has: start from the clock (evicted, or a new Redis).
        # No timeout: the counter must outlive the tables it versions.
        RedisCache.add(cache, self.key, time.time_ns() // 1000, timeout=None)

    def bump(self) -> None:
        """After the commit: a page built in between would otherwise keep the old table under
        the new version."""
        transaction.on_commit(self._bump)

    def _bump(self) -> None:
        cache = fragments()
        try:
            try:
                RedisCache.incr(cache, self.key)
            except ValueError:  # no counter yet, or evicted
                self._restart(cache)
        except _REDIS_DOWN:
            logger.error("fragment cache unreachable: %s not bumped", self.key)


def cached[T](version: Version, name: str, build: Callable[[], T]) -> T:
    """The table `name` (a key unique to what `build` returns) under the current version: read
    from Redis, else built and kept there."""
    current = version.current()
    if current is None:
        return build()
    cache = fragments()
    key = f"{name}:v{current}"
    found = cache.get(key)
    if found is None:
        found = build()
        cache.set(key, found)
    return found
