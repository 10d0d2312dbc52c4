"""The forms of the privacy pages: a consent switch, a data request and the erasure confirmation."""

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from members.models import Consent, DataRequest, User


class ConsentForm(forms.Form):
    # Only the optional consents: the terms are withdrawn by erasing the account.
    kind = forms.ChoiceField(
        choices=[
            (Consent.Kind.DIRECTORY, Consent.Kind.DIRECTORY.label),
            (Consent.Kind.NEWSLETTER, Consent.Kind.NEWSLETTER.label),
        ]
    )
    granted = forms.TypedChoiceField(choices=[("1", "1"), ("0", "0")], coerce=lambda v: v == "1")


class DataRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Che cosa chiedi"),
        choices=DataRequest.Kind.choices,
        initial=DataRequest.Kind.RECTIFICATION,
    )
    note = forms.CharField(
        label=gettext_lazy("Descrivi la richiesta"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Ad esempio: quali dati sono sbagliati e come vanno corretti."),
    )


class EraseForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("Scrivi il tuo indirizzo email per confermare"),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    password = forms.CharField(
        label=gettext_lazy("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip()
        if email.lower() != self.user.email.lower():
            raise forms.ValidationError(_("L'indirizzo non corrisponde a quello del tuo account."))
        return email

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("La password non è corretta."))
        return password
