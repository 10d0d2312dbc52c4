"""B2B meeting scheduler for mission sessions (pure Python, no Django).

The problem is a bipartite multigraph: firms on one side, German partners on the other, one edge
per requested meeting. Slots are the colours. A proper edge colouring (no participant twice in a
slot) that respects availability and the number of tables per slot is a valid schedule.

Algorithm (deterministic for a given input and seed):

1. Locked meetings are fixed first (in id order); an invalid or clashing one is reported as
   ``locked_conflict``.
2. Meetings with a ``current_slot`` keep it when it is still feasible (stability).
3. The other meetings are inserted by priority (most constrained first among equals):
   a free common slot if there is one (the one adding the fewest idle gaps); otherwise a Kempe
   chain swap: colour ``a`` free at one endpoint, ``b`` free at the other, flip the a/b
   alternating path from the endpoint busy at ``a`` (it cannot reach the other endpoint in a
   bipartite graph) and use ``a``. Flips are only applied when every meeting on the path may use
   both colours and the table capacities still hold. Without availability limits and with
   enough tables this is König's theorem: every meeting gets placed.
4. Repair for the rest: depth-limited ejection chains (move the meetings blocking a slot to other
   feasible slots, recursively), then priority eviction (a single blocker of strictly lower
   priority gives way). At the end, a few sweeps over what is still unplaced: repair again, and
   two-for-one exchanges (an unplaced meeting takes the slot of a blocker whose removal lets a
   second unplaced meeting in).
5. Idle gaps: bounded local-improvement passes over unlocked meetings not sitting at their
   previous slot: move one meeting to a free feasible slot, or exchange the slots of two meetings
   of the same participant, whenever that reduces the idle gaps of the participants involved.
6. Tables: locked tables first, then the previous table when free, then the lowest free number.
"""

import random
from collections import deque
from dataclasses import dataclass, field

NO_COMMON_SLOT = "no_common_slot"
LOCKED_CONFLICT = "locked_conflict"
CAPACITY = "capacity"
REASONS = frozenset({NO_COMMON_SLOT, LOCKED_CONFLICT, CAPACITY})

GAP_PASSES = 6  # local-improvement passes for idle gaps
REPAIR_DEPTH = 2  # ejection-chain depth
REPAIR_BUDGET = 60  # ejection attempts per meeting and sweep
EXCHANGE_SWEEPS = 3  # sweeps of two-for-one exchanges at the end


@dataclass(frozen=True)
class Slot:
    id: int
    session: int  # the B2B session (programme item); slots of a session are consecutive
    index: int  # position of the slot inside its session (0, 1, 2, ...), for idle-gap counting
    tables: int  # tables available in this slot (>= 0)


@dataclass(frozen=True)
class Meeting:
    id: int
    firm: int
    partner: int
    priority: int = 3  # 1..5, 5 = most wanted; higher priority placed first when not all fit
    locked_slot: int | None = None  # manually placed and locked by staff: must stay exactly there
    locked_table: int | None = None
    current_slot: int | None = None  # placement from the previous run (stability)
    current_table: int | None = None


@dataclass
class Problem:
    slots: list[Slot]
    meetings: list[Meeting]
    # firm id -> slot ids; a firm absent from the dict is available in every slot
    firm_available: dict[int, frozenset[int]] = field(default_factory=dict)
    # same for partners
    partner_available: dict[int, frozenset[int]] = field(default_factory=dict)


@dataclass
class Result:
    placements: dict[int, tuple[int, int]]  # meeting id -> (slot id, table number 1..tables)
    unplaced: dict[int, str]  # meeting id -> reason code
    moved: int  # meetings with a current_slot whose slot differs from it (unplaced included)
    # ("firm"|"partner", id) -> empty slots between first and last meeting, summed per session
    idle_gaps: dict[tuple[str, int], int]


# --------------------------------------------------------------------------------------------
# Compiled instance: slots as positions 0..S-1 (sorted by session, index), meetings by id.
# --------------------------------------------------------------------------------------------


class _Instance:
    def __init__(self, problem: Problem) -> None:
        slots = sorted(problem.slots, key=lambda s: (s.session, s.index, s.id))
        if len({s.id for s in slots}) != len(slots):
            raise ValueError("duplicate slot ids")
        meetings = sorted(problem.meetings, key=lambda m: m.id)
        if len({m.id for m in meetings}) != len(meetings):
            raise ValueError("duplicate meeting ids")
        self.slots = slots
        self.meetings = meetings
        self.n_slots = len(slots)
        self.pos = {s.id: i for i, s in enumerate(slots)}
        self.cap = [max(0, s.tables) for s in slots]
        self.sidx = [s.index for s in slots]
        # session ranges over positions (slots of a session are consecutive once sorted)
        self.sess_of: list[int] = []
        self.sess_range: list[tuple[int, int]] = []
        for i, s in enumerate(slots):
            if i == 0 or s.session != slots[i - 1].session:
                self.sess_range.append((i, i))
            lo, _ = self.sess_range[-1]
            self.sess_range[-1] = (lo, i + 1)
            self.sess_of.append(len(self.sess_range) - 1)

        self.firm_ids = sorted({m.firm for m in meetings})
        self.partner_ids = sorted({m.partner for m in meetings})
        fidx = {f: i for i, f in enumerate(self.firm_ids)}
        pidx = {p: i for i, p in enumerate(self.partner_ids)}
        everywhere = frozenset(range(self.n_slots))

        def avail(table: dict[int, frozenset[int]], who: int) -> frozenset[int]:
            if who not in table:
                return everywhere
            return frozenset(self.pos[x] for x in table[who] if x in self.pos)

        favail = [avail(problem.firm_available, f) for f in self.firm_ids]
        pavail = [avail(problem.partner_available, p) for p in self.partner_ids]
        self.mf = [fidx[m.firm] for m in meetings]
        self.mp = [pidx[m.partner] for m in meetings]
        self.common = [favail[f] & pavail[p] for f, p in zip(self.mf, self.mp, strict=True)]
        self.allowed = [sorted(s for s in c if self.cap[s] > 0) for c in self.common]
        self.prio = [m.priority for m in meetings]
        self.cur = [self.position(m.current_slot) for m in meetings]

    def position(self, slot_id: int | None) -> int:
        """The position of a slot id, -1 for no slot or an unknown one."""
        return -1 if slot_id is None else self.pos.get(slot_id, -1)

    def locked_ok_alone(self, k: int) -> bool:
        """The locked placement of meeting k is valid on its own (slot, availability, table)."""
        m = self.meetings[k]
        s = self.position(m.locked_slot)
        if s < 0 or s not in self.common[k] or self.cap[s] < 1:
            return False
        return m.locked_table is None or 1 <= m.locked_table <= self.cap[s]


# --------------------------------------------------------------------------------------------
# Mutable assignment with an undo log
# --------------------------------------------------------------------------------------------


class _State:
    def __init__(self, inst: _Instance) -> None:
        self.inst = inst
        n = inst.n_slots
        self.slot_of = [-1] * len(inst.meetings)
        self.fbusy = [[-1] * n for _ in inst.firm_ids]
        self.pbusy = [[-1] * n for _ in inst.partner_ids]
        self.load = [0] * n
        self.members: list[set[int]] = [set() for _ in range(n)]
        self.locked = [False] * len(inst.meetings)
        self.allowed_set = [frozenset(a) for a in inst.allowed]
        self.log: list[tuple[int, int]] = []  # (meeting, slot before the change)

    # primitive moves --------------------------------------------------------------------------
    def _set(self, k: int, s: int) -> None:
        old = self.slot_of[k]
        inst = self.inst
        if old >= 0:
            self.fbusy[inst.mf[k]][old] = -1
            self.pbusy[inst.mp[k]][old] = -1
            self.load[old] -= 1
            self.members[old].discard(k)
        if s >= 0:
            self.fbusy[inst.mf[k]][s] = k
            self.pbusy[inst.mp[k]][s] = k
            self.load[s] += 1
            self.members[s].add(k)
        self.slot_of[k] = s

    def move(self, k: int, s: int) -> None:
        self.log.append((k, self.slot_of[k]))
        self._set(k, s)

    def undo_to(self, mark: int) -> None:
        log = self.log
        while len(log) > mark:
            k, old = log.pop()
            self._set(k, old)

    # queries ----------------------------------------------------------------------------------
    def fits(self, k: int, s: int) -> bool:
        inst = self.inst
        return (
            self.fbusy[inst.mf[k]][s] == -1
            and self.pbusy[inst.mp[k]][s] == -1
            and self.load[s] < inst.cap[s]
        )

    def session_gap(self, row: list[int], sess: int, add: int = -1, remove: int = -1) -> int:
        lo, hi = self.inst.sess_range[sess]
        sidx = self.inst.sidx
        first = last = 0
        n = 0
        for q in range(lo, hi):
            if q == add or (row[q] != -1 and q != remove):
                if n == 0:
                    first = sidx[q]
                last = sidx[q]
                n += 1
        return last - first + 1 - n if n else 0

    def row_delta(self, row: list[int], new: int, old: int = -1) -> int:
        """Change of one participant's idle gaps if a meeting goes from `old` to `new`."""
        sess_of = self.inst.sess_of
        delta = 0
        for sess in {sess_of[new], sess_of[old]} if old >= 0 else (sess_of[new],):
            delta += self.session_gap(row, sess, add=new, remove=old) - self.session_gap(row, sess)
        return delta

    def gap_delta(self, k: int, new: int, old: int = -1) -> int:
        """Change of idle gaps of k's firm and partner if k goes from `old` to `new`."""
        inst = self.inst
        return self.row_delta(self.fbusy[inst.mf[k]], new, old) + self.row_delta(
            self.pbusy[inst.mp[k]], new, old
        )

    def stable_penalty(self, k: int, new: int) -> int:
        cur = self.inst.cur[k]
        if cur < 0:
            return 0
        return int(self.slot_of[k] == cur) - int(new == cur)


class _Scheduler:
    def __init__(self, inst: _Instance, seed: int) -> None:
        self.inst = inst
        self.st = _State(inst)
        rng = random.Random(seed)  # noqa: S311 - tie-breaking, not security
        self.tiebreak = [rng.random() for _ in inst.meetings]
        self.budget = 0

    # insertion: direct, then Kempe chain ------------------------------------------------------
    def place_direct(self, k: int) -> bool:
        st, inst = self.st, self.inst
        best = None
        for s in inst.allowed[k]:
            if st.fits(k, s):
                key = (st.gap_delta(k, s), s != inst.cur[k], st.load[s], s)
                if best is None or key < best[0]:
                    best = (key, s)
        if best is None:
            return False
        st.move(k, best[1])
        return True

    def _walk(self, from_partner: bool, v: int, a: int, b: int) -> list[int] | None:
        st, inst = self.st, self.inst
        path: list[int] = []
        limit = len(st.slot_of)  # a proper colouring makes the path simple: only a safety net
        c = a
        while True:
            m = (st.pbusy if from_partner else st.fbusy)[v][c]
            if m == -1:
                return path
            nc = b if c == a else a
            if st.locked[m] or nc not in st.allowed_set[m] or len(path) > limit:
                return None
            path.append(m)
            v = inst.mf[m] if from_partner else inst.mp[m]
            from_partner = not from_partner
            c = nc

    def place_kempe(self, k: int) -> bool:
        st, inst = self.st, self.inst
        f, p = inst.mf[k], inst.mp[k]
        frow, prow = st.fbusy[f], st.pbusy[p]
        cap, load = inst.cap, st.load
        best = None
        for a in inst.allowed[k]:
            if frow[a] == -1 and prow[a] != -1:
                from_partner, v, row = True, p, prow
            elif prow[a] == -1 and frow[a] != -1:
                from_partner, v, row = False, f, frow
            else:
                continue
            first = row[a]  # the path starts with this meeting: it must be able to take b
            if st.locked[first]:
                continue
            for b in inst.allowed[first]:
                if b == a or row[b] != -1:
                    continue
                path = self._walk(from_partner, v, a, b)
                if path is None:
                    continue
                n_a, n_b = (len(path) + 1) // 2, len(path) // 2
                if load[a] - n_a + n_b + 1 > cap[a] or load[b] - n_b + n_a > cap[b]:
                    continue
                penalty = sum(st.stable_penalty(m, b if st.slot_of[m] == a else a) for m in path)
                key = (penalty, len(path), a, b)
                if best is None or key < best[0]:
                    best = (key, a, b, path)
        if best is None:
            return False
        _, a, b, path = best
        olds = [st.slot_of[m] for m in path]
        for m in path:
            st.move(m, -1)
        for m, old in zip(path, olds, strict=True):
            st.move(m, b if old == a else a)
        st.move(k, a)
        return True

    def insert(self, k: int) -> bool:
        return self.place_direct(k) or self.place_kempe(k)

    # repair: ejection chains ------------------------------------------------------------------
    def _blockers(self, k: int, s: int) -> list[list[int]] | None:
        """Sets of meetings whose removal lets k use slot s (None: locked in the way)."""
        st, inst = self.st, self.inst
        found = sorted({st.fbusy[inst.mf[k]][s], st.pbusy[inst.mp[k]][s]} - {-1})
        if found:
            if any(st.locked[m] for m in found):
                return None
            return [found]
        if st.load[s] < inst.cap[s]:
            return [[]]
        others = sorted(
            (m for m in st.members[s] if not st.locked[m]),
            key=lambda m: (len(inst.allowed[m]) == 1, -len(inst.allowed[m]), m),
        )
        return [[m] for m in others]

    def repair(self, k: int, depth: int, banned: frozenset[int] = frozenset()) -> bool:
        """Place unassigned k by ejecting blockers that are re-placed elsewhere."""
        st, inst = self.st, self.inst
        order = sorted(
            (s for s in inst.allowed[k] if s not in banned),
            key=lambda s: (s != inst.cur[k], s),
        )
        options: list[tuple[int, int, list[int]]] = []
        for s in order:
            sets = self._blockers(k, s)
            if sets is not None:
                options.extend((len(ejected), s, ejected) for ejected in sets)
        options.sort(key=lambda o: (o[0], o[1] != inst.cur[k]))
        for _, s, ejected in options:
            if self.budget <= 0:
                return False
            self.budget -= 1
            mark = len(st.log)
            for m in ejected:
                st.move(m, -1)
            st.move(k, s)
            ok = True
            for m in ejected:
                if self.insert(m):
                    continue
                if depth > 1 and self.repair(m, depth - 1, banned | {s}):
                    continue
                ok = False
                break
            if ok:
                return True
            st.undo_to(mark)
        return False

    def evict_for(self, k: int) -> int | None:
        """Place k by ejecting one meeting of strictly lower priority; returns it."""
        st, inst = self.st, self.inst
        best = None
        for s in inst.allowed[k]:
            sets = self._blockers(k, s)
            if not sets:
                continue
            for ejected in sets:
                if len(ejected) != 1 or inst.prio[ejected[0]] >= inst.prio[k]:
                    continue
                m = ejected[0]
                key = (inst.prio[m], int(st.slot_of[m] == inst.cur[m]), s != inst.cur[k], s, m)
                if best is None or key < best[0]:
                    best = (key, s, m)
        if best is None:
            return None
        _, s, m = best
        st.move(m, -1)
        st.move(k, s)
        return m

    def exchange(self, k: int, left: list[int]) -> bool:
        """Place unplaced k instead of one blocker x, if that lets another unplaced meeting in.

        Net gain of one meeting; allowed when one of the two newcomers has at least the
        priority of x (so higher priorities never lose out). `left` gets x instead of both.
        """
        st, inst = self.st, self.inst
        pending = [w for w in left if w != k and st.slot_of[w] < 0]
        budget = REPAIR_BUDGET
        for s in inst.allowed[k]:
            sets = self._blockers(k, s)
            for ejected in sets or ():
                if len(ejected) != 1 or budget <= 0:
                    continue
                budget -= 1
                x = ejected[0]
                fx, px = inst.mf[x], inst.mp[x]
                others = [
                    w
                    for w in pending
                    if (inst.mf[w] == fx or inst.mp[w] == px)
                    and max(inst.prio[k], inst.prio[w]) >= inst.prio[x]
                ]
                if not others:
                    continue
                mark = len(st.log)
                st.move(x, -1)
                st.move(k, s)
                for w in others:
                    if self.insert(w):
                        left.remove(k)
                        left.remove(w)
                        left.append(x)
                        return True
                st.undo_to(mark)
        return False

    def try_hard(self, k: int) -> bool:
        if self.insert(k):
            return True
        self.budget = REPAIR_BUDGET
        return self.repair(k, REPAIR_DEPTH)

    # main -------------------------------------------------------------------------------------
    def run(self) -> Result:
        inst, st = self.inst, self.st
        unplaced: dict[int, str] = {}
        n = len(inst.meetings)

        # 1. locked meetings, id order
        table_of: dict[int, int] = {}
        used_tables: list[set[int]] = [set() for _ in range(inst.n_slots)]
        for k, m in enumerate(inst.meetings):
            if m.locked_slot is None:
                continue
            st.locked[k] = True
            s = inst.pos.get(m.locked_slot, -1)
            if (
                not inst.locked_ok_alone(k)
                or not st.fits(k, s)
                or (m.locked_table is not None and m.locked_table in used_tables[s])
            ):
                unplaced[k] = LOCKED_CONFLICT
                continue
            st.move(k, s)
            if m.locked_table is not None:
                used_tables[s].add(m.locked_table)
                table_of[k] = m.locked_table

        free = [k for k in range(n) if not st.locked[k]]
        # 2. keep previous placements that are still feasible
        for k in sorted(free, key=lambda k: (-inst.prio[k], self.tiebreak[k], k)):
            s = inst.cur[k]
            if s >= 0 and s in st.allowed_set[k] and st.fits(k, s):
                st.move(k, s)

        # 3. insert the rest by priority, most constrained first
        def order_key(k: int) -> tuple[int, int, float, int]:
            return (-inst.prio[k], len(inst.allowed[k]), self.tiebreak[k], k)

        pending = sorted((k for k in free if st.slot_of[k] < 0), key=order_key)
        left: list[int] = []
        for k in pending:
            if not inst.allowed[k]:
                continue
            if self.try_hard(k):
                continue
            victim = self.evict_for(k)
            if victim is None:
                left.append(k)
            elif not self.try_hard(victim):
                left.append(victim)

        # 4. more sweeps over what is left: the state changed since these failed; then
        # exchanges that place two meetings for one
        for _ in range(EXCHANGE_SWEEPS):
            left = [k for k in sorted(left, key=order_key) if not self.try_hard(k)]
            if not any([self.exchange(k, left) for k in list(left) if st.slot_of[k] < 0]):
                break

        # 5. idle gaps
        self.improve_gaps()

        # reasons
        for k in range(n):
            if st.slot_of[k] < 0 and k not in unplaced:
                unplaced[k] = NO_COMMON_SLOT if not inst.common[k] else CAPACITY

        # 6. tables
        by_slot: list[list[int]] = [sorted(st.members[s]) for s in range(inst.n_slots)]
        for s, ks in enumerate(by_slot):
            taken = used_tables[s]
            rest = []
            for k in ks:
                if k in table_of:
                    continue
                m = inst.meetings[k]
                t = m.current_table
                if inst.cur[k] == s and t is not None and 1 <= t <= inst.cap[s] and t not in taken:
                    table_of[k] = t
                    taken.add(t)
                else:
                    rest.append(k)
            nxt = 1
            for k in rest:
                while nxt in taken:
                    nxt += 1
                table_of[k] = nxt
                taken.add(nxt)

        placements = {
            inst.meetings[k].id: (inst.slots[st.slot_of[k]].id, table_of[k])
            for k in range(n)
            if st.slot_of[k] >= 0
        }
        moved = sum(
            1
            for m in inst.meetings
            if m.current_slot is not None
            and placements.get(m.id, (None, None))[0] != m.current_slot
        )
        return Result(
            placements=placements,
            unplaced={inst.meetings[k].id: r for k, r in sorted(unplaced.items())},
            moved=moved,
            idle_gaps=_idle_gaps(inst, st.slot_of),
        )

    def improve_gaps(self) -> None:
        """Bounded local improvement of idle gaps; locked and stable meetings stay put.

        Moves: a single meeting to a free feasible slot, or two meetings of the same participant
        exchanging their slots (that participant's gaps do not change, the two others' may).
        """
        inst, st = self.inst, self.st

        def movable(k: int) -> bool:
            return not st.locked[k] and st.slot_of[k] >= 0 and st.slot_of[k] != inst.cur[k]

        candidates = [k for k in range(len(inst.meetings)) if movable(k)]
        for _ in range(GAP_PASSES):
            improved = False
            for k in candidates:
                s = st.slot_of[k]
                best = None
                for t in inst.allowed[k]:
                    if t == s or not st.fits(k, t):
                        continue
                    delta = st.gap_delta(k, t, s)
                    if delta < 0 and (best is None or (delta, t) < best):
                        best = (delta, t)
                if best is not None:
                    st.move(k, best[1])
                    improved = True
            for rows, other_rows, other_of in (
                (st.fbusy, st.pbusy, inst.mp),
                (st.pbusy, st.fbusy, inst.mf),
            ):
                for row in rows:
                    mine = [k for k in row if k >= 0 and movable(k)]
                    for i, k1 in enumerate(mine):
                        for k2 in mine[i + 1 :]:
                            improved |= self._try_swap(k1, k2, other_rows, other_of)
            if not improved:
                break

    def _try_swap(self, k1: int, k2: int, other_rows: list[list[int]], other_of: list[int]) -> bool:
        st = self.st
        s, t = st.slot_of[k1], st.slot_of[k2]
        o1, o2 = other_of[k1], other_of[k2]
        if o1 == o2 or t not in st.allowed_set[k1] or s not in st.allowed_set[k2]:
            return False
        row1, row2 = other_rows[o1], other_rows[o2]
        if row1[t] != -1 or row2[s] != -1:
            return False
        if st.row_delta(row1, t, s) + st.row_delta(row2, s, t) >= 0:
            return False
        st.move(k1, -1)
        st.move(k2, -1)
        st.move(k1, t)
        st.move(k2, s)
        return True


def _idle_gaps(inst: _Instance, slot_of: list[int]) -> dict[tuple[str, int], int]:
    used: dict[tuple[str, int], list[int]] = {}
    for k, s in enumerate(slot_of):
        for key in (("firm", inst.meetings[k].firm), ("partner", inst.meetings[k].partner)):
            lst = used.setdefault(key, [])
            if s >= 0:
                lst.append(s)
    out: dict[tuple[str, int], int] = {}
    for key in sorted(used):
        per_session: dict[int, list[int]] = {}
        for s in used[key]:
            per_session.setdefault(inst.sess_of[s], []).append(inst.sidx[s])
        out[key] = sum(max(ix) - min(ix) + 1 - len(ix) for ix in per_session.values())
    return out


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


def schedule(problem: Problem, *, seed: int = 0) -> Result:
    """Assign meetings to (slot, table); see the module docstring for the method."""
    return _Scheduler(_Instance(problem), seed).run()


def idle_gaps(
    problem: Problem, placements: dict[int, tuple[int, int]]
) -> dict[tuple[str, int], int]:
    """Idle gaps per participant for the given placements (same definition as Result)."""
    inst = _Instance(problem)
    slot_of = [-1] * len(inst.meetings)
    for k, m in enumerate(inst.meetings):
        if m.id in placements and placements[m.id][0] in inst.pos:
            slot_of[k] = inst.pos[placements[m.id][0]]
    return _idle_gaps(inst, slot_of)


def validate(problem: Problem, result: Result) -> list[str]:
    """Human-readable violations of the scheduling rules; [] if the result is valid."""
    errors: list[str] = []
    inst = _Instance(problem)
    slots = {s.id: s for s in problem.slots}
    meetings = {m.id: m for m in problem.meetings}
    index = {m.id: k for k, m in enumerate(inst.meetings)}

    def available(m: Meeting, sid: int) -> bool:
        fa, pa = problem.firm_available, problem.partner_available
        return (m.firm not in fa or sid in fa[m.firm]) and (
            m.partner not in pa or sid in pa[m.partner]
        )

    for mid in sorted(set(result.placements) | set(result.unplaced)):
        if mid not in meetings:
            errors.append(f"unknown meeting {mid} in the result")
    for mid in sorted(set(result.placements) & set(result.unplaced)):
        errors.append(f"meeting {mid} is both placed and unplaced")
    for mid in sorted(meetings):
        if mid not in result.placements and mid not in result.unplaced:
            errors.append(f"meeting {mid} is neither placed nor reported unplaced")

    firm_at: dict[tuple[int, int], int] = {}
    partner_at: dict[tuple[int, int], int] = {}
    table_at: dict[tuple[int, int], int] = {}
    for mid, (sid, table) in sorted(result.placements.items()):
        m = meetings.get(mid)
        if m is None:
            continue
        slot = slots.get(sid)
        if slot is None:
            errors.append(f"meeting {mid} placed in unknown slot {sid}")
            continue
        if not available(m, sid):
            errors.append(f"meeting {mid} placed in slot {sid} outside availability")
        if not 1 <= table <= slot.tables:
            errors.append(f"meeting {mid}: table {table} out of range 1..{slot.tables}")
        for seen, key, what in (
            (firm_at, (sid, m.firm), f"firm {m.firm}"),
            (partner_at, (sid, m.partner), f"partner {m.partner}"),
            (table_at, (sid, table), f"table {table}"),
        ):
            if key in seen:
                errors.append(f"{what} double-booked in slot {sid}: meetings {seen[key]}, {mid}")
            else:
                seen[key] = mid
        if m.locked_slot is not None and (
            sid != m.locked_slot or (m.locked_table is not None and table != m.locked_table)
        ):
            errors.append(f"locked meeting {mid} moved to ({sid}, {table})")

    # locked meetings that stand on their own, to judge clashes leniently
    valid_locked = [
        m for m in inst.meetings if m.locked_slot is not None and inst.locked_ok_alone(index[m.id])
    ]
    for mid, reason in sorted(result.unplaced.items()):
        m = meetings.get(mid)
        if m is None:
            continue
        if reason not in REASONS:
            errors.append(f"meeting {mid}: unknown reason {reason!r}")
            continue
        k = index[mid]
        if m.locked_slot is not None:
            if reason != LOCKED_CONFLICT:
                errors.append(f"locked meeting {mid} unplaced with reason {reason!r}")
            elif inst.locked_ok_alone(k):
                same_slot = [o for o in valid_locked if o.locked_slot == m.locked_slot]
                clash = len(same_slot) > slots[m.locked_slot].tables or any(
                    o.id != mid
                    and (
                        o.firm == m.firm
                        or o.partner == m.partner
                        or (m.locked_table is not None and o.locked_table == m.locked_table)
                    )
                    for o in same_slot
                )
                if not clash:
                    errors.append(f"valid locked meeting {mid} left unplaced")
        elif reason == LOCKED_CONFLICT:
            errors.append(f"meeting {mid} is not locked but reported {reason!r}")
        elif (reason == NO_COMMON_SLOT) != (not inst.common[k]):
            errors.append(f"meeting {mid}: wrong reason {reason!r}")

    expected_moved = sum(
        1
        for m in problem.meetings
        if m.current_slot is not None
        and result.placements.get(m.id, (None, None))[0] != m.current_slot
    )
    if result.moved != expected_moved:
        errors.append(f"moved is {result.moved}, expected {expected_moved}")

    if not errors:
        expected_gaps = idle_gaps(problem, result.placements)
        for who in sorted(set(expected_gaps) | set(result.idle_gaps)):
            if expected_gaps.get(who, 0) != result.idle_gaps.get(who, 0):
                errors.append(
                    f"idle gaps of {who} reported {result.idle_gaps.get(who, 0)}, "
                    f"expected {expected_gaps.get(who, 0)}"
                )

        # König: no limits, enough tables, degree <= slots  =>  everything placed
        all_ids = frozenset(slots)
        unlimited = all(
            all_ids <= avail
            for avail in (*problem.firm_available.values(), *problem.partner_available.values())
        )
        need = min(len(problem.meetings), len(inst.firm_ids), len(inst.partner_ids))
        degree: dict[tuple[str, int], int] = {}
        for m in problem.meetings:
            degree[("f", m.firm)] = degree.get(("f", m.firm), 0) + 1
            degree[("p", m.partner)] = degree.get(("p", m.partner), 0) + 1
        if (
            problem.meetings
            and unlimited
            and all(m.locked_slot is None for m in problem.meetings)
            and all(s.tables >= need for s in problem.slots)
            and max(degree.values()) <= len(problem.slots)
            and result.unplaced
        ):
            errors.append(
                f"{len(result.unplaced)} meetings unplaced although an edge colouring with "
                "the available slots exists (König)"
            )
    return errors


def upper_bound(problem: Problem) -> int:
    """Upper bound on the number of placeable meetings.

    Minimum of two max-flow relaxations: ignoring firm clashes (meeting -> (partner, slot) ->
    slot -> tables) and ignoring partner clashes. Valid locked meetings only use their slot,
    invalid ones and meetings without a common slot cannot be placed.
    """
    inst = _Instance(problem)
    options: list[list[int]] = []
    for k, m in enumerate(inst.meetings):
        if m.locked_slot is not None:
            options.append([inst.pos[m.locked_slot]] if inst.locked_ok_alone(k) else [])
        else:
            options.append(inst.allowed[k])
    bounds = [len([o for o in options if o]), sum(inst.cap)]
    for side in (inst.mp, inst.mf):
        bounds.append(_relaxed_flow(inst, options, side))
    return min(bounds)


def _relaxed_flow(inst: _Instance, options: list[list[int]], side: list[int]) -> int:
    n_m, n_s = len(options), inst.n_slots
    who_slot: dict[tuple[int, int], int] = {}
    source, sink = 0, 1
    slot_node = [2 + s for s in range(n_s)]
    next_node = 2 + n_s + n_m
    edges: list[tuple[int, int, int]] = []
    for s in range(n_s):
        edges.append((slot_node[s], sink, inst.cap[s]))
    for k, opts in enumerate(options):
        if not opts:
            continue
        node = 2 + n_s + k
        edges.append((source, node, 1))
        for s in opts:
            key = (side[k], s)
            if key not in who_slot:
                who_slot[key] = next_node
                edges.append((next_node, slot_node[s], 1))
                next_node += 1
            edges.append((node, who_slot[key], 1))
    return _max_flow(next_node, edges, source, sink)


def _max_flow(n: int, edges: list[tuple[int, int, int]], source: int, sink: int) -> int:
    """Dinic's algorithm; every source edge has capacity 1, so paths carry one unit."""
    graph: list[list[int]] = [[] for _ in range(n)]
    to: list[int] = []
    cap: list[int] = []
    for u, v, c in edges:
        graph[u].append(len(to))
        to.append(v)
        cap.append(c)
        graph[v].append(len(to))
        to.append(u)
        cap.append(0)
    flow = 0
    while True:
        level = [-1] * n
        level[source] = 0
        queue = deque([source])
        while queue:
            u = queue.popleft()
            for e in graph[u]:
                if cap[e] > 0 and level[to[e]] < 0:
                    level[to[e]] = level[u] + 1
                    queue.append(to[e])
        if level[sink] < 0:
            return flow
        it = [0] * n
        while True:
            path: list[int] = []
            u = source
            while u != sink:
                adj = graph[u]
                while it[u] < len(adj):
                    e = adj[it[u]]
                    if cap[e] > 0 and level[to[e]] == level[u] + 1:
                        break
                    it[u] += 1
                if it[u] < len(adj):
                    e = adj[it[u]]
                    path.append(e)
                    u = to[e]
                elif u == source:
                    break
                else:
                    level[u] = -1  # dead end
                    e = path.pop()
                    u = to[e ^ 1]
                    it[u] += 1
            if u != sink:
                break
            for e in path:
                cap[e] -= 1
                cap[e ^ 1] += 1
            flow += 1
