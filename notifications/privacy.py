"""Notifications' part of the person's data: their inbox and their email preferences; and the
copies of their name in other people's notifications and in broadcasts, scrubbed on erasure.

Registered with core.privacy from NotificationsConfig.ready. The person is the project's user
model (members.User, which this app, below members, does not import).
"""

from typing import Any

from core.privacy import Contributor, Erasure, ErasureStep, iso
from notifications.models import (
    Announcement,
    Broadcast,
    Notification,
    OutgoingEmail,
    Preference,
)


def export_person(user: Any) -> dict[str, Any]:
    return {
        "notifications": [
            {
                "title": n.title(),
                "kind": n.kind,
                "context": n.context,
                "url": n.url,
                "created_at": iso(n.created_at),
                "read_at": iso(n.read_at),
                "email_status": n.get_email_status_display(),
            }
            for n in Notification.objects.filter(recipient=user).order_by("created_at", "pk")
        ],
        "notification_preferences": [
            {"kind": p.kind, "email": p.get_email_display()}
            for p in Preference.objects.filter(user=user).order_by("kind")
        ],
    }


def _delete(erasure: Erasure) -> dict[str, int]:
    # Account emails (verification, reset) still waiting for the worker are not sent any more.
    unsent = OutgoingEmail.objects.filter(to__contains=[erasure.user.email])
    return {
        "notifications": Notification.objects.filter(recipient=erasure.user).delete()[0],
        "notification_preferences": Preference.objects.filter(user=erasure.user).delete()[0],
        "outgoing_emails": unsent.delete()[0],
    }


def _unlink(erasure: Erasure) -> dict[str, int]:
    return {
        "announcements": Announcement.objects.filter(created_by=erasure.user).update(
            created_by=None
        ),
    }


def _scrub(erasure: Erasure) -> dict[str, int]:
    # Notifications that name the person ("Zebedeo Quintavalle asks to join…") and broadcasts.
    return {
        "notifications_of_others": erasure.scrub_rows(Notification.objects.all(), ["context"]),
        "broadcasts": erasure.scrub_rows(Broadcast.objects.all(), ["context"]),
    }


CONTRIBUTOR = Contributor(
    app_label="notifications",
    order=20,
    export_person=export_person,
    erasure={
        ErasureStep.DELETE: _delete,
        ErasureStep.UNLINK: _unlink,
        ErasureStep.SCRUB: _scrub,
    },
    exported={"notifications.Notification", "notifications.Preference"},
    not_exported={
        "notifications.Announcement": "The Club's announcements to all members: the author "
        "writes them for the Club, as staff.",
        "notifications.OutgoingEmail": "Account emails waiting a few seconds for the worker "
        "(one-time links and codes): deleted once sent.",
    },
    erased={
        "notifications.Announcement",  # created_by unlinked
        "notifications.Broadcast",  # the name scrubbed from its context
        "notifications.Notification",  # the person's deleted, the name scrubbed from others'
        "notifications.OutgoingEmail",  # the person's unsent account emails deleted
        "notifications.Preference",  # deleted
    },
)
