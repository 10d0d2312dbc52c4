"""Sessions read from Redis, kept in PostgreSQL: no database round trip per request for the
session, and nothing lost or refused while Redis is unreachable.

Django's `cached_db` engine reads the cache first and writes both; this store also survives a
Redis that cannot be reached (a read is a miss served by PostgreSQL, a write or delete is dropped
with a warning), as the architecture promises for every use of Redis but the broker's publishes.

Deleting a session (logout, key rotation at login, erasure) replaces its cached copy by a
tombstone (DELETED) for CACHE_TTL, and a read fills the cache from PostgreSQL only with `add`, so
a request that read the row just before the deletion cannot put the old data back afterwards; a
tombstone reads as no session. Any Redis error (unreachable, read-only, refused command) degrades
as Redis down: the read is a miss, the write or delete is dropped with a warning.

The read also brings the signed-in user from Redis (core/auth.py), in the same round trip: a
small script reads the session's copy, the session's user id (kept beside it by `save`, under
the session's key plus USER_ID_SUFFIX) and that user's cached values. When the two caches are not
the same Redis, the user is read on its own, as before.

A cached copy lives at most CACHE_TTL: if a logout cannot write the tombstone because Redis is
unreachable, and that Redis comes back with its data, the old session key stays usable for at most
that long. PostgreSQL stays the source of truth.

    SESSION_ENGINE = "core.sessions"
"""

import logging
from typing import Any

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore
from django.contrib.sessions.models import Session
from django.core.cache.backends.base import BaseCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

CACHE_TTL = 15 * 60  # seconds: see the module docstring
USER_ID_SUFFIX = ":uid"
# KEYS: the session's copy, its user id. ARGV: the user keys' prefix, then one suffix per value.
# Returns {copy, user id, generation, value...} (core/auth.py's keys); a missing value is false.
READ_WITH_USER = """
local copy = redis.call('GET', KEYS[1])
if not copy then return {} end
local uid = redis.call('GET', KEYS[2])
if not uid then return {copy} end
local base = ARGV[1] .. uid
local gen = redis.call('GET', base .. ':gen') or '0'
local out = {copy, uid, gen}
for i = 2, #ARGV do
  out[i + 2] = redis.call('GET', base .. ':' .. gen .. ARGV[i]) or false
end
return out
"""
_REDIS_DOWN = (RedisError, OSError)  # unreachable, read-only or refusing: degrade alike
_scripts: dict[int, Any] = {}  # READ_WITH_USER registered, per Redis client
DELETED = "core.sessions:deleted"  # the tombstone a deleted session's cached copy becomes


class SessionStore(CachedDBStore):
    # Set or defined by Django's classes; django-stubs does not declare them.
    _cache: BaseCache
    _session: dict[str, Any]

    def _get_session_from_db(self) -> Session | None:
        parent: Any = super()  # _get_session_from_db is not in django-stubs
        row: Session | None = parent._get_session_from_db()
        return row

    def _cache_ttl(self, **kwargs: Any) -> int:
        return max(0, min(CACHE_TTL, self.get_expiry_age(**kwargs)))

    def _read(self) -> Any:
        """The cached copy (or None); the user's cached values go to core.auth on the way."""
        from django.contrib.auth import SESSION_KEY
        from django.core.cache import caches

        from core import auth

        auth.set_prefetched(None, 0, [])
        users = caches["default"]
        if getattr(users, "_server", None) != getattr(self._cache, "_server", None):
            return self._cache.get(self.cache_key)
        key = self._cache.make_and_validate_key(self.cache_key)
        prefix, suffixes = auth.prefetch_plan()
        client: Any = self._cache._cache.get_client(key)  # type: ignore[attr-defined]
        script = _scripts.get(id(client))
        if script is None:  # EVALSHA, with the script sent again only if Redis lost it
            script = _scripts[id(client)] = client.register_script(READ_WITH_USER)
        found = script(keys=[key, key + USER_ID_SUFFIX], args=[prefix, *suffixes])
        if not found:
            return None
        data = self._cache._cache._serializer.loads(found[0])  # type: ignore[attr-defined]
        if len(found) > 2 and isinstance(data, dict):
            user_id = found[1].decode()
            if str(data.get(SESSION_KEY)) == user_id:
                auth.set_prefetched(user_id, int(found[2]), list(found[3:]))
        return data

    def load(self) -> dict[str, Any]:
        try:
            data = self._read()
        except _REDIS_DOWN:
            logger.warning("session cache unreachable: read from the database")
            data = None
        except Exception:  # noqa: BLE001 - as Django's: an invalid key is a fresh session
            data = None
        if data == DELETED:  # deleted in the database too: a new, empty session
            self._session_key = None
            return {}
        if isinstance(data, dict):
            return dict(data)
        if data is not None:  # not a session's copy (a key naming another entry): no session
            self._session_key = None
            return {}
        row = self._get_session_from_db()
        if not row:
            return {}
        data = self.decode(row.session_data)
        try:  # add, not set: a tombstone written since the read above stays
            ttl = self._cache_ttl(expiry=row.expire_date)
            if self._cache.add(self.cache_key, data, ttl):
                self._remember_user_id(data, ttl)
        except _REDIS_DOWN:
            logger.warning("session cache unreachable: not cached")
        return data

    def _remember_user_id(self, data: dict[str, Any], ttl: int) -> None:
        """Beside the session's copy, its user id: what READ_WITH_USER reads the user by."""
        from django.contrib.auth import SESSION_KEY

        user_id = str(data.get(SESSION_KEY, ""))
        if user_id.isdigit():  # an int is stored as its digits (Django's Redis serializer)
            self._cache.set(self.cache_key + USER_ID_SUFFIX, int(user_id), ttl)

    def exists(self, session_key: str) -> bool:
        try:
            data = self._cache.get(self.cache_key_prefix + session_key) if session_key else None
        except _REDIS_DOWN:
            logger.warning("session cache unreachable: exists() asks the database")
            data = None
        if data == DELETED:
            return False
        if data is not None:
            return True
        return super(CachedDBStore, self).exists(session_key)

    def save(self, must_create: bool = False) -> None:
        # A save after a deletion fails at the database update (UpdateError) before this set.
        super(CachedDBStore, self).save(must_create)

        try:
            ttl = self._cache_ttl()
            self._cache.set(self.cache_key, self._session, ttl)
            self._remember_user_id(self._session, ttl)
        except _REDIS_DOWN:
            logger.warning("session cache unreachable: saved to the database only")

    def delete(self, session_key: str | None = None) -> None:
        super(CachedDBStore, self).delete(session_key)
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        try:
            self._cache.set(self.cache_key_prefix + session_key, DELETED, CACHE_TTL)
        except _REDIS_DOWN:
            logger.warning("session cache unreachable: cached copy left to expire")


def forget_cached(session_keys: list[str]) -> None:
    """Tombstone the cached copies of sessions deleted from the database in bulk (an erasure's
    `Session.objects.filter(...).delete()`), which bypasses SessionStore.delete."""
    from django.conf import settings
    from django.core.cache import caches

    if not session_keys or settings.SESSION_ENGINE != __name__:
        return
    try:
        caches[settings.SESSION_CACHE_ALIAS].set_many(
            {SessionStore.cache_key_prefix + key: DELETED for key in session_keys}, CACHE_TTL
        )
    except _REDIS_DOWN:
        logger.warning("session cache unreachable: cached copies left to expire")
