from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifiche")

    def ready(self) -> None:
        # Plug into the registries of the apps below (docs/architecture.md, "Registries").
        from core import privacy
        from core.auth import register_extra
        from notifications import notification_kinds  # noqa: F401 (importing it registers the kinds)
        from notifications.privacy import CONTRIBUTOR
        from notifications.selectors import UNREAD

        privacy.register(CONTRIBUTOR)
        register_extra(UNREAD)  # the bell's count, beside the signed-in user (core/auth.py)
