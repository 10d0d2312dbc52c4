"""What templates/_form_fields.html needs about a whole form: its errors, in field order, each
with the id of the control it links to (the error summary), and whether it has required fields
(the "* obbligatorio" legend)."""

from dataclasses import dataclass, field

from django import forms, template

register = template.Library()


@dataclass(frozen=True)
class SummaryItem:
    message: str
    label: str = ""
    anchor: str = ""  # the id of the control to focus; empty for errors of the whole form


@dataclass(frozen=True)
class FormSummary:
    errors: list[SummaryItem] = field(default_factory=list)
    has_required: bool = False


def _anchor(bound: forms.BoundField) -> str:
    # Radio buttons and checkbox lists have no single control: link to the first option, as
    # their labels are per option (Django gives them no id_for_label).
    return bound.id_for_label or (f"{bound.auto_id}_0" if bound.auto_id else "")


@register.simple_tag
def form_summary(form: forms.BaseForm | None) -> FormSummary:
    if form is None or not hasattr(form, "visible_fields"):
        return FormSummary()
    visible = form.visible_fields()
    has_required = any(bound.field.required for bound in visible)
    if not form.is_bound or not form.errors:
        return FormSummary(has_required=has_required)
    items = [SummaryItem(message=str(error)) for error in form.non_field_errors()]
    for bound in form.hidden_fields():
        items += [SummaryItem(message=str(error), label=str(bound.label)) for error in bound.errors]
    for bound in visible:
        items += [
            SummaryItem(message=str(error), label=str(bound.label), anchor=_anchor(bound))
            for error in bound.errors
        ]
    return FormSummary(errors=items, has_required=has_required)
