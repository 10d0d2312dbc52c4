from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Soci")

    def ready(self) -> None:
        # Plug into the registries of the apps below (docs/architecture.md, "Registries").
        from core import privacy
        from core.fragment_cache import watch_reference_data
        from members import notification_kinds  # noqa: F401 (importing it registers the kinds)
        from members.models import Sector
        from members.privacy import CONTRIBUTOR

        privacy.register(CONTRIBUTOR)
        watch_reference_data(Sector)
