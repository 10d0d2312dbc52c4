from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifiche")

    def ready(self) -> None:
        from notifications import notification_kinds  # noqa: F401 (the import registers its kinds)
