from typing import cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from notifications import registry
from notifications.models import EmailMode


class PreferencesForm(forms.Form):
    """One choice per kind of notification, plus the language of emails."""

    language = forms.ChoiceField(label=_("Lingua delle email"), choices=settings.LANGUAGES)

    def __init__(self, *args, current: dict[str, str], kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in registry.kinds() if kinds is None else kinds:
            self.fields[f"kind_{kind.slug}"] = forms.ChoiceField(
                label=kind.label,
                choices=EmailMode.choices,
                initial=current.get(kind.slug, kind.default_email),
                widget=forms.RadioSelect,
            )

    def modes(self) -> dict[str, str]:
        return {
            name.removeprefix("kind_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("kind_")
        }


class InboxFilterForm(forms.Form):
    """The inbox's GET filter: one group of kinds (missions, board, …) or all of them."""

    group = forms.ChoiceField(label=_("Mostra"), required=False)

    def __init__(self, *args, groups=None, **kwargs):
        super().__init__(*args, **kwargs)
        group = cast(forms.ChoiceField, self.fields["group"])  # `fields` holds plain Fields
        group.choices = [
            ("", _("Tutte le notifiche")),
            *((g.slug, g.label) for g in (registry.groups() if groups is None else groups)),
        ]

    def kinds(self) -> frozenset[str] | None:
        """The kinds to show; None for all (no filter, or a value that is not a group)."""
        if not self.is_valid() or not self.cleaned_data["group"]:
            return None
        return registry.get_group(self.cleaned_data["group"]).kinds
