from django import forms
from django.utils.translation import gettext_lazy as _

from checkup.models import Question


class PageForm(forms.Form):
    """One page of the check-up: a radio group per question of the dimension.

    Every question may stay unanswered (it then counts 0 points, and the page says so), so the
    firm can move on and come back; a value that is not one of the question's options is a
    field error.
    """

    def __init__(self, *args, questions: list[Question], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[f"q{question.pk}"] = forms.TypedChoiceField(
                label=question.text,
                help_text=question.help,
                choices=[(o.pk, o.text) for o in question.options.all()],
                coerce=int,
                required=False,
                widget=forms.RadioSelect,
                initial=getattr(question, "chosen", None),
                error_messages={"invalid_choice": _("Scegli una delle risposte proposte.")},
            )

    def choices(self) -> dict[int, int]:
        """Question id -> option id, for the questions answered on this page."""
        return {
            question.pk: self.cleaned_data[f"q{question.pk}"]
            for question in self.questions
            if self.cleaned_data.get(f"q{question.pk}") not in (None, "")
        }
