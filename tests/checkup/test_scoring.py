"""The check-up's scoring (checkup/scoring.py): examples, then properties with Hypothesis."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checkup.scoring import DimensionSpec, QuestionSpec, dimension_score, score

# On a loaded machine (the suite beside other jobs) one draw was seen taking a second: the
# properties hold whatever the speed, so timing is not what these tests check.
LOADED_MACHINE = settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)


def _dim(code, questions, weight=1.0, order=0):
    return DimensionSpec(code=code, weight=weight, order=order, questions=questions)


LANGUAGES = _dim("languages", [QuestionSpec(1, 1.0, 3), QuestionSpec(2, 2.0, 4)], order=1)
PRICING = _dim("pricing", [QuestionSpec(3, 1.0, 2)], weight=2.0, order=2)


def test_a_dimension_scores_the_weighted_share_of_its_best_points():
    # (1 * 3/3 + 2 * 2/4) / 3 = 2/3
    assert dimension_score(LANGUAGES, {1: 3, 2: 2}) == pytest.approx(200 / 3)


def test_an_unanswered_question_counts_as_zero():
    assert dimension_score(LANGUAGES, {1: 3}) == pytest.approx(100 / 3)
    assert dimension_score(LANGUAGES, {}) == 0


def test_a_question_of_weight_zero_or_with_no_points_does_not_count():
    dim = _dim("x", [QuestionSpec(1, 0.0, 3), QuestionSpec(2, 1.0, 0), QuestionSpec(3, 1.0, 2)])
    assert dimension_score(dim, {1: 0, 3: 2}) == 100
    assert dimension_score(_dim("y", [QuestionSpec(1, 0.0, 3)]), {1: 3}) is None


def test_overall_is_the_mean_weighted_by_dimension_and_gaps_ordered_by_weight_times_shortfall():
    result = score([LANGUAGES, PRICING], {1: 3, 2: 0, 3: 1}, threshold=60)
    assert result.dimensions == {"languages": pytest.approx(100 / 3), "pricing": 50}
    assert result.overall == pytest.approx((100 / 3 + 2 * 50) / 3)
    # languages: 1 x 26.7 = 26.7; pricing: 2 x 10 = 20
    assert [g.code for g in result.gaps] == ["languages", "pricing"]
    assert result.gaps[1].shortfall == pytest.approx(10)


def test_a_dimension_of_weight_zero_is_shown_but_neither_counts_nor_ranks_first():
    zero = _dim("zero", [QuestionSpec(9, 1.0, 2)], weight=0.0, order=0)
    result = score([zero, PRICING], {3: 2})
    assert result.dimensions["zero"] == 0
    assert result.overall == 100
    assert [g.code for g in result.gaps] == ["zero"]
    assert result.gaps[0].priority == 0


def test_nothing_measured_gives_no_overall_score():
    result = score([_dim("x", [])], {})
    assert result.overall is None
    assert result.dimensions == {"x": None}
    assert result.gaps == []


# --- Properties --------------------------------------------------------------------------------


@st.composite
def questionnaires(draw):
    weights = st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0])
    next_id = 0
    dims = []
    for index in range(draw(st.integers(1, 5))):
        questions = []
        for _ in range(draw(st.integers(0, 4))):
            next_id += 1
            questions.append(QuestionSpec(next_id, draw(weights), draw(st.integers(0, 4))))
        dims.append(_dim(f"d{index}", questions, weight=draw(weights), order=index))
    return dims


@st.composite
def answers(draw, dims):
    points = {}
    for dim in dims:
        for q in dim.questions:
            if draw(st.booleans()):  # some questions stay unanswered
                points[q.id] = draw(st.integers(0, q.max_points))
    return points


@LOADED_MACHINE
@given(data=st.data())
def test_scores_stay_between_0_and_100(data):
    dims = data.draw(questionnaires())
    result = score(dims, data.draw(answers(dims)))
    values = [v for v in result.dimensions.values() if v is not None]
    if result.overall is not None:
        values.append(result.overall)
    assert all(0 <= v <= 100 for v in values)


@LOADED_MACHINE
@given(data=st.data())
def test_a_better_answer_never_lowers_any_score(data):
    dims = data.draw(questionnaires())
    before = data.draw(answers(dims))
    questions = [q for d in dims for q in d.questions]
    if not questions:
        return
    question = data.draw(st.sampled_from(questions))
    current = before.get(question.id, 0)
    after = {
        **before,
        question.id: data.draw(st.integers(current, max(current, question.max_points))),
    }
    old, new = score(dims, before), score(dims, after)
    for code, value in old.dimensions.items():
        if value is not None:
            assert new.dimensions[code] >= value - 1e-9
    if old.overall is not None:
        assert new.overall >= old.overall - 1e-9


@LOADED_MACHINE
@given(data=st.data())
def test_answering_a_question_never_scores_less_than_leaving_it_out(data):
    dims = data.draw(questionnaires())
    answered = data.draw(answers(dims))
    for question_id in list(answered):
        fewer = {k: v for k, v in answered.items() if k != question_id}
        full, partial = score(dims, answered), score(dims, fewer)
        assert (full.overall or 0) >= (partial.overall or 0) - 1e-9


@LOADED_MACHINE
@given(data=st.data())
def test_gaps_are_the_dimensions_below_the_threshold_by_priority(data):
    dims = data.draw(questionnaires())
    threshold = data.draw(st.floats(0, 100))
    result = score(dims, data.draw(answers(dims)), threshold=threshold)
    below = {c for c, v in result.dimensions.items() if v is not None and v < threshold}
    assert {g.code for g in result.gaps} == below
    priorities = [g.priority for g in result.gaps]
    assert priorities == sorted(priorities, reverse=True)
