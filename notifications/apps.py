from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifiche")

    def ready(self) -> None:
        from core import privacy
        from notifications.privacy import CONTRIBUTOR as privacy_contributor

        privacy.register(privacy_contributor)
