"""Benchmark: the B2B meeting scheduler (missions.scheduling) on a synthetic mission.

No Django, no database. A mission of 60 firms x 40 partners, 16 slots (2 sessions x 8) with
25 tables each and up to 600 meeting requests (skewed partner popularity; partners available in
the session of their city, a few in both; some firms away for a company visit), then a 3x
instance (180 x 120, 48 slots in 6 sessions, up to 1800 requests). Prints the figures; the last
line is the summary.

    cd /work/main && .venv/bin/python -m benchmarks.scheduler
"""

import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from missions.scheduling import (  # noqa: E402
    Meeting,
    Problem,
    Slot,
    schedule,
    upper_bound,
    validate,
)

SLOTS_PER_SESSION = 8
TABLES = 25
RUNS = 3


def build(scale: int = 1, seed: int = 42) -> Problem:
    rng = random.Random(seed)  # noqa: S311 - synthetic data
    n_firms, n_partners, n_sessions = 60 * scale, 40 * scale, 2 * scale
    max_meetings = 600 * scale
    slots = [
        Slot(id=s * SLOTS_PER_SESSION + i + 1, session=s + 1, index=i, tables=TABLES)
        for s in range(n_sessions)
        for i in range(SLOTS_PER_SESSION)
    ]
    by_session = {
        s + 1: [slot.id for slot in slots if slot.session == s + 1] for s in range(n_sessions)
    }
    partners = list(range(1001, 1001 + n_partners))
    firms = list(range(1, 1 + n_firms))

    # partners: the session of their city, a few (10%) in two sessions
    partner_available = {}
    for p in partners:
        sessions = {rng.randint(1, n_sessions)}
        if rng.random() < 0.1:
            sessions.add(rng.randint(1, n_sessions))
        partner_available[p] = frozenset(x for s in sorted(sessions) for x in by_session[s])
    # firms: everywhere except, for a third of them, 2-3 consecutive slots (a company visit)
    all_ids = frozenset(slot.id for slot in slots)
    firm_available = {}
    for f in firms:
        if rng.random() < 1 / 3:
            session = rng.randint(1, n_sessions)
            length = rng.randint(2, 3)
            start = rng.randint(0, SLOTS_PER_SESSION - length)
            firm_available[f] = all_ids - set(by_session[session][start : start + length])
    # skewed popularity: 15% of partners are four times as wanted
    weights = [4.0 if rng.random() < 0.15 else 1.0 for _ in partners]
    requests = []
    for f in firms:
        wanted: set[int] = set()
        target = rng.randint(8, 12)
        while len(wanted) < target:
            wanted.add(rng.choices(partners, weights=weights)[0])
        requests.extend((f, p) for p in sorted(wanted))
    rng.shuffle(requests)
    requests = requests[:max_meetings]
    meetings = [
        Meeting(id=i + 1, firm=f, partner=p, priority=rng.randint(1, 5))
        for i, (f, p) in enumerate(requests)
    ]
    return Problem(slots, meetings, firm_available, partner_available)


def best_time(problem: Problem, runs: int = RUNS):
    best, result = float("inf"), None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = schedule(problem)
        best = min(best, time.perf_counter() - t0)
    return best, result


def cp_sat_reference(problem: Problem, seconds: float = 20.0) -> int | None:
    """Optimal (or best found) count with OR-Tools CP-SAT, if it happens to be installed."""
    try:
        from ortools.sat.python import cp_model
    except ImportError:
        return None
    model = cp_model.CpModel()
    x = {}
    fa, pa = problem.firm_available, problem.partner_available
    for m in problem.meetings:
        for s in problem.slots:
            if s.tables > 0 and (m.firm not in fa or s.id in fa[m.firm]):
                if m.partner not in pa or s.id in pa[m.partner]:
                    x[m.id, s.id] = model.new_bool_var(f"x{m.id}_{s.id}")
    for m in problem.meetings:
        model.add_at_most_one(x[m.id, s.id] for s in problem.slots if (m.id, s.id) in x)
    for s in problem.slots:
        model.add(sum(x[m.id, s.id] for m in problem.meetings if (m.id, s.id) in x) <= s.tables)
        for attr in ("firm", "partner"):
            groups: dict[int, list] = {}
            for m in problem.meetings:
                if (m.id, s.id) in x:
                    groups.setdefault(getattr(m, attr), []).append(x[m.id, s.id])
            for group in groups.values():
                model.add_at_most_one(group)
    model.maximize(sum(x.values()))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.random_seed = 42
    solver.solve(model)
    return int(solver.objective_value)


def main() -> int:
    problem = build(1)
    s_time, result = best_time(problem)
    errors = validate(problem, result)
    a, p = len(problem.meetings), len(result.placements)
    bound = upper_bound(problem)
    reasons: dict[str, int] = {}
    for reason in result.unplaced.values():
        reasons[reason] = reasons.get(reason, 0) + 1
    gaps = list(result.idle_gaps.values())
    print(f"mission: 60 firms x 40 partners, 16 slots (2 sessions x 8), {TABLES} tables per slot")
    print(f"meetings requested A = {a}, placed P = {p} ({p / a:.1%}), unplaced {reasons}")
    print(f"time S = {s_time:.3f} s (best of {RUNS})")
    print(f"upper bound on placeable meetings = {bound} (max-flow relaxation, not an optimum)")
    cp = cp_sat_reference(problem)
    if cp is None:
        print("CP-SAT reference: skipped (ortools not installed)")
        reference = bound
    else:
        print(f"CP-SAT reference (20 s limit) = {cp}")
        reference = cp
    print(f"P / reference = {p / reference:.1%}")
    print(
        f"idle gaps per participant: average {statistics.mean(gaps):.2f}, max {max(gaps)} "
        f"(total {sum(gaps)} over {len(gaps)} participants)"
    )
    print(f"validate(): {'ok' if not errors else errors[:5]}")

    large = build(3)
    l_time, large_result = best_time(large, runs=1)
    l_errors = validate(large, large_result)
    print(
        f"large: 180 firms x 120 partners, 48 slots (6 sessions x 8): "
        f"placed {len(large_result.placements)} of {len(large.meetings)} "
        f"(upper bound {upper_bound(large)}) in {l_time:.2f} s; "
        f"validate(): {'ok' if not l_errors else l_errors[:5]}"
    )
    print(
        f"scheduler: placed {p} of {a} in {s_time:.2f} s (reference {reference}), "
        f"large instance {l_time:.2f} s"
    )
    return 0 if not errors and not l_errors else 1


if __name__ == "__main__":
    sys.exit(main())
