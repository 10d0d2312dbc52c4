from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Soci")

    def ready(self) -> None:
        from core.fragment_cache import watch_reference_data
        from members import notification_kinds  # noqa: F401 (the import registers its kinds)
        from members.models import Sector

        watch_reference_data(Sector)
