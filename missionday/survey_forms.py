"""The satisfaction survey's form: validation only (the rules are survey_answer's)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from missionday.models.surveys import COMMENT_MAX_LENGTH


class SurveyForm(forms.Form):
    overall = forms.TypedChoiceField(
        label=_("Quanto è probabile che consigli questa missione a un collega?"),
        help_text=_("Da 0 (per niente probabile) a 10 (estremamente probabile)."),
        choices=[(n, str(n)) for n in range(11)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    meetings_usefulness = forms.TypedChoiceField(
        label=_("Quanto sono stati utili gli incontri B2B?"),
        help_text=_("Da 1 (per niente) a 5 (moltissimo)."),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    organisation = forms.TypedChoiceField(
        label=_("Come valuti l'organizzazione della missione?"),
        help_text=_("Da 1 (scarsa) a 5 (ottima)."),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Vuoi aggiungere qualcosa? (facoltativo)"),
        max_length=COMMENT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
