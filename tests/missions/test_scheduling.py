"""Tests of the pure B2B scheduler (missions.scheduling): no database needed."""

import dataclasses
import random

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from missions.scheduling import (
    CAPACITY,
    LOCKED_CONFLICT,
    NO_COMMON_SLOT,
    Meeting,
    Problem,
    Result,
    Slot,
    schedule,
    upper_bound,
    validate,
)

PROPERTY = settings(
    max_examples=300,
    deadline=None,
    # the suite's autouse fixtures (password hasher, cache reset) do not matter here
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


# --------------------------------------------------------------------------------------------
# strategies
# --------------------------------------------------------------------------------------------


@st.composite
def slot_lists(draw, min_tables=0, max_tables=4):
    n_slots = draw(st.integers(1, 12))
    n_sessions = draw(st.integers(1, min(3, n_slots)))
    cuts = []
    if n_slots > 1:
        cuts = sorted(draw(st.sets(st.integers(1, n_slots - 1), max_size=n_sessions - 1)))
    bounds = [0, *cuts, n_slots]
    slots = []
    for session, (lo, hi) in enumerate(zip(bounds, bounds[1:], strict=False)):
        for i in range(lo, hi):
            tables = draw(st.integers(min_tables, max_tables))
            slots.append(Slot(id=100 + 7 * i, session=session + 1, index=i - lo, tables=tables))
    return draw(st.permutations(slots))  # input order must not matter


def _availability(draw, ids, slot_ids):
    table = {}
    for who in ids:
        if draw(st.booleans()):
            keep = draw(st.lists(st.booleans(), min_size=len(slot_ids), max_size=len(slot_ids)))
            table[who] = frozenset(sid for sid, k in zip(slot_ids, keep, strict=True) if k)
    return table


@st.composite
def problems(draw):
    """Small random instances with availability, valid locked meetings, stale placements."""
    slots = draw(slot_lists())
    slot_ids = sorted(s.id for s in slots)
    tables = {s.id: s.tables for s in slots}
    firms = list(range(1, draw(st.integers(1, 8)) + 1))
    partners = list(range(501, 501 + draw(st.integers(1, 8))))
    firm_available = _availability(draw, firms, slot_ids)
    partner_available = _availability(draw, partners, slot_ids)

    def available(firm, partner, sid):
        return sid in firm_available.get(firm, sid_all) and sid in partner_available.get(
            partner, sid_all
        )

    sid_all = frozenset(slot_ids)
    size = draw(st.integers(0, 30))
    pairs = draw(
        st.lists(
            st.tuples(st.sampled_from(firms), st.sampled_from(partners), st.integers(1, 5)),
            min_size=size,
            max_size=size,
        )
    )
    meetings = []
    busy = set()  # (slot, "f"/"p", id) and (slot, "t", table) of locked meetings
    for i, (firm, partner, priority) in enumerate(pairs):
        kwargs = {}
        if draw(st.integers(0, 5)) == 0:  # lock it somewhere valid, if anywhere
            options = [
                (sid, t)
                for sid in slot_ids
                if available(firm, partner, sid)
                and (sid, "f", firm) not in busy
                and (sid, "p", partner) not in busy
                for t in range(1, tables[sid] + 1)
                if (sid, "t", t) not in busy
            ]
            if options:
                sid, t = draw(st.sampled_from(options))
                busy |= {(sid, "f", firm), (sid, "p", partner), (sid, "t", t)}
                kwargs = {"locked_slot": sid, "locked_table": t}
        if not kwargs and draw(st.booleans()):  # a placement from a previous run, maybe stale
            kwargs = {
                "current_slot": draw(st.sampled_from([*slot_ids, 999])),
                "current_table": draw(st.integers(1, 5)),
            }
        meetings.append(
            Meeting(id=3 * i + 11, firm=firm, partner=partner, priority=priority, **kwargs)
        )
    meetings = draw(st.permutations(meetings))
    return Problem(slots, meetings, firm_available, partner_available)


@st.composite
def koenig_problems(draw):
    """Bipartite multigraphs with max degree <= slots, no availability limits, enough tables."""
    slots = draw(slot_lists(min_tables=1, max_tables=1))
    n_slots = len(slots)
    firms = list(range(1, draw(st.integers(1, 8)) + 1))
    partners = list(range(501, 501 + draw(st.integers(1, 8))))
    size = draw(st.integers(0, 60))
    edges = draw(
        st.lists(
            st.tuples(st.sampled_from(firms), st.sampled_from(partners)),
            min_size=size,
            max_size=size,
        )
    )
    degree: dict = {}
    kept = []
    for f, p in edges:
        if degree.get(("f", f), 0) < n_slots and degree.get(("p", p), 0) < n_slots:
            degree[("f", f)] = degree.get(("f", f), 0) + 1
            degree[("p", p)] = degree.get(("p", p), 0) + 1
            kept.append((f, p))
    slot_ids = [s.id for s in slots]
    meetings = []
    for i, (f, p) in enumerate(kept):
        kwargs = {}
        if draw(st.integers(0, 3)) == 0:  # stale previous placements must not get in the way
            kwargs = {"current_slot": draw(st.sampled_from(slot_ids)), "current_table": 1}
        meetings.append(
            Meeting(id=i + 1, firm=f, partner=p, priority=draw(st.integers(1, 5)), **kwargs)
        )
    tables = max(1, len(meetings))
    slots = [dataclasses.replace(s, tables=tables) for s in slots]
    return Problem(slots, meetings)


# --------------------------------------------------------------------------------------------
# properties
# --------------------------------------------------------------------------------------------


def _locked_exactly_placed(problem: Problem, result: Result) -> None:
    # the generator only produces valid, mutually compatible locked placements
    for m in problem.meetings:
        if m.locked_slot is not None:
            assert result.placements[m.id] == (m.locked_slot, m.locked_table)


@PROPERTY
@given(problems(), st.integers(0, 3))
def test_random_instances_give_valid_schedules(problem, seed):
    result = schedule(problem, seed=seed)
    for reason in sorted(set(result.unplaced.values())):
        event(f"unplaced: {reason}")
    event(f"meetings: {len(problem.meetings) // 10 * 10}+")
    assert validate(problem, result) == []
    _locked_exactly_placed(problem, result)
    assert set(result.placements) | set(result.unplaced) == {m.id for m in problem.meetings}


@PROPERTY
@given(problems())
def test_upper_bound_is_never_beaten(problem):
    result = schedule(problem)
    assert len(result.placements) <= upper_bound(problem) <= len(problem.meetings)


@PROPERTY
@given(koenig_problems())
def test_koenig_everything_placed(problem):
    degrees = [
        sum(1 for m in problem.meetings if getattr(m, side) == who)
        for side in ("firm", "partner")
        for who in {getattr(m, side) for m in problem.meetings}
    ]
    event("max degree == slots" if max(degrees, default=0) == len(problem.slots) else "slack")
    result = schedule(problem)
    assert result.unplaced == {}
    assert len(result.placements) == len(problem.meetings)
    assert validate(problem, result) == []
    assert upper_bound(problem) == len(problem.meetings)


@PROPERTY
@given(problems())
def test_rerun_from_previous_result_keeps_placements(problem):
    first = schedule(problem)
    again = _with_current(problem, first)
    second = schedule(again)
    assert validate(again, second) == []
    assert len(second.placements) >= len(first.placements)
    _locked_exactly_placed(again, second)


# --------------------------------------------------------------------------------------------
# stability
# --------------------------------------------------------------------------------------------


def _with_current(problem: Problem, result: Result) -> Problem:
    meetings = []
    for m in problem.meetings:
        slot, table = result.placements.get(m.id, (None, None))
        meetings.append(dataclasses.replace(m, current_slot=slot, current_table=table))
    return dataclasses.replace(problem, meetings=meetings)


def medium_instance() -> Problem:
    """12 firms x 10 partners, 2 sessions x 6 slots, 4 tables, availability and locks."""
    rng = random.Random(7)
    slots = [Slot(id=10 * s + i, session=s, index=i, tables=4) for s in (1, 2) for i in range(6)]
    session_ids = {s: frozenset(x.id for x in slots if x.session == s) for s in (1, 2)}
    partner_available = {
        p: session_ids[1] | session_ids[2] if p % 4 == 0 else session_ids[1 + p % 2]
        for p in range(101, 111)
    }
    firm_available = {f: frozenset(x.id for x in slots if x.id != 10 + f % 6) for f in (1, 2, 3)}
    pairs = sorted({(rng.randint(1, 12), rng.randint(101, 110)) for _ in range(55)})
    meetings = [
        Meeting(id=i + 1, firm=f, partner=p, priority=rng.randint(1, 5))
        for i, (f, p) in enumerate(pairs)
    ]
    problem = Problem(slots, meetings, firm_available, partner_available)
    # lock three meetings where a first run put them
    first = schedule(problem)
    for k in (0, 5, 9):
        m = problem.meetings[k]
        if m.id in first.placements:
            slot, table = first.placements[m.id]
            problem.meetings[k] = dataclasses.replace(m, locked_slot=slot, locked_table=table)
    return problem


def test_adding_one_meeting_moves_few(capsys):
    problem = medium_instance()
    first = schedule(problem)
    assert validate(problem, first) == []
    assert first.moved == 0

    again = _with_current(problem, first)
    # firm 1 and partner 107 have no common free slot left: someone has to make room
    new = Meeting(id=1000, firm=1, partner=107, priority=3)
    again.meetings.append(new)
    second = schedule(again)

    assert validate(again, second) == []
    with capsys.disabled():
        print(
            f"\n[stability] medium instance: {len(problem.meetings)} meetings, "
            f"placed {len(first.placements)}; after adding one: placed "
            f"{len(second.placements)}, moved {second.moved}"
        )
    assert second.moved <= 3
    assert new.id in second.placements
    assert len(second.placements) == len(first.placements) + 1 == upper_bound(again)
    for m in again.meetings:
        if m.locked_slot is not None:
            assert second.placements[m.id] == first.placements[m.id]


def test_rerun_without_changes_moves_nothing():
    problem = medium_instance()
    first = schedule(problem)
    second = schedule(_with_current(problem, first))
    assert second.moved == 0
    assert second.placements == first.placements


# --------------------------------------------------------------------------------------------
# reason codes, priority, determinism
# --------------------------------------------------------------------------------------------


def test_no_common_slot():
    problem = Problem(
        slots=[Slot(1, 1, 0, 5), Slot(2, 1, 1, 5)],
        meetings=[Meeting(1, firm=1, partner=9)],
        firm_available={1: frozenset({1})},
        partner_available={9: frozenset({2})},
    )
    result = schedule(problem)
    assert result.unplaced == {1: NO_COMMON_SLOT}
    assert validate(problem, result) == []
    assert upper_bound(problem) == 0


def test_locked_conflicts():
    problem = Problem(
        slots=[Slot(1, 1, 0, 2), Slot(2, 1, 1, 2)],
        meetings=[
            Meeting(1, firm=1, partner=9, locked_slot=1, locked_table=1),
            Meeting(2, firm=1, partner=8, locked_slot=1, locked_table=2),  # firm 1 busy
            Meeting(3, firm=2, partner=7, locked_slot=1, locked_table=1),  # table 1 taken
            Meeting(4, firm=3, partner=6, locked_slot=2, locked_table=3),  # only 2 tables
            Meeting(5, firm=4, partner=5, locked_slot=2, locked_table=1),  # partner away
            Meeting(6, firm=5, partner=4, locked_slot=77, locked_table=1),  # no such slot
            Meeting(7, firm=6, partner=3, locked_slot=2, locked_table=2),  # fine
        ],
        partner_available={5: frozenset({1})},
    )
    result = schedule(problem)
    assert result.placements == {1: (1, 1), 7: (2, 2)}
    assert result.unplaced == {k: LOCKED_CONFLICT for k in (2, 3, 4, 5, 6)}
    assert validate(problem, result) == []


def test_capacity_and_priority():
    problem = Problem(
        slots=[Slot(1, 1, 0, 1)],
        meetings=[
            Meeting(1, firm=1, partner=9, priority=2),
            Meeting(2, firm=2, partner=8, priority=5),
            Meeting(3, firm=3, partner=7, priority=1),
        ],
    )
    result = schedule(problem)
    assert result.placements == {2: (1, 1)}
    assert result.unplaced == {1: CAPACITY, 3: CAPACITY}
    assert validate(problem, result) == []


def test_zero_tables_is_capacity():
    problem = Problem(slots=[Slot(1, 1, 0, 0)], meetings=[Meeting(1, firm=1, partner=9)])
    assert schedule(problem).unplaced == {1: CAPACITY}


def test_higher_priority_evicts_stale_lower_priority():
    # meeting 1 (priority 1) kept its previous slot; meeting 2 (priority 5) needs that slot
    problem = Problem(
        slots=[Slot(1, 1, 0, 1), Slot(2, 1, 1, 1)],
        meetings=[
            Meeting(1, firm=1, partner=9, priority=1, current_slot=1, current_table=1),
            Meeting(2, firm=2, partner=8, priority=5),
            Meeting(3, firm=3, partner=7, priority=3, current_slot=2, current_table=1),
        ],
        firm_available={1: frozenset({1}), 2: frozenset({1})},
    )
    result = schedule(problem)
    assert result.placements == {2: (1, 1), 3: (2, 1)}
    assert result.unplaced == {1: CAPACITY}
    assert result.moved == 1
    assert validate(problem, result) == []


def test_kempe_swap_needed():
    # f1-p1 kept in slot 0 and f2-p2 in slot 1: f1-p2 and f2-p1 only fit after an a/b swap
    problem = Problem(
        slots=[Slot(i, 1, i, 10) for i in range(2)],
        meetings=[
            Meeting(1, firm=1, partner=1, current_slot=0),
            Meeting(2, firm=2, partner=2, current_slot=1),
            Meeting(3, firm=1, partner=2),
            Meeting(4, firm=2, partner=1),
            Meeting(5, firm=3, partner=1),  # partner 1 has three meetings for two slots
        ],
    )
    result = schedule(problem)
    assert validate(problem, result) == []
    assert len(result.placements) == 4 == upper_bound(problem)


def test_idle_gaps_are_reduced():
    slots = [Slot(i, 1, i, 3) for i in range(6)]
    meetings = [Meeting(i, firm=1, partner=10 + i) for i in range(3)]
    problem = Problem(slots, meetings, partner_available={10: frozenset({0, 5})})
    result = schedule(problem)
    assert validate(problem, result) == []
    slots_used = sorted(slot for slot, _ in result.placements.values())
    assert slots_used[-1] - slots_used[0] == 2  # three consecutive slots
    assert result.idle_gaps[("firm", 1)] == 0


def test_deterministic_and_order_independent():
    problem = medium_instance()
    a = schedule(problem, seed=3)
    b = schedule(problem, seed=3)
    shuffled = Problem(
        slots=list(reversed(problem.slots)),
        meetings=random.Random(1).sample(problem.meetings, len(problem.meetings)),
        firm_available=dict(reversed(problem.firm_available.items())),
        partner_available=dict(reversed(problem.partner_available.items())),
    )
    c = schedule(shuffled, seed=3)
    assert a == b == c
    assert list(a.placements.items()) == list(c.placements.items())


def test_validate_reports_violations():
    problem = Problem(
        slots=[Slot(1, 1, 0, 1), Slot(2, 1, 1, 2)],
        meetings=[
            Meeting(1, firm=1, partner=9, locked_slot=2, locked_table=2),
            Meeting(2, firm=1, partner=8),
            Meeting(3, firm=2, partner=8),
        ],
        firm_available={2: frozenset({2})},
    )
    bad = Result(
        placements={1: (1, 1), 2: (1, 2), 3: (1, 1)},
        unplaced={},
        moved=0,
        idle_gaps={},
    )
    errors = "\n".join(validate(problem, bad))
    assert "locked meeting 1 moved" in errors
    assert "out of range" in errors
    assert "firm 1 double-booked" in errors
    assert "partner 8 double-booked" in errors
    assert "table 1 double-booked" in errors
    assert "outside availability" in errors
    missing = Result(placements={}, unplaced={1: CAPACITY}, moved=0, idle_gaps={})
    errors = "\n".join(validate(problem, missing))
    assert "neither placed nor reported unplaced" in errors
    assert "unplaced with reason 'capacity'" in errors
