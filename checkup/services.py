"""Every write of the check-up: publishing and copying questionnaires, starting, answering and
completing a firm's check-up.

Invariants:
- A published (or retired) questionnaire never changes: only drafts are edited, and a new
  version is a copy (`questionnaire_copy`). So a check-up's answers keep their meaning.
- One questionnaire is published at a time (a partial unique constraint); publishing retires the
  one before it in the same transaction.
- A firm has at most one check-up in progress (a partial unique constraint); starting again
  continues it. Answers are saved page by page and only to an open check-up, only with an option
  of the question asked, and only for a question of the check-up's own version.
"""

from collections.abc import Mapping
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from checkup.models import Answer, CheckUp, Dimension, Option, Question, Questionnaire
from checkup.scoring import DimensionSpec, QuestionSpec, Result, score
from core.errors import DomainError
from members.models import Firm, User


class CheckUpError(DomainError):
    """A check-up or questionnaire change the rules refuse; the message says why."""


# --- Questionnaires (staff, from admin actions) -------------------------------------------------


def questionnaire_copy(*, questionnaire_id: int) -> Questionnaire:
    """A new draft with the next version number and the same dimensions, questions and options,
    in every language."""
    with transaction.atomic():
        source = Questionnaire.objects.get(pk=questionnaire_id)
        # Locks the newest version so two copies do not take the same number.
        last = Questionnaire.objects.select_for_update().order_by("-version").first()
        version = (last.version if last else 0) + 1
        draft = Questionnaire.objects.create(version=version)
        dims = Dimension.objects.filter(questionnaire=source).prefetch_related(
            Prefetch("questions", queryset=Question.objects.prefetch_related("options"))
        )
        for dim in dims:
            new_dim = Dimension.objects.create(
                questionnaire=draft,
                code=dim.code,
                order=dim.order,
                weight=dim.weight,
                **_copy(dim, ("name", "advice")),
            )
            for question in dim.questions.all():
                new_q = Question.objects.create(
                    dimension=new_dim,
                    order=question.order,
                    weight=question.weight,
                    **_copy(question, ("text", "help")),
                )
                Option.objects.bulk_create(
                    Option(
                        question=new_q,
                        points=option.points,
                        order=option.order,
                        **_copy(option, ("text",)),
                    )
                    for option in question.options.all()
                )
    return draft


def _copy(row: Dimension | Question | Option, names: tuple[str, ...]) -> dict[str, str]:
    values: dict[str, str] = {}
    for name in names:
        for code, _label in settings.LANGUAGES:
            column = f"{name}_{code}"
            values[column] = getattr(row, column)
    return values


def questionnaire_publish(*, questionnaire_id: int) -> Questionnaire:
    """Publish a draft and retire the version published before it.

    A draft with no dimension, a dimension without questions or a question with fewer than two
    options is refused: firms could not answer it.
    """
    with transaction.atomic():
        draft = Questionnaire.objects.select_for_update().get(pk=questionnaire_id)
        if draft.status != Questionnaire.Status.DRAFT:
            raise CheckUpError(_("Solo una bozza può essere pubblicata."))
        _check_complete(draft)
        now = timezone.now()
        Questionnaire.objects.select_for_update().filter(
            status=Questionnaire.Status.PUBLISHED
        ).update(status=Questionnaire.Status.RETIRED)
        draft.status = Questionnaire.Status.PUBLISHED
        draft.published_at = now
        draft.save(update_fields=["status", "published_at"])
    return draft


def _check_complete(draft: Questionnaire) -> None:
    dims = list(
        draft.dimensions.prefetch_related(
            Prefetch("questions", queryset=Question.objects.prefetch_related("options"))
        )
    )
    if not dims:
        raise CheckUpError(_("Il questionario non ha dimensioni."))
    for dim in dims:
        questions = list(dim.questions.all())
        if not questions:
            raise CheckUpError(_("La dimensione «%(name)s» non ha domande.") % {"name": dim.name})
        for question in questions:
            if len(question.options.all()) < 2:
                raise CheckUpError(
                    _("La domanda «%(text)s» ha meno di due risposte possibili.")
                    % {"text": question.text}
                )


# --- A firm's check-up ---------------------------------------------------------------------------


def checkup_start(*, firm: Firm, user: User | None) -> CheckUp:
    """The firm's check-up in progress, or a new one on the published questionnaire."""
    open_checkup = CheckUp.objects.filter(firm=firm, completed_at__isnull=True).first()
    if open_checkup:
        return open_checkup
    questionnaire = Questionnaire.objects.filter(status=Questionnaire.Status.PUBLISHED).first()
    if questionnaire is None:
        raise CheckUpError(_("Il check-up non è ancora disponibile: riprova più tardi."))
    try:
        with transaction.atomic():
            return CheckUp.objects.create(
                firm=firm, questionnaire=questionnaire, started_at=timezone.now(), created_by=user
            )
    except IntegrityError:
        # A colleague (or a second tab) started one a moment ago: continue that one.
        return CheckUp.objects.get(firm=firm, completed_at__isnull=True)


def checkup_answer(*, checkup_id: int, dimension_id: int, choices: Mapping[int, int]) -> int:
    """Save the answers of one page: `choices` maps question ids to option ids.

    Questions not in `choices` keep their earlier answer. Returns the number of answers saved.
    """
    with transaction.atomic():
        checkup = CheckUp.objects.select_for_update(no_key=True).get(pk=checkup_id)
        if checkup.is_completed:
            raise CheckUpError(_("Questo check-up è già concluso: iniziane uno nuovo."))
        options = {
            option.question_id: option
            for option in Option.objects.filter(
                pk__in=choices.values(),
                question__dimension_id=dimension_id,
                question__dimension__questionnaire_id=checkup.questionnaire_id,
            )
        }
        for question_id, option_id in choices.items():
            option = options.get(question_id)
            if option is None or option.pk != option_id:
                raise CheckUpError(_("Una risposta non corrisponde alla sua domanda."))
        # One statement for the page: insert, or change the answer given before.
        Answer.objects.bulk_create(
            [
                Answer(checkup=checkup, question_id=question_id, option=option)
                for question_id, option in options.items()
            ],
            update_conflicts=True,
            unique_fields=["checkup", "question"],
            update_fields=["option", "answered_at"],
        )
    return len(options)


def checkup_complete(*, checkup_id: int, at: datetime | None = None) -> CheckUp:
    """Score the check-up and close it. Unanswered questions count 0 (checkup/scoring.py)."""
    with transaction.atomic():
        checkup = CheckUp.objects.select_for_update(no_key=True).get(pk=checkup_id)
        if checkup.is_completed:
            return checkup
        result = checkup_score(checkup=checkup)
        checkup.scores = {code: _round(value) for code, value in result.dimensions.items()}
        checkup.overall = _round(result.overall)
        checkup.completed_at = at or timezone.now()
        checkup.save(update_fields=["scores", "overall", "completed_at"])
    return checkup


def _round(value: float | None) -> int | None:
    return None if value is None else round(value)


def checkup_score(*, checkup: CheckUp) -> Result:
    """The check-up scored from its answers and its own questionnaire version."""
    dims = Dimension.objects.filter(questionnaire_id=checkup.questionnaire_id).prefetch_related(
        Prefetch(
            "questions",
            queryset=Question.objects.annotate(max_points=Max("options__points")),
        )
    )
    specs = [
        DimensionSpec(
            code=dim.code,
            weight=float(dim.weight),
            order=dim.order,
            questions=[
                QuestionSpec(q.pk, float(q.weight), q.max_points or 0)  # type: ignore[attr-defined]
                for q in dim.questions.all()
            ],
        )
        for dim in dims
    ]
    points = dict(
        Answer.objects.filter(checkup=checkup).values_list("question_id", "option__points")
    )
    return score(specs, points)
