"""The check-up's scores: pure, no Django, so the rules are tested on plain data.

A dimension's score is the weighted share of the points its questions could give:

    score(d) = 100 * sum(w_q * points_q / max_q) / sum(w_q)      over the questions q of d

where `max_q` is the most points any option of q gives. Decisions, each pinned by a test:

- An unanswered question counts as 0 points (not left out): a check-up half done must not look
  better than the same check-up finished with honest answers, and leaving a question out would
  raise the score of whoever skips the hard ones.
- A question of weight 0, or whose options all give 0 points, does not count at all (it is
  informative only). A dimension with no counting question scores None ("not measured"): it is
  neither a gap nor part of the overall score.
- The overall score is the weighted mean of the measured dimensions' scores by dimension weight;
  dimensions of weight 0 are shown but do not count. No measured dimension of positive weight
  gives None.
- A gap is a measured dimension whose score is below the threshold; gaps are ordered by
  weight x shortfall (threshold - score), largest first, then by the dimension's order.

Scores are floats in [0, 100]; the pages round them.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

DEFAULT_THRESHOLD = 60.0


@dataclass(frozen=True)
class QuestionSpec:
    """A question as scoring sees it: its weight and the best points an option gives."""

    id: int
    weight: float
    max_points: int


@dataclass(frozen=True)
class DimensionSpec:
    code: str
    weight: float
    order: int
    questions: Sequence[QuestionSpec]


@dataclass(frozen=True)
class Gap:
    code: str
    score: float
    shortfall: float
    priority: float  # weight x shortfall


@dataclass(frozen=True)
class Result:
    dimensions: dict[str, float | None]  # code -> 0..100, or None when nothing counts
    overall: float | None
    gaps: list[Gap]


def dimension_score(dimension: DimensionSpec, points: Mapping[int, int]) -> float | None:
    """`points` maps question ids to the points of the chosen option; missing ones count 0."""
    total_weight = 0.0
    earned = 0.0
    for question in dimension.questions:
        if question.weight <= 0 or question.max_points <= 0:
            continue
        total_weight += question.weight
        got = min(max(points.get(question.id, 0), 0), question.max_points)
        earned += question.weight * got / question.max_points
    if total_weight <= 0:
        return None
    return _clamp(100.0 * earned / total_weight)


def score(
    dimensions: Iterable[DimensionSpec],
    points: Mapping[int, int],
    *,
    threshold: float = DEFAULT_THRESHOLD,
) -> Result:
    """Every dimension's score, the overall score and the gaps (see the module docstring)."""
    dims = sorted(dimensions, key=lambda d: (d.order, d.code))
    scores: dict[str, float | None] = {d.code: dimension_score(d, points) for d in dims}
    weighted = [(d.weight, scores[d.code]) for d in dims if d.weight > 0]
    measured = [(w, s) for w, s in weighted if s is not None]
    total = sum(w for w, _ in measured)
    overall = _clamp(sum(w * s for w, s in measured) / total) if total > 0 else None
    gaps = find_gaps(scores, {d.code: d.weight for d in dims}, threshold=threshold)
    return Result(dimensions=scores, overall=overall, gaps=gaps)


def find_gaps(
    scores: Mapping[str, float | None],
    weights: Mapping[str, float],
    *,
    threshold: float = DEFAULT_THRESHOLD,
) -> list[Gap]:
    """The measured dimensions below `threshold`, the most urgent first (weight x shortfall;
    ties keep the order of `scores`, which is the questionnaire's). Used on stored scores too,
    so a later page ranks gaps exactly as the check-up's result did."""
    gaps = []
    for code, value in scores.items():
        if value is not None and value < threshold:
            shortfall = threshold - value
            gaps.append(Gap(code, value, shortfall, max(weights.get(code, 0.0), 0.0) * shortfall))
    position = {code: i for i, code in enumerate(scores)}
    gaps.sort(key=lambda g: (-g.priority, position[g.code]))
    return gaps


def _clamp(value: float) -> float:
    return min(100.0, max(0.0, value))
