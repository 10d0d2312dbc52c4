from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MissionDayConfig(AppConfig):
    name = "missionday"
    verbose_name = _("Giornata di missione")

    def ready(self) -> None:
        # Plug into the registries of the apps below (docs/architecture.md, "Registries").
        from core import privacy
        from missionday import notification_kinds  # noqa: F401 (importing it registers the kinds)
        from missionday.privacy import CONTRIBUTOR

        privacy.register(CONTRIBUTOR)
