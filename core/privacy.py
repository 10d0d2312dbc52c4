"""The registry of privacy contributors: each app declares the personal data it holds.

The privacy app exports and erases a person's data (GDPR arts. 15, 17 and 20), but that data is
spread over every app. Rather than one module that knows every table, each app registers a
`Contributor` from its `AppConfig.ready`: the sections it adds to the export of a person and of
their firm, the steps it runs when the person is erased, what it keeps and why, and the models it
has accounted for. tests/privacy/test_completeness.py fails when a model with a foreign key to the
user or the firm is accounted for by no contributor.

It lives in core, not in privacy/, because the lower apps (notifications, members) register here
and may not import the privacy app, which sits above them.
"""

import re
from collections.abc import Callable, Mapping, Sequence, Set
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, NamedTuple

from django.db.models import Q, QuerySet
from django.utils.functional import Promise


class ErasureStep(StrEnum):
    """The steps every contributor may take part in, in the order they run.

    Each value names the step's part of the summary that `erase_user` returns.
    """

    DELETE = "deleted"  # rows that are only about the person
    UNLINK = "unlinked"  # records that stay (the firm's, the Club's) lose their link to the person
    SCRUB = "scrubbed"  # copies of the name or email in other people's rows
    HISTORY = "history"  # audit-trail rows; last, because the steps before write some


class KeptRecord(NamedTuple):
    """What survives an erasure and why, shown to the person before and after erasing.

    A tuple, so templates unpack it: `{% for key, label, reason in kept %}`.
    """

    key: str
    label: str | Promise
    reason: str | Promise


@dataclass(frozen=True)
class Erasure:
    """The person being erased, as the contributors' erasure steps see them.

    `user` is the members.User row, locked for the whole erasure (core cannot name the model).
    `needles` are the strings that identify the person in free text (email, full name);
    `replacement` takes their place. `emptied_firm_id` names the firm left without members.
    """

    user: Any
    needles: tuple[str, ...]
    replacement: str
    # The id of the firm the person was the last member of (it has nobody left: the apps that
    # hold something for the firm, such as seats on missions, release it), else None.
    emptied_firm_id: int | None = None
    # False for an account that never confirmed its address (the retention purge): the address
    # and name are whatever the sign-up typed, maybe someone else's, so steps keyed on them
    # (other people's rows) must leave those rows alone.
    identity_confirmed: bool = True

    def scrub_rows(self, queryset: QuerySet[Any], fields: Sequence[str]) -> int:
        """Replace the person's name and email in `fields` of the rows that mention them.

        Text and JSON fields; a needle is replaced only as a whole word. Returns the number of
        rows rewritten (one bulk update, no history rows).
        """
        if not self.needles:
            return 0
        patterns = [
            re.compile(rf"(?<!\w){re.escape(needle)}(?!\w)", re.IGNORECASE)
            for needle in self.needles
        ]
        mention = Q()
        for name in fields:
            for needle in self.needles:
                mention |= Q(**{f"{name}__icontains": needle})
        rows = list(queryset.filter(mention).only("pk", *fields))
        for row in rows:
            for name in fields:
                setattr(row, name, _scrub(getattr(row, name), patterns, self.replacement))
        if rows:
            queryset.model._default_manager.bulk_update(rows, list(fields))
        return len(rows)


def _scrub(value: Any, patterns: list[re.Pattern[str]], replacement: str) -> Any:
    if isinstance(value, str):
        for pattern in patterns:
            value = pattern.sub(replacement, value)
        return value
    if isinstance(value, list):
        return [_scrub(v, patterns, replacement) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v, patterns, replacement) for k, v in value.items()}
    return value


# An erasure step: does its part for the person, returns {summary key: rows affected}.
ErasureAction = Callable[[Erasure], dict[str, int]]


def _no_sections(_subject: Any) -> dict[str, Any]:
    return {}


@dataclass(frozen=True, eq=False)
class Contributor:
    """What one app holds about a person and their firm, and what an erasure does to it.

    Models are named by label, "app_label.ModelName", history and many-to-many tables included
    (e.g. "members.HistoricalFirm", "members.User_groups").
    """

    app_label: str
    # Where the app's sections appear in the export, and its kept records on the goodbye page:
    # lower first.
    order: int
    # The person's sections of the export, {key: JSON-serialisable value}; the person is a
    # members.User (core cannot name the model).
    export_person: Callable[[Any], dict[str, Any]] = _no_sections
    # The sections of the firm's document, exported to its owners; the firm is a members.Firm.
    export_firm: Callable[[Any], dict[str, Any]] = _no_sections
    # The app's part in each step of an erasure, all in the erasure's transaction.
    erasure: Mapping[ErasureStep, ErasureAction] = field(default_factory=dict)
    # What survives an erasure and why, in the person's words (the goodbye page).
    kept_records: tuple[KeptRecord, ...] = ()

    # The accounting the completeness test checks: every model with a link to the user or the
    # firm is either exported or not exported for a stated reason, and either erased (deleted,
    # unlinked, scrubbed or anonymised) or kept untouched for a stated reason.
    exported: Set[str] = frozenset()
    not_exported: Mapping[str, str] = field(default_factory=dict)
    erased: Set[str] = frozenset()
    kept: Mapping[str, str] = field(default_factory=dict)


_registry: dict[str, Contributor] = {}


def register(contributor: Contributor) -> None:
    """Add an app's contributor; called from the app's `AppConfig.ready`.

    Registering an app again replaces its contributor, so a second `ready()` is harmless.
    """
    _registry[contributor.app_label] = contributor


def unregister(app_label: str) -> Contributor | None:
    """Remove an app's contributor and return it (tests use this to prove a check can fail)."""
    return _registry.pop(app_label, None)


def contributors() -> list[Contributor]:
    """The registered contributors in their `order` (ties keep the order of registration)."""
    return sorted(_registry.values(), key=lambda contributor: contributor.order)


def iso(value: datetime | None) -> str | None:
    """A date in the export: ISO 8601, or None."""
    return value.isoformat() if value else None
