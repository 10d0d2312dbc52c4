"""Telling a German partner's people about its B2B requests and meetings.

Partner contacts live in the `partners` app, above this one; it plugs in here from its
AppConfig.ready (the registry pattern of docs/architecture.md). Without a listener (no partner
ever signs in), nothing is sent: staff keep answering for the partner in admin.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from missions.models import MeetingRequest

# event: "requested" (a firm asks to meet the partner), "accepted" / "declined" (a firm answered
# the partner's request), "cancelled" (a firm withdrew). Called inside the writing transaction.
Listener = Callable[["MeetingRequest", str], None]

_listeners: list[Listener] = []


def register(listener: Listener) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def partner_event(request: "MeetingRequest", event: str) -> None:
    for listener in _listeners:
        listener(request, event)
