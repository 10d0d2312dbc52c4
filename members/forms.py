from typing import Any

from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from stdnum.it import iva

from members import consents
from members.models import Firm, Membership


class SignupConsentForm(forms.Form):
    """Extra fields on allauth's sign-up form: name and the three separate consents."""

    # allauth honours field_order on the combined form: consents come last, after passwords.
    field_order = [
        "email",
        "first_name",
        "last_name",
        "password1",
        "password2",
        "accept_terms",
        "directory_consent",
        "newsletter_consent",
    ]

    first_name = forms.CharField(label=_("Nome"), max_length=150)
    last_name = forms.CharField(label=_("Cognome"), max_length=150)
    accept_terms = forms.BooleanField(
        label=_("Accetto i termini d'uso e l'informativa sulla privacy del Club"), required=True
    )
    directory_consent = forms.BooleanField(
        label=_("Desidero comparire nell'elenco dei soci (facoltativo)"), required=False
    )
    newsletter_consent = forms.BooleanField(
        label=_("Desidero ricevere la newsletter del Club (facoltativo)"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accept_terms"].help_text = format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            reverse("terms"),
            _("Leggi i termini d'uso e l'informativa sulla privacy"),
        )

    def signup(self, request, user) -> None:
        # Called by allauth inside its own save of the new user.
        user.first_name = self.cleaned_data["first_name"]
        user.last_name = self.cleaned_data["last_name"]
        user.terms_accepted_at = timezone.now()
        user.terms_version = settings.TERMS_VERSION
        user.directory_consent = self.cleaned_data["directory_consent"]
        user.newsletter_consent = self.cleaned_data["newsletter_consent"]
        # Emails go out in the language the person signed up in.
        user.language = getattr(request, "LANGUAGE_CODE", None) or settings.LANGUAGE_CODE
        user.save()
        # The consent log: proof of what was accepted, and when.
        consents.record_signup_consents(user)


class FirmForm(forms.ModelForm):
    """Validates a firm's profile; used for creation (through a service) and for edits."""

    # Wider than the stored 11 digits: people paste "IT 01234 567890"; clean_vat_number compacts.
    vat_number = forms.CharField(
        label=_("Partita IVA"),
        max_length=20,
        help_text=_("11 cifre, senza il prefisso IT."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    target_markets = forms.MultipleChoiceField(
        label=_("Mercati obiettivo"),
        choices=Firm.Market.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    languages = forms.MultipleChoiceField(
        label=_("Lingue parlate in azienda"),
        choices=Firm.Language.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Firm
        fields = [
            "name",
            "vat_number",
            "ateco_code",
            "sector",
            "comune",
            "website",
            "employees",
            "export_share",
            "target_markets",
            "languages",
            # Each language's column by name (members/translation.py): the plain "description"
            # would edit the language the owner's page happens to be in.
            "description_it",
            "products_it",
            "description_de",
            "products_de",
            "description_en",
            "products_en",
        ]
        widgets = {
            "description_it": forms.Textarea(attrs={"rows": 4}),
            "products_it": forms.Textarea(attrs={"rows": 3}),
            "description_de": forms.Textarea(attrs={"rows": 4, "lang": "de"}),
            "products_de": forms.Textarea(attrs={"rows": 3, "lang": "de"}),
            "description_en": forms.Textarea(attrs={"rows": 4, "lang": "en"}),
            "products_en": forms.Textarea(attrs={"rows": 3, "lang": "en"}),
            "ateco_code": forms.TextInput(attrs={"placeholder": "25.62.00"}),
        }
        labels = {
            "description_it": _("Descrizione"),
            "products_it": _("Prodotti e servizi"),
            "description_de": _("Descrizione in tedesco (facoltativa)"),
            "products_de": _("Prodotti e servizi in tedesco (facoltativi)"),
            "description_en": _("Descrizione in inglese (facoltativa)"),
            "products_en": _("Prodotti e servizi in inglese (facoltativi)"),
        }
        help_texts = {
            "ateco_code": _("Codice ATECO 2007 dell'attività prevalente."),
            "products_it": _("Cosa producete e cosa volete esportare."),
            "description_de": _(
                "Per i partner tedeschi delle missioni; se vuota, vedono la descrizione in "
                "italiano."
            ),
            "description_en": _(
                "Per chi legge il portale in inglese; se vuota, vede la descrizione in italiano."
            ),
            # The model's help text is about the Italian text: not repeated under the others.
            "products_de": "",
            "products_en": "",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The translation columns are nullable; an empty box stays an empty text, as before.
        for name in ("description", "products"):
            for language in ("it", "de", "en"):
                field = self.fields[f"{name}_{language}"]
                if isinstance(field, forms.CharField):
                    field.empty_value = ""

    def clean_vat_number(self) -> str:
        value = iva.compact(self.cleaned_data["vat_number"] or "")
        if value.upper().startswith("IT"):
            value = value[2:]
        if not iva.is_valid(value):
            raise forms.ValidationError(
                _("La partita IVA non è valida: controlla le 11 cifre."), code="invalid_vat"
            )
        return value

    def clean_ateco_code(self) -> str:
        return self.cleaned_data["ateco_code"].strip()

    def validate_unique(self) -> None:
        try:
            # Private ModelForm API (the one its own validate_unique() uses), not in django-stubs.
            exclude = self._get_validation_exclusions()  # type: ignore[attr-defined]
            self.instance.validate_unique(exclude=exclude)
        except forms.ValidationError:
            self.add_error(
                "vat_number",
                _(
                    "Un'impresa con questa partita IVA è già iscritta: "
                    "chiedi di entrare a farne parte."
                ),
            )


class FirmSearchForm(forms.Form):
    q = forms.CharField(label=_("Ragione sociale o partita IVA"), max_length=100, min_length=3)


class JoinRequestForm(forms.Form):
    firm = forms.ModelChoiceField(
        queryset=Firm.objects.exclude(status=Firm.Status.REJECTED), widget=forms.HiddenInput
    )
    message = forms.CharField(
        label=_("Messaggio per il referente (facoltativo)"), max_length=300, required=False
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email del collega"))
    role = forms.ChoiceField(
        label=_("Ruolo"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER
    )


class InvitationActionForm(forms.Form):
    invitation = forms.IntegerField(widget=forms.HiddenInput)


class RoleForm(forms.Form):
    membership = forms.IntegerField(widget=forms.HiddenInput)
    role = forms.ChoiceField(label=_("Ruolo"), choices=Membership.Role.choices)


class MembershipActionForm(forms.Form):
    membership = forms.IntegerField(widget=forms.HiddenInput)


class JoinDecisionForm(forms.Form):
    join_request = forms.IntegerField(widget=forms.HiddenInput)
    accept = forms.TypedChoiceField(
        choices=[("1", "yes"), ("0", "no")], coerce=lambda v: v == "1", widget=forms.HiddenInput
    )


class FirmLogoForm(forms.Form):
    """The logo file; its content is checked by members.services.firm_logo_set."""

    logo = forms.FileField(
        label=_("Nuovo logo"),
        help_text=_(
            "PNG, JPEG o WebP, al massimo 2 MB. Lo riduciamo a 512 × 512 pixel al massimo e "
            "togliamo i metadati (per esempio i dati EXIF)."
        ),
        # A hint for the file picker only: the server decides by the file's content.
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
