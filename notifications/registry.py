"""The kinds of notification and the audiences of broadcasts, registered by the apps that own them.

notifications is infrastructure at the bottom of the stack: it cannot import the apps that send
notifications, so it keeps no central list. Each app declares its kinds and audiences in its own
`notification_kinds.py` and imports that module from its `AppConfig.ready`, which registers them
here before the first request or task runs. The outbox stores only slugs and audience names.

A kind's `title` is the in-app title and the email subject; `body` the first paragraph of the
email. Both are Italian msgids formatted with the notification's context (%(name)s placeholders).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise  # gettext_lazy's type (Promise at run time)

EMAIL_DEFAULTS = ("immediate", "digest", "off")  # the values of models.EmailMode

Audience = Callable[..., QuerySet[Any, int]]  # keyword parameters -> queryset of user ids


@dataclass(frozen=True)
class Kind:
    slug: str
    label: StrPromise  # shown on the preferences page
    title: StrPromise
    body: StrPromise
    default_email: str = "immediate"  # immediate | digest | off


@dataclass(frozen=True)
class Group:
    """Kinds the inbox shows together and can filter by ("Missioni", "Bacheca", …)."""

    slug: str  # the inbox's ?group= value
    label: StrPromise
    kinds: frozenset[str]
    # Who the group is for, when it has its own kind of reader (the German partners' contacts):
    # those readers see only such groups, everyone else never sees them (`groups_for`).
    only_for: Callable[[Any], bool] | None = None


class UnknownKind(KeyError):
    """A slug no app registered: a programming error, or a row of a kind since removed."""

    def __str__(self) -> str:
        return f"Unknown notification kind {self.args[0]!r}: no app registered it"


class UnknownAudience(KeyError):
    """An audience name no app registered: a programming error."""

    def __str__(self) -> str:
        return f"Unknown notification audience {self.args[0]!r}: no app registered it"


_KINDS: dict[str, Kind] = {}
_AUDIENCES: dict[str, Audience] = {}
_GROUPS: dict[str, Group] = {}


def register_kind(kind: Kind) -> Kind:
    """Make `kind` known to the outbox, the inbox and the preferences page; returns it.

    Slugs are stored in rows and preferences, so two kinds may never share one.
    """
    if kind.slug in _KINDS:
        raise ImproperlyConfigured(f"Notification kind {kind.slug!r} is registered twice")
    if kind.default_email not in EMAIL_DEFAULTS:
        raise ImproperlyConfigured(
            f"Notification kind {kind.slug!r}: default_email must be one of {EMAIL_DEFAULTS}"
        )
    _KINDS[kind.slug] = kind
    return kind


def get_kind(slug: str) -> Kind:
    """The kind registered under `slug`; raises UnknownKind."""
    try:
        return _KINDS[slug]
    except KeyError:
        raise UnknownKind(slug) from None


def kinds() -> tuple[Kind, ...]:
    """Every registered kind, in registration order (apps in INSTALLED_APPS order)."""
    return tuple(_KINDS.values())


def register_group(
    slug: str,
    label: StrPromise,
    kinds: Iterable[Kind],
    *,
    only_for: Callable[[Any], bool] | None = None,
) -> Group:
    """Name a group of registered kinds for the inbox filter; returns it.

    A kind belongs to one group at most, so that the groups split the inbox; a kind in no group
    shows only under "all". `only_for(user)` marks a group for a kind of reader of its own
    (`groups_for`).
    """
    if slug in _GROUPS:
        raise ImproperlyConfigured(f"Notification group {slug!r} is registered twice")
    slugs = frozenset(kind.slug for kind in kinds)
    for slug_ in slugs:
        get_kind(slug_)  # UnknownKind for a kind not registered
        if any(slug_ in group.kinds for group in _GROUPS.values()):
            raise ImproperlyConfigured(f"Notification kind {slug_!r} is in two groups")
    _GROUPS[slug] = Group(slug, label, slugs, only_for)
    return _GROUPS[slug]


def get_group(slug: str) -> Group:
    """The group registered under `slug`; raises KeyError."""
    return _GROUPS[slug]


def groups() -> tuple[Group, ...]:
    """Every registered group, in registration order (apps in INSTALLED_APPS order)."""
    return tuple(_GROUPS.values())


def groups_for(user: Any) -> tuple[Group, ...]:
    """The groups that concern `user`. A reader some group is `only_for` (a German partner's
    contact) gets only those groups: firm, board and Camera notifications never reach them.
    Everyone else gets every group except those."""
    own = tuple(g for g in _GROUPS.values() if g.only_for is not None and g.only_for(user))
    if own:
        return own
    return tuple(g for g in _GROUPS.values() if g.only_for is None)


def kinds_for(user: Any) -> tuple[Kind, ...]:
    """The kinds whose email `user` may choose on the preferences page: those of
    `groups_for(user)`, plus the kinds in no group for readers with no group of their own."""
    shown = groups_for(user)
    slugs = frozenset().union(*(g.kinds for g in shown))
    exclusive = any(g.only_for is not None for g in shown)
    grouped = frozenset().union(*(g.kinds for g in _GROUPS.values()))
    return tuple(
        k for k in _KINDS.values() if k.slug in slugs or (not exclusive and k.slug not in grouped)
    )


def register_audience(name: str, fn: Audience) -> Audience:
    """Name a group of recipients for `services.notify_audience`; returns `fn`.

    `fn` takes the broadcast's JSON params as keyword arguments and returns a queryset of user
    ids. The name is stored in Broadcast rows, so it must stay stable.
    """
    if name in _AUDIENCES:
        raise ImproperlyConfigured(f"Notification audience {name!r} is registered twice")
    _AUDIENCES[name] = fn
    return fn


def get_audience(name: str) -> Audience:
    """The audience registered under `name`; raises UnknownAudience."""
    try:
        return _AUDIENCES[name]
    except KeyError:
        raise UnknownAudience(name) from None
