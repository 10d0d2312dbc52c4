from django import forms
from django.utils.translation import gettext_lazy as _

from board.models import MentorProfile, Tag
from missions.models import Mission

EXPERIENCE_TEMPLATE = _(
    "## Mercato\n\n\n## Canale (distributore, agente, vendita diretta, fiera…)\n\n\n"
    "## Cosa ha funzionato\n\n\n## Errori da evitare\n\n"
)


class PostForm(forms.Form):
    title = forms.CharField(label=_("Titolo"), max_length=200)
    body = forms.CharField(
        label=_("Testo"),
        widget=forms.Textarea(attrs={"rows": 14, "data-preview": "post-preview"}),
        max_length=20000,
        help_text=_("Markdown: **grassetto**, *corsivo*, elenchi con -, link [testo](https://…)."),
    )
    tags = forms.ModelMultipleChoiceField(
        label=_("Etichette"),
        queryset=Tag.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    mission = forms.ModelChoiceField(
        label=_("Missione collegata (facoltativo)"),
        queryset=Mission.objects.filter(status__in=["published", "closed"]),
        required=False,
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Commento"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
    parent = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReportForm(forms.Form):
    reason = forms.CharField(label=_("Motivo della segnalazione"), max_length=300)


class MentorshipForm(forms.Form):
    topic = forms.CharField(label=_("Su cosa vi serve aiuto"), max_length=150)
    message = forms.CharField(
        label=_("Messaggio"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )


class MentorProfileForm(forms.ModelForm):
    class Meta:
        model = MentorProfile
        fields = ["markets", "years_exporting", "expertise", "max_open_requests"]
        widgets = {"expertise": forms.Textarea(attrs={"rows": 4})}
