from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MissionsConfig(AppConfig):
    name = "missions"
    verbose_name = _("Missioni")

    def ready(self) -> None:
        # Plug into the registries of the apps below (docs/architecture.md, "Registries").
        from core import privacy
        from core.fragment_cache import watch_reference_data
        from missions import notification_kinds  # noqa: F401 (importing it registers the kinds)
        from missions.models import City
        from missions.privacy import CONTRIBUTOR

        privacy.register(CONTRIBUTOR)
        watch_reference_data(City)
