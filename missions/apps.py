from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MissionsConfig(AppConfig):
    name = "missions"
    verbose_name = _("Missioni")

    def ready(self) -> None:
        from core.fragment_cache import watch_reference_data
        from missions.models import City

        watch_reference_data(City)

        from core import privacy
        from missions.privacy import CONTRIBUTOR as privacy_contributor

        privacy.register(privacy_contributor)
