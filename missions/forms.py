from django import forms
from django.utils.translation import gettext_lazy as _

from missions.models import Meeting, Mission, Question
from missions.services import outcomes


class ApplicationForm(forms.Form):
    """Delegates, goals and the mission's own questions (defined by staff per mission)."""

    delegates = forms.IntegerField(label=_("Numero di delegati"), min_value=1)
    note = forms.CharField(
        label=_("Obiettivi e prodotti da presentare"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        required=False,
        help_text=_("Cosa cercate in Germania e cosa porterete agli incontri."),
    )

    def __init__(self, *args, mission: Mission, **kwargs):
        super().__init__(*args, **kwargs)
        self.mission = mission
        self.fields["delegates"] = forms.IntegerField(
            label=_("Numero di delegati"),
            min_value=1,
            max_value=mission.max_delegates,
            initial=1,
            help_text=_("Al massimo %(n)d per impresa.") % {"n": mission.max_delegates},
        )
        self.questions = list(mission.questions.all())
        for question in self.questions:
            self.fields[f"q_{question.pk}"] = self._field_for(question)

    @staticmethod
    def _field_for(question: Question) -> forms.Field:
        if question.kind == Question.Kind.YES_NO:
            return forms.TypedChoiceField(
                label=question.label,
                choices=[("", "—"), ("sì", _("Sì")), ("no", _("No"))],
                required=question.required,
            )
        if question.kind == Question.Kind.CHOICE:
            options = question.choice_list()
            return forms.ChoiceField(
                label=question.label,
                choices=[("", "—"), *[(o, o) for o in options]],
                required=question.required,
            )
        return forms.CharField(label=question.label, max_length=500, required=question.required)

    def answers(self) -> dict[str, str]:
        return {
            str(q.pk): self.cleaned_data.get(f"q_{q.pk}", "")
            for q in self.questions
            if self.cleaned_data.get(f"q_{q.pk}")
        }


class MeetingRequestForm(forms.Form):
    """A firm's request to meet a partner, from its B2B page."""

    partner = forms.IntegerField(widget=forms.HiddenInput)
    priority = forms.TypedChoiceField(
        label=_("Priorità"),
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        coerce=int,
        initial=3,
    )
    reason = forms.CharField(label=_("Perché volete incontrarli"), max_length=200, required=False)


class OutcomeForm(forms.Form):
    """What came of a meeting, recorded by the firm."""

    outcome = forms.ChoiceField(choices=Meeting.Outcome.choices[1:])
    value_band = forms.ChoiceField(choices=Meeting.ValueBand.choices, required=False)
    note = forms.CharField(max_length=300, required=False)


class PartnerFeedbackForm(forms.Form):
    """The partner's feedback on a meeting (held, interest, next step, a note): the fields only.
    Their rules (not held means no interest nor next step; only after the meeting) are
    outcomes.meeting_partner_feedback's. Staff type it in admin for a partner who never signs in;
    the partner's own form (partners.forms.MeetingFeedbackForm) adds its wording and checks."""

    held = forms.TypedChoiceField(
        label=_("L'incontro si è svolto?"),
        choices=[("yes", _("Sì")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    interest = forms.TypedChoiceField(
        label=_("Interesse del partner"),
        choices=[("", "—"), *Meeting.PartnerInterest.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    next_step = forms.ChoiceField(
        label=_("Prossimo passo"),
        choices=[("", "—"), *Meeting.PartnerNextStep.choices],
        required=False,
    )
    note = forms.CharField(
        label=_("Nota del partner (facoltativa)"),
        max_length=outcomes.PARTNER_NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
