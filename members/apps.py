from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Soci")

    def ready(self) -> None:
        # Plug into the registries of the apps below (docs/architecture.md, "Registries").
        from django.db.models.signals import post_delete, post_save

        from core import privacy
        from core.auth import register_extra
        from core.fragment_cache import watch_reference_data
        from members import notification_kinds  # noqa: F401 (importing it registers the kinds)
        from members.access import MEMBERSHIP, forget_membership
        from members.models import Firm, Membership, Sector
        from members.privacy import CONTRIBUTOR

        privacy.register(CONTRIBUTOR)
        watch_reference_data(Sector)
        # The signed-in user's membership is cached beside the user (core/auth.py): every
        # change of a membership, a firm or a sector forgets the copies that show it.
        register_extra(MEMBERSHIP)
        for model in (Membership, Firm, Sector):
            post_save.connect(forget_membership, sender=model, weak=False)
            post_delete.connect(forget_membership, sender=model, weak=False)
