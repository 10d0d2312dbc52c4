"""The person's data in one JSON document (GDPR arts. 15 and 20), from every app's contributor.

Each registered contributor (core.privacy) adds its sections, in its `order`; owners also get
their firm's document, which they can already see in the portal.
"""

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from core.privacy import contributors, iso
from members import consents
from members.models import DataRequest, Firm, Membership, User


def _merge(document: dict[str, Any], sections: dict[str, Any], app_label: str) -> None:
    """Add one contributor's sections; two apps writing the same key is a wiring bug."""
    clash = document.keys() & sections.keys()
    if clash:
        raise ImproperlyConfigured(f"{app_label} exports sections already taken: {sorted(clash)}")
    document.update(sections)


def _export_firm(firm: Firm) -> dict[str, Any]:
    """The firm's document: its profile, team and records, as its owners see them."""
    document: dict[str, Any] = {}
    for contributor in contributors():
        _merge(document, contributor.export_firm(firm), contributor.app_label)
    return document


def export_user_data(*, user: User) -> dict[str, Any]:
    """Everything the portal holds about `user`, JSON-serialisable (art. 15 and 20 GDPR).

    A fixed number of queries whatever the volume: every list is one query with its joins.
    """
    document: dict[str, Any] = {"generated_at": iso(timezone.now())}
    for contributor in contributors():
        _merge(document, contributor.export_person(user), contributor.app_label)
    # Read afresh: members.access.get_membership caches on the user object, which may predate
    # a change made earlier in the same request (or, in tests, in the same fixture).
    membership = Membership.objects.select_related("firm", "firm__sector").filter(user=user).first()
    firm = membership.firm if membership and membership.is_owner else None
    _merge(document, {"firm": _export_firm(firm) if firm else None}, "privacy")
    return document


def export_and_log(*, user: User) -> dict[str, Any]:
    """The self-service download: the export, logged as a completed data request."""
    data = export_user_data(user=user)
    consents.data_request_log_completed(
        user=user, kind=DataRequest.Kind.EXPORT, note="Esportazione self-service"
    )
    return data
