"""Forms of the mission day's pages (they validate; the services write)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from members.models import User


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.email


class DelegateForm(forms.Form):
    """One delegate: a person of the firm (their badge is linked to their account) or the name
    of someone without an account."""

    member = PersonChoiceField(
        label=_("Una persona dell'impresa"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("— scegli —"),
    )
    full_name = forms.CharField(
        label=_("Oppure nome e cognome di chi non ha un account"),
        max_length=150,
        required=False,
    )

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["member"]
        assert isinstance(field, PersonChoiceField)  # noqa: S101 - declared above
        field.queryset = people if people is not None else User.objects.none()

    def clean(self):
        cleaned = super().clean() or {}
        person, name = cleaned.get("member"), " ".join(cleaned.get("full_name", "").split())
        if (person is None) == (not name):
            raise forms.ValidationError(
                _("Scegli un collaboratore dell'impresa o scrivi nome e cognome (uno dei due).")
            )
        cleaned["full_name"] = name
        return cleaned
