"""Which models link to a person or a firm, and which of them no privacy contributor accounts for.

A model with a foreign key (or one-to-one) to the user or to the firm holds personal data or a
firm's records. Every such model of the project's apps (history and many-to-many tables
included) must be accounted for by some registered contributor (core.privacy), twice: for the
export (exported, or not exported for a stated reason) and for the erasure (erased, or kept
untouched for a stated reason). tests/privacy/test_completeness.py asserts there are no gaps, so a
new model with such a link fails the suite until its app says what happens to it.
"""

from collections.abc import Iterable
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Model

from core.privacy import Contributor
from members.models import Firm


def _is_project_app(path: str) -> bool:
    app_path = Path(path).resolve()
    return app_path.is_relative_to(settings.BASE_DIR) and "site-packages" not in app_path.parts


def _project_models() -> list[type[Model]]:
    return [
        model
        for app_config in apps.get_app_configs()
        if _is_project_app(app_config.path)
        for model in app_config.get_models(include_auto_created=True)
    ]


def linked_models(candidates: Iterable[type[Model]] | None = None) -> list[type[Model]]:
    """The models with a foreign key or one-to-one to the user or the firm, among `candidates`
    (by default every model of the project's apps, history and many-to-many tables included)."""
    targets = {get_user_model(), Firm}
    return [
        model
        for model in (_project_models() if candidates is None else candidates)
        if any(
            field.is_relation and field.concrete and field.related_model in targets
            for field in model._meta.get_fields()
        )
    ]


def coverage_gaps(
    contributors: Iterable[Contributor], models: Iterable[type[Model]] | None = None
) -> dict[str, list[str]]:
    """The labels of the linked models (`models`, by default every one) that the `contributors`
    leave unaccounted for, for the export and for the erasure."""
    contributors = list(contributors)
    for_export = set().union(*(c.exported | c.not_exported.keys() for c in contributors))
    for_erasure = set().union(*(c.erased | c.kept.keys() for c in contributors))
    labels = sorted(model._meta.label for model in (linked_models() if models is None else models))
    return {
        "export": [label for label in labels if label not in for_export],
        "erasure": [label for label in labels if label not in for_erasure],
    }


def declaration_errors(contributors: Iterable[Contributor]) -> list[str]:
    """Declarations that cannot be right: a label that names no model, a reason left empty, or a
    model declared both ways (exported and not exported, erased and kept untouched)."""
    errors = []
    for contributor in contributors:
        declared = (
            contributor.exported
            | contributor.not_exported.keys()
            | contributor.erased
            | contributor.kept.keys()
        )
        for label in sorted(declared):
            try:
                apps.get_model(label)
            except LookupError:
                errors.append(f"{contributor.app_label}: {label} is not a model")
        reasons = {**contributor.not_exported, **contributor.kept}
        for label in sorted(label for label, reason in reasons.items() if not reason.strip()):
            errors.append(f"{contributor.app_label}: {label} has no reason")
        for label in sorted(contributor.exported & contributor.not_exported.keys()):
            errors.append(f"{contributor.app_label}: {label} both exported and not exported")
        for label in sorted(contributor.erased & contributor.kept.keys()):
            errors.append(f"{contributor.app_label}: {label} both erased and kept untouched")
    return errors
