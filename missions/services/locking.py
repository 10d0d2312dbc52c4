"""The mission lock, and the locking policy of missions in one place.

The Mission row is the lock for its seats and for its meeting slots. Every path that takes,
frees or offers a seat (apply, withdraw, accept or decline an offer, staff confirm/reject/waitlist,
capacity change, offer expiry) first locks the mission with SELECT ... FOR NO KEY UPDATE inside one
transaction, then reads the seat counts, then writes. So two requests for the last seat are
serialised and confirmed applications never exceed the seats; a freed seat is offered in the same
transaction.

Likewise every write that places or moves a meeting (slot generation, scheduler run, staff move)
and a firm's meeting request (against its per-firm limit) lock the Mission row first, so a run and
a manual move are serialised. Whatever happens, the unique constraints on Meeting (slot+firm,
slot+partner, slot+table) and the table trigger keep PostgreSQL free of double bookings.
"""

from django.db import IntegrityError

from missions.models import Mission


def lock_mission(mission_id: int) -> Mission:
    """Lock the mission's row and return it; call it inside `transaction.atomic()`.

    Every seat and slot write takes the lock through here (which also lets the race test's
    control run swap it for a plain read).
    """
    return Mission.objects.select_for_update(no_key=True).get(pk=mission_id)


def violated(exc: IntegrityError) -> str:
    """The name of the constraint an IntegrityError broke ("" if PostgreSQL names none).

    A write that checked its rule under the lock lets the constraint catch a race it lost, with
    no savepoint of its own: the error rolls the whole transaction back, and the caller turns
    this name into the rule's error."""
    diag = getattr(exc.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None) or ""
