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


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleans to a list (empty when none is chosen)."""

    def clean(self, data, initial=None) -> list:
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items if item]


class AttachmentsForm(forms.Form):
    """New attachments of a post; their content is checked by board.services."""

    # The metaclass moves declared fields into base_fields, so no class attribute shadows the
    # form's uploaded `files`; django-stubs sees one.
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("Allegati (facoltativo)"),
        required=False,
        help_text=_("Fino a 3 file per post: PDF, PNG o JPEG, al massimo 5 MB ciascuno."),
        # A hint for the file picker only: the server decides by the file's content.
        widget=MultipleFileInput(
            attrs={"multiple": True, "accept": "application/pdf,image/png,image/jpeg"}
        ),
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Commento"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
    parent = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=2**63 - 1
    )


# The largest primary key PostgreSQL's bigint holds: a larger id is a form error, not a 500.
MAX_ID = 2**63 - 1


class ReportForm(forms.Form):
    reason = forms.CharField(label=_("Motivo della segnalazione"), max_length=300)
    # A comment of the post, when the report is about one comment rather than the post.
    comment = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=MAX_ID
    )


class FollowForm(forms.Form):
    """What to follow or stop following: `tag:<id>`, `post:<id>` or `mentor:<id>`."""

    target = forms.RegexField(regex=r"\A(tag|post|mentor):[0-9]{1,18}\Z", max_length=30)
    next = forms.CharField(required=False, max_length=2000)

    def clean_target(self) -> tuple[str, int]:
        kind, _sep, raw_id = self.cleaned_data["target"].partition(":")
        return kind, int(raw_id)


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
