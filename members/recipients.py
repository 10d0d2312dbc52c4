"""Who hears about a firm: its people, for the notifications addressed to the firm.

Missions, the board and members all tell "the firm" about an event by notifying each person of
the firm; this is the one place that knows who that is.
"""

from collections.abc import Iterable, Mapping

from members.models import Firm, Membership
from notifications.services import notify


def firm_recipients(firm: Firm, *, owners_only: bool = False) -> list[int]:
    """The user ids of the firm's people (or only of its owners).

    Uses the firm's memberships when they were prefetched (a fan-out over many firms prefetches
    them once), otherwise one query.
    """
    prefetched = getattr(firm, "_prefetched_objects_cache", {}).get("memberships")
    if prefetched is not None:
        return [m.user_id for m in prefetched if m.is_owner or not owners_only]
    memberships = Membership.objects.filter(firm=firm).order_by()
    if owners_only:
        memberships = memberships.filter(role=Membership.Role.OWNER)
    return list(memberships.values_list("user_id", flat=True))


def notify_firm(
    *,
    firm: Firm,
    kind: str,
    object_key: str,
    version: str | int = 1,
    context: Mapping[str, object] | None = None,
    url: str = "",
    owners_only: bool = False,
    recipients: Iterable[int] | None = None,
) -> int:
    """Tell the firm's people (or its owners) about an event: one notification each.

    `recipients` replaces the lookup when the caller already has the firm's people (two notices
    of one event, one query). Returns what `notifications.services.notify` returns.
    """
    if recipients is None:
        recipients = firm_recipients(firm, owners_only=owners_only)
    return notify(
        recipients=recipients,
        kind=kind,
        object_key=object_key,
        version=version,
        context=context,
        url=url,
    )
