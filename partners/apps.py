from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partner tedeschi: area riservata")

    def ready(self) -> None:
        from core import privacy as registry
        from missions import partner_events
        from partners import (
            notification_kinds,  # noqa: F401 (importing it registers the kinds)
            privacy,
            services,
        )

        registry.register(privacy.contributor)
        partner_events.register(services.contacts_notify_meeting_request)
