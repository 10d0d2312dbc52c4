from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """GDPR self-service: consents, export, erasure and the data-request queue."""

    name = "privacy"
    verbose_name = _("Privacy")

    def ready(self) -> None:
        from core import privacy
        from privacy.library_data import CONTRIBUTOR as library_contributor

        privacy.register(library_contributor)
