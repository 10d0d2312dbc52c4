"""Cached HTML fragments in Redis: rendering, not data, is what the list pages spend time on.

- Filter forms: Django renders one template per <option> (the 78 comuni, sectors, tags), 5-8 ms
  a form. Their HTML depends only on the language, the filter values and the reference data, so
  `{% cache %}` keys them on those plus `reference_version()`, which every committed save or
  delete of a sector, city or tag bumps (club/apps.py), from admin or code, and every migrate.
  Only valid choice values are cached (a bounded set); free text such as a search renders
  uncached, so nobody can fill Redis with one form per query (`{% filter_cache %}`).
- Cards of a list (`render_cards`): one round trip fetches every card of the page; only the
  missing ones are rendered. A card's key holds every value it shows that can change.

The "fragments" cache treats an unreachable Redis as a miss: the page renders without its
cache instead of failing (the rate limits in "default" do fail loudly).
"""

import hashlib
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol, cast

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from django.db import transaction
from django.db.models import Model, prefetch_related_objects
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from core.redis_cache import RedisCache as ReusingRedisCache

logger = logging.getLogger(__name__)

REFERENCE_VERSION_KEY = "reference-data-version"
_REDIS_DOWN = (RedisConnectionError, RedisTimeoutError, OSError)


class TolerantRedisCache(ReusingRedisCache):
    """RedisCache whose reads miss and writes are dropped while Redis is unreachable.

    Writes keep the cache's TIMEOUT unless told otherwise (DEFAULT_TIMEOUT, as in Django):
    it also bounds how long a fragment stored under a missed version bump can show.
    """

    def get(self, key: Any, default: Any | None = None, version: int | None = None) -> Any:
        try:
            return super().get(key, default, version)
        except _REDIS_DOWN:
            logger.warning("fragment cache unreachable: get %s is a miss", key)
            return default

    def set(
        self,
        key: Any,
        value: Any,
        timeout: float | None = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> None:
        try:
            super().set(key, value, timeout, version)
        except _REDIS_DOWN:
            logger.warning("fragment cache unreachable: set %s dropped", key)

    def get_many(self, keys: Iterable[Any], version: int | None = None) -> dict[Any, Any]:
        try:
            return super().get_many(keys, version)
        except _REDIS_DOWN:
            logger.warning("fragment cache unreachable: get_many is a miss")
            return {}

    def set_many(
        self,
        data: dict[Any, Any],
        timeout: float | None = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> list[Any]:
        try:
            return super().set_many(data, timeout, version)
        except _REDIS_DOWN:
            logger.warning("fragment cache unreachable: set_many dropped")
            return list(data)


class Card(Protocol):
    """What a card is rendered from: a model instance, or any object with a stable `pk` (a
    selector's row wrapping one)."""

    @property
    def pk(self) -> Any: ...


def render_cards[M: Card](
    items: Sequence[M],
    *,
    template_name: str,
    name: str,
    state: Callable[[M], tuple[object, ...]],
    prefetch: Sequence[str] = (),
    context: Callable[[M], dict[str, object]] | None = None,
    csrf_token: str | None = None,
) -> list[SafeString]:
    """The HTML of each item rendered with `template_name` (context: `name` = the item), taken
    from the fragment cache in one round trip when possible.

    `state(item)` must return every value the card shows that can change (an edit time, counts,
    related names), so a changed item gets a new key; the language and the reference-data
    version are added here. Only missing cards are rendered, after `prefetch` is applied to
    them alone (model instances only). Card templates get no request: nothing per-user goes
    in a card. `context(item)`, if given, adds values to the card's context: the viewer's
    permissions as booleans (may edit, may choose the answer), never who the viewer is; each
    must be in `state` too, so viewers with other permissions get other cards.

    A card with forms gets `csrf_token`, the page's token: `{% csrf_token %}` renders a
    placeholder input in the cached card, replaced by the token's input on the way out (a
    cached card holds nobody's token).
    """
    language = get_language()
    reference = reference_version()

    def render(item: M) -> SafeString:
        values: dict[str, object] = {name: item, **(context(item) if context else {})}
        if csrf_token is not None:
            values["csrf_token"] = _csrf_placeholder()
        return render_to_string(template_name, values)

    if reference is None:  # Redis cannot tell the version: render everything, cache nothing
        if prefetch:
            prefetch_related_objects(cast(list[Model], list(items)), *prefetch)
        return _with_csrf([render(item) for item in items], csrf_token)

    def key(item: M) -> str:
        raw = repr((template_name, language, reference, item.pk, state(item)))
        return f"card:{hashlib.sha256(raw.encode()).hexdigest()}"

    keys = [key(item) for item in items]
    cache = fragments()
    found = cache.get_many(keys) if keys else {}
    missing = [(item, k) for item, k in zip(items, keys, strict=True) if k not in found]
    if missing:
        if prefetch:
            prefetch_related_objects(cast(list[Model], [item for item, _ in missing]), *prefetch)
        rendered = {k: render(item) for item, k in missing}
        cache.set_many(rendered)
        found.update(rendered)
    # render_to_string returns SafeString, and pickling through Redis keeps the class: the
    # template prints the card as it was rendered (autoescaped inside), without re-escaping.
    return _with_csrf([found[k] for k in keys], csrf_token)


def _csrf_placeholder() -> str:
    # Derived from the secret key: nobody can write it into a post. Even so, only a whole
    # hidden <input> with it is replaced, which the board's sanitiser never lets through.
    digest = hashlib.sha256(f"card-csrf:{settings.SECRET_KEY}".encode()).hexdigest()
    return f"cardcsrf{digest[:32]}"


def _csrf_input(token: str) -> str:
    return str(format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token))


def _with_csrf(cards: list[SafeString], csrf_token: str | None) -> list[SafeString]:
    if csrf_token is None:
        return cards
    placeholder, real = _csrf_input(_csrf_placeholder()), _csrf_input(csrf_token)
    # The card was safe already and the token's input is escaped by format_html, exactly like
    # {% csrf_token %}'s: nothing unescaped goes in.
    return [SafeString(card.replace(placeholder, real)) for card in cards]  # nosec B703 B308


def fragments() -> RedisCache:
    # A TolerantRedisCache (settings.CACHES); the version counter below calls RedisCache's own
    # methods on it, which raise while Redis is down instead of missing.
    return cast(RedisCache, caches["fragments"])


def reference_version() -> int | None:
    """The current version of the reference data, or None while Redis is unreachable (then
    nothing is cached: a fragment stored under a guessed version could outlive a change)."""
    cache = fragments()
    try:
        version: int | None = RedisCache.get(cache, REFERENCE_VERSION_KEY)
        if version is None:
            _restart_version(cache)
            version = RedisCache.get(cache, REFERENCE_VERSION_KEY)
    except _REDIS_DOWN:
        return None
    return version


def _restart_version(cache: RedisCache) -> None:
    # Never a version a fragment already has: start from the clock (the counter was evicted, or
    # this is a new Redis). No timeout: the counter must outlive the fragments it versions.
    RedisCache.add(cache, REFERENCE_VERSION_KEY, time.time_ns() // 1000, timeout=None)


def bump_reference_version(**kwargs: object) -> None:
    """Receiver of post_save/post_delete of the reference models (`watch_reference_data`) and
    of post_migrate (core/apps.py). After the commit: a page rendered in between would
    otherwise store the old names under the new version."""
    transaction.on_commit(_bump)


def watch_reference_data(*models: type[Model]) -> None:
    """Bump the version on any committed change to these models, from admin or code.

    Each app calls it from its AppConfig.ready for the reference data (sectors, cities, tags)
    that cached filter forms and cards are built from. Cache invalidation, not domain logic.
    """
    from django.db.models.signals import post_delete, post_save

    for model in models:
        post_save.connect(bump_reference_version, sender=model, weak=False)
        post_delete.connect(bump_reference_version, sender=model, weak=False)


def _bump() -> None:
    cache = fragments()
    try:
        try:
            RedisCache.incr(cache, REFERENCE_VERSION_KEY)
        except ValueError:  # no counter yet, or evicted
            _restart_version(cache)
    except _REDIS_DOWN:
        # Not silent: cached filter forms and cards may show the old names until they expire.
        logger.error("fragment cache unreachable: reference data changed, version not bumped")
