from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BoardConfig(AppConfig):
    name = "board"
    verbose_name = _("Bacheca")

    def ready(self) -> None:
        # Plug into the registries of the apps below (docs/architecture.md, "Registries").
        from board import notification_kinds  # noqa: F401 (importing it registers the kinds)
        from board.models import Tag
        from board.privacy import CONTRIBUTOR
        from core import privacy
        from core.fragment_cache import watch_reference_data

        privacy.register(CONTRIBUTOR)
        watch_reference_data(Tag)
