from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BoardConfig(AppConfig):
    name = "board"
    verbose_name = _("Bacheca")

    def ready(self) -> None:
        from board.models import Tag
        from core.fragment_cache import watch_reference_data

        watch_reference_data(Tag)

        from board.privacy import CONTRIBUTOR as privacy_contributor
        from core import privacy

        privacy.register(privacy_contributor)
