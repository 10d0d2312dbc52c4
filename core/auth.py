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
GENERATION_TTL = 24 * 60 * 60  # a user's generation outlives every copy stored under it
_REDIS_DOWN = (RedisError, OSError)
NONE = "core.auth:none"  # a cached extra whose value is None
_extras: list[str] = []  # attribute names of the extras, in registration order
_shape: str | None = None
# What the session's read brought along (core/sessions.py): (user id, generation, {"": user,
# attr: extra}), raw values as stored, for this request only; reset by every session read.
_prefetched: ContextVar[tuple[str, int, dict[str, Any]] | None] = ContextVar(
    "prefetched", default=None
)
GENERATION = "_auth_generation"  # the user object's attribute: the generation it was read at


def _base(user_id: Any) -> str:
    global _shape
    if _shape is None:
        fields = ",".join(f.attname for f in get_user_model()._meta.concrete_fields)
        _shape = hashlib.blake2s(fields.encode(), digest_size=6).hexdigest()
    return f"auth-user:{_shape}:{user_id}"


def _key(user_id: Any, generation: int, attr: str = "") -> str:
    """Copies live under the user's current generation: forgetting bumps it, so a copy read
    from the database before a change and stored after it is never read (no stale refill)."""
    return f"{_base(user_id)}:{generation}:{attr}"


def _generation_key(user_id: Any) -> str:
    return f"{_base(user_id)}:gen"


def register_extra(attr: str) -> None:
    """Keep the user's attribute `attr` in the cache beside the user (call from apps.ready)."""
    if attr not in _extras:
        _extras.append(attr)


def remember_extra(user: Any, attr: str, value: Any) -> None:
    """Store an extra just read from the database for the signed-in user (under the generation
    the user was read at, before this read: a change since then has bumped it)."""
    generation = getattr(user, GENERATION, None)
    if attr not in _extras or user.pk is None or generation is None:
        return
    try:
        caches["default"].set(
            _key(user.pk, generation, attr), NONE if value is None else value, USER_TTL
        )
    except _REDIS_DOWN:
        logger.warning("user cache unreachable: %s not cached", attr)


def prefetch_plan() -> tuple[str, list[str]]:
    """For the session's read (core/sessions.py), which reads the user in the same round trip:
    a user's keys are prefix + user id + ":gen" (the generation) and prefix + user id + ":" +
    generation + suffix, one suffix per value ("" the user, then the extras)."""
    prefix = caches["default"].make_and_validate_key(_base("").removesuffix(":"))
    return prefix + ":", [f":{attr}" for attr in ["", *_extras]]


def set_prefetched(user_id: str | None, generation: int, raw: list[Any]) -> None:
    """The values read beside the session (raw bytes or None, in prefetch_plan's order)."""
    if user_id is None:
        _prefetched.set(None)
        return
    names = ["", *_extras]
    values = {names[i]: v for i, v in enumerate(raw) if v is not None}
    _prefetched.set((user_id, generation, values))


def forget_prefetched(**kwargs: Any) -> None:
    """request_finished: nothing read for one request is used by the next."""
    _prefetched.set(None)


def _cached_user(user_id: Any) -> tuple[Any, dict[str, Any], int | None]:
    """The cached user (or None), the cached extras by attribute name and the generation they
    belong to (None: Redis unreachable, cache nothing)."""
    cache = caches["default"]
    prefetched = _prefetched.get()
    _prefetched.set(None)
    if prefetched is not None and prefetched[0] == str(user_id):
        loads = cache._cache._serializer.loads  # type: ignore[attr-defined]
        found = {name: loads(raw) for name, raw in prefetched[2].items()}
        generation = prefetched[1]
    else:
        try:
            generation = int(cache.get(_generation_key(user_id)) or 0)
            keys = {_key(user_id, generation, attr): attr for attr in ["", *_extras]}
            found = {keys[k]: v for k, v in cache.get_many(list(keys)).items()}
        except _REDIS_DOWN:
            logger.warning("user cache unreachable: read from the database")
            return None, {}, None
    extras = {name: None if v == NONE else v for name, v in found.items() if name}
    return found.get(""), extras, generation


def _remember(user: Any, generation: int) -> None:
    try:
        caches["default"].set(_key(user.pk, generation), user, USER_TTL)
    except _REDIS_DOWN:
        logger.warning("user cache unreachable: not cached")


def _bump(user_ids: list[Any]) -> None:
    cache = caches["default"]
    keys = [cache.make_and_validate_key(_generation_key(pk)) for pk in user_ids]
    try:
        client = cache._cache.get_client(write=True)  # type: ignore[attr-defined]
        pipe = client.pipeline(transaction=False)
        for key in keys:
            pipe.incr(key)
            pipe.expire(key, GENERATION_TTL)
        pipe.execute()
    except _REDIS_DOWN:
        logger.warning("user cache unreachable: cached copies left to expire")


def forget_users(user_ids: Iterable[Any], *, only: str | None = None) -> None:
    """Forget the cached copies of these users, now and once the transaction commits: their
    generation goes up, so every copy stored under the old one (the user and all extras, `only`
    included) is never read again."""
    ids = sorted({pk for pk in user_ids if pk is not None})
    if ids:
        _bump(ids)
        transaction.on_commit(lambda: _bump(ids))


def forget_user(sender: Any, instance: Any, **kwargs: Any) -> None:
    """post_save / post_delete receiver of the user model."""
    forget_users([instance.pk])


class CachedUserMixin:
    def get_user(self, user_id: Any) -> Any:
        user, extras, generation = _cached_user(user_id)
        if user is None:
            extras = {}  # only beside the copy of the user they were stored with
            model = get_user_model()
            try:
                user = model._default_manager.get(pk=user_id)
            except model.DoesNotExist:
                return None
            if generation is not None:
                _remember(user, generation)
        for attr, value in extras.items():
            setattr(user, attr, value)
        if generation is not None:
            setattr(user, GENERATION, generation)
        can: Any = self  # user_can_authenticate is the backend's
        return user if can.user_can_authenticate(user) else None


class ModelBackend(CachedUserMixin, DjangoModelBackend):
    pass


class AllauthBackend(CachedUserMixin, AllauthAuthenticationBackend):  # type: ignore[misc]
    pass
