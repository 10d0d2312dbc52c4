from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Soci")

    def ready(self) -> None:
        from core.fragment_cache import watch_reference_data
        from members.models import Sector

        watch_reference_data(Sector)

        from core import privacy
        from members.privacy import CONTRIBUTOR as privacy_contributor

        privacy.register(privacy_contributor)
