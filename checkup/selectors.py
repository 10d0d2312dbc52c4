"""The check-up's reads: a firm's latest and previous check-ups, one page of questions, a result.

Scores are stored on the completed CheckUp (`scores`: dimension code -> 0..100 or None,
`overall`), so a firm's history and the later personal path read them without re-scoring.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import CharField, F, Prefetch, QuerySet, Value
from django.utils import timezone

from checkup.models import Answer, CheckUp, Dimension, Option, Question
from checkup.scoring import DEFAULT_THRESHOLD, Gap, find_gaps
from members.models import Firm
from missions.models import Mission

# A re-check-up is suggested this long after the last completed one, and again after a year.
RECHECK_AFTER = (timedelta(days=182), timedelta(days=365))


def completed_checkups(*, firm: Firm) -> QuerySet[CheckUp]:
    """The firm's completed check-ups, latest first."""
    return CheckUp.objects.filter(firm=firm, completed_at__isnull=False).order_by(
        "-completed_at", "-pk"
    )


def previous_checkup(*, checkup: CheckUp) -> CheckUp | None:
    """The firm's completed check-up just before `checkup`."""
    if checkup.completed_at is None:
        return None
    return (
        completed_checkups(firm=checkup.firm).filter(completed_at__lt=checkup.completed_at).first()
    )


def latest_and_previous(*, checkup: CheckUp) -> tuple[CheckUp | None, CheckUp | None]:
    """The firm's latest completed check-up and the one just before `checkup` (a completed one),
    in one query (a UNION ALL of the two one-row reads)."""
    latest_first = completed_checkups(firm=checkup.firm)
    latest = latest_first.annotate(role=Value("latest", output_field=CharField()))[:1]
    previous = latest_first.filter(completed_at__lt=checkup.completed_at).annotate(
        role=Value("previous", output_field=CharField())
    )[:1]
    rows = {row.role: row for row in latest.union(previous, all=True).order_by()}
    for row in rows.values():
        row.firm = checkup.firm  # the row already loaded: no query to read it again
    return rows.get("latest"), rows.get("previous")


def recheck_due(last: CheckUp | None, *, now: datetime | None = None) -> int | None:
    """6 or 12 (months) when a re-check-up is due after `last`, else None."""
    if last is None or last.completed_at is None:
        return None
    elapsed = (now or timezone.now()) - last.completed_at
    if elapsed >= RECHECK_AFTER[1]:
        return 12
    if elapsed >= RECHECK_AFTER[0]:
        return 6
    return None


@dataclass
class FirmCheckups:
    """What "La mia impresa" shows: the check-up in progress, the last two completed."""

    open: CheckUp | None = None
    last: CheckUp | None = None
    previous: CheckUp | None = None
    recheck_months: int | None = None


def _open_first(firm: Firm) -> QuerySet[CheckUp]:
    # The open check-up (completed_at null sorts first; at most one: checkup_one_open_per_firm),
    # then the completed ones, latest first.
    return CheckUp.objects.filter(firm=firm).order_by(
        F("completed_at").desc(nulls_first=True), "-pk"
    )


def _summary(rows: list[CheckUp]) -> FirmCheckups:
    summary = FirmCheckups()
    completed = rows
    if rows and rows[0].completed_at is None:
        summary.open, completed = rows[0], rows[1:]
    summary.last = completed[0] if completed else None
    summary.previous = completed[1] if len(completed) > 1 else None
    summary.recheck_months = recheck_due(summary.last)
    return summary


def firm_checkups(*, firm: Firm) -> FirmCheckups:
    """One query: the open check-up and the two latest ones."""
    return _summary(list(_open_first(firm)[:3]))


def firm_checkups_with_history(
    *, firm: Firm, limit: int = 10
) -> tuple[FirmCheckups, list[CheckUp]]:
    """`firm_checkups` and the `limit` latest completed check-ups with their questionnaire (the
    start page), in one query."""
    rows = list(_open_first(firm).select_related("questionnaire")[: limit + 1])
    summary = _summary(rows)
    history = [row for row in rows if row.completed_at is not None][:limit]
    for row in rows:
        row.firm = firm  # the row already loaded: no query to read it again
    return summary, history


def firm_checkup(*, firm: Firm, checkup_id: int) -> CheckUp | None:
    """The firm's check-up with this id; None for any other firm's (the view answers 404)."""
    checkup = CheckUp.objects.filter(firm=firm, pk=checkup_id).first()
    if checkup is not None:
        checkup.firm = firm  # the row already loaded: no query to read it again
    return checkup


def checkup_gaps(*, checkup: CheckUp, dims: list[Dimension] | None = None) -> list[Gap]:
    """A completed check-up's gaps, most urgent first: dimension codes with their stored score
    (what the personal path builds on)."""
    dims = dims if dims is not None else dimensions(checkup=checkup)
    ordered = {d.code: checkup.scores.get(d.code) for d in dims}
    return find_gaps(ordered, {d.code: float(d.weight) for d in dims})


def latest_gaps(*, firm: Firm) -> list[Gap]:
    """The gaps of the firm's latest completed check-up; [] when it has none."""
    last = completed_checkups(firm=firm).first()
    return checkup_gaps(checkup=last) if last else []


def dimensions(*, checkup: CheckUp) -> list[Dimension]:
    """The dimensions of the check-up's own version, in order (the pages, one per dimension)."""
    return list(Dimension.objects.filter(questionnaire_id=checkup.questionnaire_id))


def page_questions(*, checkup: CheckUp, dimension: Dimension) -> list[Question]:
    """The dimension's questions with their options and the firm's current answer
    (`question.chosen`: an option id or None)."""
    questions = list(
        dimension.questions.prefetch_related(
            Prefetch("options", queryset=Option.objects.order_by("order", "pk"))
        )
    )
    chosen = dict(
        Answer.objects.filter(checkup=checkup, question__dimension=dimension).values_list(
            "question_id", "option_id"
        )
    )
    for question in questions:
        question.chosen = chosen.get(question.pk)  # type: ignore[attr-defined]
    return questions


@dataclass
class DimensionResult:
    dimension: Dimension
    score: int | None
    previous: int | None
    is_gap: bool

    @property
    def change(self) -> int | None:
        if self.score is None or self.previous is None:
            return None
        return self.score - self.previous


@dataclass
class CheckUpResult:
    checkup: CheckUp
    previous: CheckUp | None
    rows: list[DimensionResult]
    gaps: list[DimensionResult]
    missions: list[Mission] = field(default_factory=list)
    recheck_months: int | None = None
    threshold: float = DEFAULT_THRESHOLD

    @property
    def overall_change(self) -> int | None:
        if self.previous is None or self.previous.overall is None:
            return None
        if self.checkup.overall is None:
            return None
        return self.checkup.overall - self.previous.overall


def checkup_result(*, checkup: CheckUp, today: date | None = None) -> CheckUpResult:
    """The result page: every dimension's score against the previous check-up, the gaps by
    priority (weight x shortfall, as scored), and the upcoming missions of the firm's sector."""
    last, previous = latest_and_previous(checkup=checkup)
    dims = dimensions(checkup=checkup)
    before = previous.scores if previous else {}
    rows = []
    for dim in dims:
        value = checkup.scores.get(dim.code)
        rows.append(
            DimensionResult(
                dimension=dim,
                score=value,
                previous=before.get(dim.code),
                is_gap=value is not None and value < DEFAULT_THRESHOLD,
            )
        )
    by_code = {row.dimension.code: row for row in rows}
    gaps = [by_code[gap.code] for gap in checkup_gaps(checkup=checkup, dims=dims)]
    missions: list[Mission] = []
    if gaps and checkup.firm.sector_id:
        missions = list(
            Mission.objects.filter(
                status=Mission.Status.PUBLISHED,
                sectors=checkup.firm.sector_id,
                start_date__gte=today or timezone.localdate(),
            ).order_by("start_date", "pk")[:3]
        )
    return CheckUpResult(
        checkup=checkup,
        previous=previous,
        rows=rows,
        gaps=gaps,
        missions=missions,
        # Suggested only on the latest result, not on an old one.
        recheck_months=recheck_due(last) if last and last.pk == checkup.pk else None,
    )
