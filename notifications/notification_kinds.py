"""The notifications of the notifications app itself: staff announcements to members.

Imported from NotificationsConfig.ready. Every other kind belongs to the app that sends it and is
registered from that app's own `notification_kinds.py` (see notifications.registry).
"""

from django.utils.translation import gettext_lazy as _

from notifications.registry import Kind, register_group, register_kind

ANNOUNCEMENT = register_kind(
    Kind(
        "announcement",
        _("Comunicazioni della Camera di Commercio"),
        _("%(title)s"),
        _("%(body)s"),
    )
)

register_group("announcements", _("Comunicazioni della Camera"), [ANNOUNCEMENT])
