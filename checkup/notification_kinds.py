"""The notifications of the check-up's personal path.

Imported from CheckupConfig.ready, which registers them with notifications.registry. Italian
msgids; the title placeholder holds every language's text (core.translated.translations).
"""

from django.utils.translation import gettext_lazy as _

from notifications.registry import Kind, register_group, register_kind

PATH_NEW_ITEM = register_kind(
    Kind(
        "checkup_path_item",
        _("Novità per il percorso della tua impresa"),
        _("Nuovo nel tuo percorso: %(title)s"),
        _(
            "La Camera ha pubblicato «%(title)s» (%(what)s), che lavora su una lacuna emersa dal "
            "vostro check-up export. Lo trovate nel percorso su «La mia impresa»."
        ),
    )
)

register_group("checkup", _("Check-up e percorso"), [PATH_NEW_ITEM])
