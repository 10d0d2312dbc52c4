"""Phones resend a debrief when an answer is lost: the same debrief arriving on several
connections at once is stored exactly once, on real PostgreSQL (the meeting row is the lock, the
unique client id the last word)."""

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.utils import timezone

from missionday.models import DayPass, Debrief
from missionday.services.debriefs import DebriefInput, debriefs_sync
from missions.models import Meeting
from tests.missionday.support import mission_today

pytestmark = pytest.mark.django_db(transaction=True)

PHONES = 8


def test_the_same_debrief_sent_at_once_from_several_connections_is_stored_once():
    day = mission_today()
    day_pass = DayPass.objects.select_related("mission").get(user=day.delegate)
    item = DebriefInput(
        client_id=uuid.uuid4(),
        meeting_id=day.now_meeting.pk,
        held=True,
        interest=4,
        next_step="offer",
        note="",
        written_at=timezone.now(),
    )
    barrier = threading.Barrier(PHONES)

    def send(_n: int) -> str:
        try:
            barrier.wait(timeout=30)
            [result] = debriefs_sync(day_pass=day_pass, items=[item], author=day.delegate)
            return result.status
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=PHONES) as pool:
        statuses = sorted(pool.map(send, range(PHONES)))

    assert statuses == ["created"] + ["duplicate"] * (PHONES - 1)
    assert Debrief.objects.count() == 1
    assert Meeting.objects.get(pk=day.now_meeting.pk).outcome == "offer"
