from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifiche")

    def ready(self) -> None:
        # Plug into the registries of the apps below (docs/architecture.md, "Registries").
        from core import privacy
        from notifications import notification_kinds  # noqa: F401 (importing it registers the kinds)
        from notifications.privacy import CONTRIBUTOR

        privacy.register(CONTRIBUTOR)
