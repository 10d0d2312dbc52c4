from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partner tedeschi: area riservata")

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        from core import privacy as registry
        from missions import partner_events
        from partners import (
            notification_kinds,  # noqa: F401 (importing it registers the kinds)
            privacy,
            services,
        )
        from partners.models import CoOrganiserMember, PartnerContact

        registry.register(privacy.contributor)
        partner_events.register(services.contacts_notify_meeting_request)
        # The users' flags go with their rows, whatever deletes them (see the receivers).
        post_delete.connect(
            services.contact_row_deleted,
            sender=PartnerContact,
            dispatch_uid="partners_contact_flag",
        )
        post_delete.connect(
            services.co_member_row_deleted,
            sender=CoOrganiserMember,
            dispatch_uid="partners_co_member_flag",
        )
