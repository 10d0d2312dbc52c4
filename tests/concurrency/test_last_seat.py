"""Fifty firms race for the last seat of a mission, on real PostgreSQL, twenty times.

Each firm applies from its own thread and database connection, released together by a barrier.
The control run patches the seat lock (missions.services.locking.lock_mission) with a plain read to
prove the harness does produce the race the lock prevents.
"""

import threading
from concurrent.futures import ThreadPoolExecutor
from unittest import mock

import pytest
from django.db import connection

from members.models import Firm, Membership, User
from members.vat import example_vat_number
from missions import services
from missions.models import Application, Mission
from tests.factories import MissionFactory, sector

pytestmark = pytest.mark.django_db(transaction=True)

FIRMS = 50
ROUNDS = 20


def make_firms(round_no: int) -> list[tuple[Firm, User]]:
    metal = sector("metalmeccanico")
    base = 300_000 + round_no * 100
    users = User.objects.bulk_create(
        User(email=f"gara{round_no}-{n}@example.it") for n in range(FIRMS)
    )
    firms = Firm.objects.bulk_create(
        Firm(
            name=f"Gara {round_no}-{n}",
            vat_number=example_vat_number(base + n),
            ateco_code="25.62",
            sector=metal,
            comune="Sondrio",
            status=Firm.Status.APPROVED,
        )
        for n in range(FIRMS)
    )
    Membership.objects.bulk_create(
        Membership(user=u, firm=f, role="owner") for u, f in zip(users, firms, strict=True)
    )
    return list(zip(firms, users, strict=True))


def race(pool: ThreadPoolExecutor, round_no: int) -> dict[str, int]:
    """One round: a mission whose last seat is free, and 50 simultaneous applications."""
    mission = MissionFactory(seats=1)
    contenders = make_firms(round_no)
    barrier = threading.Barrier(FIRMS)

    def join(firm: Firm, user: User) -> str:
        barrier.wait(timeout=30)
        try:
            application = services.application_create(
                mission_id=mission.pk, firm=firm, user=user, delegates=1
            )
        except services.ApplicationError as exc:
            return type(exc).__name__
        return application.status

    outcomes = list(pool.map(lambda pair: join(*pair), contenders))
    confirmed = Application.objects.filter(
        mission=mission, status=Application.Status.CONFIRMED
    ).count()
    return {
        "confirmed": confirmed,
        "waitlisted": outcomes.count(Application.Status.WAITLISTED),
        "answered": len(outcomes),
    }


@pytest.fixture
def pool():
    with ThreadPoolExecutor(max_workers=FIRMS) as executor:
        yield executor
        # Each worker thread opened its own connection: close them before the flush.
        barrier = threading.Barrier(FIRMS)

        def close() -> None:
            barrier.wait(timeout=30)
            connection.close()

        list(executor.map(lambda _: close(), range(FIRMS)))


def test_fifty_concurrent_joins_never_overbook_the_last_seat(pool):
    for round_no in range(ROUNDS):
        result = race(pool, round_no)
        assert result == {"confirmed": 1, "waitlisted": FIRMS - 1, "answered": FIRMS}, round_no


def _read_without_lock(mission_id: int) -> Mission:
    return Mission.objects.get(pk=mission_id)


def test_control_without_the_lock_the_race_does_overbook(pool):
    with mock.patch("missions.services.locking.lock_mission", _read_without_lock):
        overbooked = [race(pool, round_no)["confirmed"] for round_no in range(ROUNDS)]
    # The harness is proven if at least one round confirms more firms than there are seats.
    print(f"control run, confirmed per round without the lock: {overbooked}")
    assert max(overbooked) > 1, overbooked
