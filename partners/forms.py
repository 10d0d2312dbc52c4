"""The partners' workspace forms: input checked here, written by services."""

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError as StdnumError

from members.models import Firm
from missions.forms import PartnerFeedbackForm
from missions.models import Meeting, Partner, Slot

NACE = re.compile(r"^\d{2}(\.\d{1,2}){0,2}$")


def nace_codes_parse(raw: str) -> list[str]:
    """NACE codes separated by commas (or semicolons), each like 25.62, 23.7 or 10; at most 30.
    Also the partner import's (partners/imports.py) check."""
    codes = [code.strip() for code in re.split(r"[,;]", raw) if code.strip()]
    wrong = [code for code in codes if not NACE.match(code)]
    if wrong:
        raise ValidationError(
            _("Codici NACE non validi: %(codes)s (es. 25.62)"),
            params={"codes": ", ".join(wrong)[:100]},
        )
    if len(codes) > 30:
        raise ValidationError(_("Al massimo 30 codici."))
    return codes


def vat_number_validate(raw: str) -> str:
    """A USt-IdNr (or another EU VAT number) checked with python-stdnum, in its compact form;
    a bare number is German. Empty stays empty. Also the partner import's check."""
    value = raw.strip().upper()
    if not value:
        return ""
    if value[:1].isdigit():
        value = "DE" + value  # a bare USt-IdNr is German
    try:
        return str(eu_vat.validate(value))
    except StdnumError:
        raise ValidationError(
            _("Partita IVA non valida: scrivi la USt-IdNr. completa, es. DE136695976.")
        ) from None


class SignInRequestForm(forms.Form):
    email = forms.EmailField(label=_("Email"), max_length=254)


class SignInConfirmForm(forms.Form):
    accept_terms = forms.BooleanField(
        label=_("Accetto i termini d'uso e l'informativa sulla privacy"), required=False
    )

    def __init__(self, *args: Any, first_sign_in: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if first_sign_in:
            self.fields["accept_terms"].required = True
        else:
            del self.fields["accept_terms"]


class AttendanceForm(forms.Form):
    attending = forms.TypedChoiceField(
        label=_("Partecipate alla missione?"),
        choices=[("yes", _("Sì, partecipiamo")), ("no", _("No, non partecipiamo"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )


class SlotBlockForm(forms.Form):
    slots = forms.ModelMultipleChoiceField(
        label=_("Fasce in cui non siete disponibili"),
        queryset=Slot.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, mission_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["slots"]
        assert isinstance(field, forms.ModelMultipleChoiceField)  # noqa: S101 (narrowing)
        field.queryset = Slot.objects.filter(session__mission_id=mission_id).select_related(
            "session__city"
        )


class PartnerProfileForm(forms.ModelForm):
    languages = forms.MultipleChoiceField(
        label=_("Lingue"),
        choices=Firm.Language.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    nace_codes = forms.CharField(
        label=_("Codici NACE di interesse"),
        required=False,
        max_length=400,
        help_text=_("Separati da virgole, es. 25.62, 23.7, 10"),
    )

    class Meta:
        model = Partner
        fields = ["products_sought", "nace_codes", "languages", "size", "website", "vat_number"]
        labels = {"products_sought": _("Prodotti e servizi cercati")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["nace_codes"] = ", ".join(self.instance.nace_codes)

    def clean_nace_codes(self) -> list[str]:
        return nace_codes_parse(self.cleaned_data["nace_codes"])

    def clean_vat_number(self) -> str:
        return vat_number_validate(self.cleaned_data["vat_number"])


class PartnerMeetingRequestForm(forms.Form):
    """The partner asks to meet a firm: a priority 1-5 and a one-line reason."""

    priority = forms.TypedChoiceField(
        label=_("Priorità"),
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        coerce=int,
        initial=3,
    )
    reason = forms.CharField(
        label=_("Perché volete incontrarli"), max_length=200, required=False, strip=True
    )

    def clean_reason(self) -> str:
        reason: str = self.cleaned_data["reason"]
        if any(char in reason for char in "\r\n\x00\u2028\u2029"):
            raise ValidationError(_("Scrivete il motivo su una sola riga."))
        return reason


class RequestAnswerForm(forms.Form):
    answer = forms.ChoiceField(choices=[("yes", "yes"), ("no", "no")])


class MeetingCancelForm(forms.Form):
    """The partner cancels a meeting: the firm is told the reason."""

    reason = forms.CharField(label=_("Motivo dell'annullamento"), max_length=200, strip=True)

    def clean_reason(self) -> str:
        reason: str = self.cleaned_data["reason"]
        if any(char in reason for char in "\r\n\x00\u2028\u2029"):
            raise ValidationError(_("Scrivete il motivo su una sola riga."))
        return reason


class MeetingFeedbackForm(PartnerFeedbackForm):
    """The partner's feedback on a meeting, after it: held or not; if held, the interest and the
    next step (the firm sees those two); a note for the Camera's staff, which the co-organiser
    who brought the partner (if any) also reads, never the firm."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["interest"].label = _("Il vostro interesse")
        self.fields["note"].label = _("Nota per lo staff della Camera (facoltativa)")
        self.fields["note"].help_text = _(
            "Non è mostrata all'impresa; la legge anche l'eventuale co-organizzatore che vi ha "
            "portato alla missione."
        )

    @classmethod
    def for_meeting(cls, meeting: Meeting, data: Any = None) -> "MeetingFeedbackForm":
        """The form of one meeting on the agenda page (ids unique per meeting), showing the
        feedback already given."""
        initial: dict[str, Any] = {}
        if meeting.partner_feedback_at is not None:
            initial = {
                "held": "yes" if meeting.partner_held else "no",
                "interest": meeting.partner_interest,
                "next_step": meeting.partner_next_step,
                "note": meeting.partner_note,
            }
        return cls(data, initial=initial, auto_id=f"feedback-{meeting.pk}-%s")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("held") is False:
            # Nothing to rate in a meeting that did not take place.
            cleaned["interest"], cleaned["next_step"] = None, ""
        elif cleaned.get("held"):
            if cleaned.get("interest") is None and "interest" not in self.errors:
                self.add_error("interest", _("Indicate il vostro interesse."))
            if not cleaned.get("next_step") and "next_step" not in self.errors:
                self.add_error("next_step", _("Indicate il prossimo passo (anche «Nessuno»)."))
        return cleaned


# --- Co-organisers ------------------------------------------------------------------------------


class CoContactInviteForm(forms.Form):
    """A co-organiser invites a contact of one of its partners on the mission."""

    partner = forms.ModelChoiceField(label=_("Partner"), queryset=Partner.objects.none())
    email = forms.EmailField(label=_("Email"), max_length=254)
    first_name = forms.CharField(label=_("Nome"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Cognome"), max_length=150, required=False)
    role = forms.CharField(label=_("Ruolo nell'organizzazione"), max_length=120, required=False)

    def __init__(self, *args: Any, partners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["partner"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 (narrowing)
        field.queryset = partners


class CoPartnerForm(forms.ModelForm):
    """A co-organiser adds a partner organisation of its own to the mission."""

    class Meta:
        model = Partner
        fields = ["name", "kind", "city", "website", "products_sought"]
        labels = {
            "name": _("Nome dell'organizzazione"),
            "products_sought": _("Prodotti e servizi cercati"),
        }
