"""The signed-in user read from Redis: no database round trip per request for the user.

Django's backends load the session's user with a query on every request. These backends keep a
pickled copy of the user in the "default" cache for USER_TTL seconds and read it from there;
everything else (the session hash check, `is_active`, permissions) is Django's, on that copy.

The copy is forgotten:
- on every save or delete of a user (post_save / post_delete, and again once the transaction
  commits, so that a request that read the old row meanwhile cannot keep it);
- by `forget_users(ids)`, which the few bulk `.update()`s of users call, as signals do not fire
  for them;
- after USER_TTL, which bounds a copy made stale by a path that did neither.

An app may keep more per-user data beside the copy (`register_extra`): the membership, say.
`remember_extra` stores it when the app has just read it from the database; the next request
gets it with the user, in the same round trip, as an attribute of the user. The app forgets it
with `forget_users` whenever what it holds changes.

The key holds a digest of the user model's fields, so a release that changes them never
unpickles an old shape. An unreachable Redis is a miss: the user is read from PostgreSQL.

    AUTHENTICATION_BACKENDS = ["core.auth.ModelBackend", "core.auth.AllauthBackend"]
"""

import hashlib
import logging
from collections.abc import Iterable
from contextvars import ContextVar
from typing import Any

from allauth.account.auth_backends import AuthenticationBackend as AllauthAuthenticationBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.core.cache import caches
from django.db import transaction
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

USER_TTL = 5 * 60  # seconds: bounds a stale copy that no signal and no forget_users() cleared
_REDIS_DOWN = (RedisError, OSError)
NONE = "core.auth:none"  # a cached extra whose value is None
_extras: list[str] = []  # attribute names of the extras, in registration order
_shape: str | None = None
# What the session's read brought along (core/sessions.py): (user id, {"": user, attr: extra}),
# raw values as stored, for this request only; reset by every session read.
_prefetched: ContextVar[tuple[str, dict[str, Any]] | None] = ContextVar("prefetched", default=None)


def _key(user_id: Any, attr: str = "") -> str:
    global _shape
    if _shape is None:
        fields = ",".join(f.attname for f in get_user_model()._meta.concrete_fields)
        _shape = hashlib.blake2s(fields.encode(), digest_size=6).hexdigest()
    return f"auth-user:{_shape}:{user_id}:{attr}"


def register_extra(attr: str) -> None:
    """Keep the user's attribute `attr` in the cache beside the user (call from apps.ready)."""
    if attr not in _extras:
        _extras.append(attr)


def remember_extra(user: Any, attr: str, value: Any) -> None:
    """Store an extra just read from the database (never a changed, unsaved object)."""
    if attr not in _extras or user.pk is None:
        return
    try:
        caches["default"].set(_key(user.pk, attr), NONE if value is None else value, USER_TTL)
    except _REDIS_DOWN:
        logger.warning("user cache unreachable: %s not cached", attr)


def prefetch_plan() -> tuple[str, list[str]]:
    """For the session's read (core/sessions.py), which reads the user in the same round trip:
    the full Redis key of a user is prefix + user id + suffix, one suffix per value ("" the
    user, then the extras)."""
    prefix = caches["default"].make_and_validate_key(_key("").removesuffix(":"))
    return prefix, [f":{attr}" for attr in ["", *_extras]]


def set_prefetched(user_id: str | None, raw: list[Any]) -> None:
    """The values read beside the session (raw bytes or None, in prefetch_plan's order)."""
    if user_id is None:
        _prefetched.set(None)
        return
    names = ["", *_extras]
    _prefetched.set((user_id, {names[i]: v for i, v in enumerate(raw) if v is not None}))


def _cached_user(user_id: Any) -> tuple[Any, dict[str, Any]]:
    """The cached user (or None) and the cached extras by attribute name, in one round trip,
    or none if the session's read brought them."""
    cache = caches["default"]
    prefetched = _prefetched.get()
    _prefetched.set(None)
    if prefetched is not None and prefetched[0] == str(user_id):
        loads = cache._cache._serializer.loads  # type: ignore[attr-defined]
        found = {name: loads(raw) for name, raw in prefetched[1].items()}
    else:
        keys = {_key(user_id, attr): attr for attr in ["", *_extras]}
        try:
            found = {keys[k]: v for k, v in cache.get_many(list(keys)).items()}
        except _REDIS_DOWN:
            logger.warning("user cache unreachable: read from the database")
            return None, {}
    extras = {name: None if v == NONE else v for name, v in found.items() if name}
    return found.get(""), extras


def _remember(user: Any) -> None:
    try:
        caches["default"].set(_key(user.pk), user, USER_TTL)
    except _REDIS_DOWN:
        logger.warning("user cache unreachable: not cached")


def _delete(keys: list[str]) -> None:
    try:
        caches["default"].delete_many(keys)
    except _REDIS_DOWN:
        logger.warning("user cache unreachable: cached copies left to expire")


def forget_users(user_ids: Iterable[Any], *, only: str | None = None) -> None:
    """Drop the cached copies of these users (or only their extra `only`), now and once the
    transaction commits."""
    attrs = [only] if only is not None else ["", *_extras]
    keys = [_key(pk, attr) for pk in set(user_ids) if pk is not None for attr in attrs]
    if keys:
        _delete(keys)
        transaction.on_commit(lambda: _delete(keys))


def forget_user(sender: Any, instance: Any, **kwargs: Any) -> None:
    """post_save / post_delete receiver of the user model."""
    forget_users([instance.pk])


class CachedUserMixin:
    def get_user(self, user_id: Any) -> Any:
        user, extras = _cached_user(user_id)
        if user is None:
            model = get_user_model()
            try:
                user = model._default_manager.get(pk=user_id)
            except model.DoesNotExist:
                return None
            _remember(user)
        for attr, value in extras.items():
            setattr(user, attr, value)
        can: Any = self  # user_can_authenticate is the backend's
        return user if can.user_can_authenticate(user) else None


class ModelBackend(CachedUserMixin, DjangoModelBackend):
    pass


class AllauthBackend(CachedUserMixin, AllauthAuthenticationBackend):  # type: ignore[misc]
    pass
