from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partner tedeschi: area riservata")

    def ready(self) -> None:
        from core import privacy as registry
        from partners import privacy

        registry.register(privacy.contributor)
