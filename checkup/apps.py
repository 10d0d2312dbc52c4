from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CheckupConfig(AppConfig):
    name = "checkup"
    verbose_name = _("Check-up export")

    def ready(self) -> None:
        # Plug into the registries of the apps below (docs/architecture.md, "Registries").
        from checkup import (
            notification_kinds,  # noqa: F401 (importing it registers the kinds)
            path_tasks,  # noqa: F401 (not named tasks.py: workers learn it here)
        )
        from checkup.mentors import watch_mentor_data
        from checkup.path import watch_catalogue_data
        from checkup.privacy import CONTRIBUTOR
        from core import privacy

        privacy.register(CONTRIBUTOR)
        # The path's shared tables go stale on these changes (cache invalidation).
        watch_mentor_data()
        watch_catalogue_data()
