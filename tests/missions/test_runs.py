"""Matchmaking runs always end: lost tasks and dead workers are swept, a run executes once.

The services are called as the worker and Celery beat call them; the concurrency test runs two
executions of one run from two threads with their own PostgreSQL connections.
"""

import threading

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from missions import matchmaking, tasks
from missions import services as b2b
from missions.models import MatchmakingRun, MatchSuggestion
from notifications.models import Notification
from tests.missions.test_b2b import setup  # noqa: F401 - the B2B mission fixture

pytestmark = pytest.mark.django_db
Status = MatchmakingRun.Status
NOW = timezone.timedelta(0)


@pytest.fixture
def broker_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.run_matchmaking, "delay", refuse)
    return monkeypatch


def queued_run(mission, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return b2b.matchmaking_request(mission_id=mission.pk)


def test_a_run_whose_task_was_never_received_is_requeued_by_the_sweeper_and_ends(
    setup,  # noqa: F811
    broker_down,
    eager_celery,
    django_capture_on_commit_callbacks,
):
    mission, *_ = setup
    run = queued_run(mission, django_capture_on_commit_callbacks)  # the broker is down
    run.refresh_from_db()
    assert run.status == Status.QUEUED

    broker_down.undo()
    assert b2b.matchmaking_sweep()["requeued"] == 0  # within the grace the task may still come
    assert b2b.matchmaking_sweep(grace=NOW)["requeued"] == 1

    run.refresh_from_db()
    assert (run.status, run.progress) == (Status.DONE, 100)
    assert MatchSuggestion.objects.filter(mission=mission).count() == 9


def test_a_run_that_never_starts_is_marked_failed_with_the_reason(
    setup,  # noqa: F811
    broker_down,
    django_capture_on_commit_callbacks,
):
    mission, *_ = setup
    run = queued_run(mission, django_capture_on_commit_callbacks)
    MatchmakingRun.objects.filter(pk=run.pk).update(
        queued_at=timezone.now() - timezone.timedelta(hours=2)
    )

    result = b2b.matchmaking_sweep(grace=NOW)

    assert result["failed"] == 1
    run.refresh_from_db()
    assert run.status == Status.FAILED
    assert run.message
    assert run.finished_at is not None


def test_a_run_whose_worker_died_is_requeued_then_failed_after_three_attempts(
    setup,  # noqa: F811
    eager_celery,
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    mission, *_ = setup
    monkeypatch.setattr(tasks.run_matchmaking, "delay", lambda *a: None)  # lost
    run = queued_run(mission, django_capture_on_commit_callbacks)
    monkeypatch.undo()
    long_ago = timezone.now() - timezone.timedelta(hours=1)
    # A worker claimed it and died: no heartbeat for an hour.
    MatchmakingRun.objects.filter(pk=run.pk).update(
        status=Status.RUNNING, attempts=1, started_at=long_ago, heartbeat_at=long_ago
    )
    assert b2b.matchmaking_run(run_id=run.pk) == 0  # the redelivered task: it is "running"
    assert b2b.matchmaking_sweep(grace=NOW)["requeued"] == 1
    run.refresh_from_db()
    assert (run.status, run.attempts) == (Status.DONE, 2)

    MatchmakingRun.objects.filter(pk=run.pk).update(
        status=Status.RUNNING, attempts=3, heartbeat_at=long_ago, finished_at=None
    )
    assert b2b.matchmaking_sweep(grace=NOW)["failed"] == 1
    run.refresh_from_db()
    assert run.status == Status.FAILED
    assert run.message


def test_a_run_that_raises_is_marked_failed_with_the_reason(
    setup,  # noqa: F811
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    mission, *_ = setup
    monkeypatch.setattr(tasks.run_matchmaking, "delay", lambda *a: None)
    run = queued_run(mission, django_capture_on_commit_callbacks)

    def boom(*args, **kwargs):
        raise ZeroDivisionError("partner profile broken")

    monkeypatch.setattr(matchmaking, "suggest", boom)
    assert b2b.matchmaking_run(run_id=run.pk) == 0

    run.refresh_from_db()
    assert run.status == Status.FAILED
    assert "partner profile broken" in run.message
    assert b2b.matchmaking_sweep(grace=NOW) == {"requeued": 0, "failed": 0}


def test_a_redelivered_task_for_a_finished_run_does_nothing(
    setup,  # noqa: F811
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    mission, *_ = setup
    monkeypatch.setattr(tasks.run_matchmaking, "delay", lambda *a: None)
    run = queued_run(mission, django_capture_on_commit_callbacks)
    assert b2b.matchmaking_run(run_id=run.pk) == 9
    before = list(MatchSuggestion.objects.order_by("pk").values_list("pk", flat=True))
    notified = Notification.objects.count()

    assert tasks.run_matchmaking.apply(args=[run.pk]).get() == 0

    assert list(MatchSuggestion.objects.order_by("pk").values_list("pk", flat=True)) == before
    assert Notification.objects.count() == notified


def test_staff_rerun_a_failed_run_from_admin(
    setup,  # noqa: F811
    staff_client,
    eager_celery,
    django_capture_on_commit_callbacks,
):
    mission, *_ = setup
    failed = MatchmakingRun.objects.create(
        mission=mission, status=Status.FAILED, message="Interrotto"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("admin:missions_matchmakingrun_changelist"),
            {"action": "rerun", "_selected_action": [failed.pk]},
        )
    assert response.status_code == 302
    newest = MatchmakingRun.objects.exclude(pk=failed.pk).get()
    assert newest.status == Status.DONE
    assert MatchSuggestion.objects.filter(mission=mission).count() == 9


@pytest.mark.django_db(transaction=True)
def test_two_executions_of_one_run_at_once_one_runs_the_other_returns(
    setup,  # noqa: F811
    monkeypatch,
):
    mission, *_ = setup
    monkeypatch.setattr(tasks.run_matchmaking, "delay", lambda *a: None)
    run = b2b.matchmaking_request(mission_id=mission.pk)
    inside, release = threading.Event(), threading.Event()
    suggest = matchmaking.suggest

    def slow_suggest(*args, **kwargs):
        inside.set()
        release.wait(30)
        return suggest(*args, **kwargs)

    monkeypatch.setattr(matchmaking, "suggest", slow_suggest)
    results: dict[str, int] = {}

    def execute(name):
        try:
            results[name] = b2b.matchmaking_run(run_id=run.pk)
        finally:
            connection.close()

    first = threading.Thread(target=execute, args=["first"])
    first.start()
    assert inside.wait(30)
    execute_second = threading.Thread(target=execute, args=["second"])  # a redelivery, a 2nd beat
    execute_second.start()
    execute_second.join(30)
    assert results == {"second": 0}  # it returned at once, while the first still runs
    release.set()
    first.join(30)
    assert results == {"second": 0, "first": 9}
    run.refresh_from_db()
    assert (run.status, run.attempts) == (Status.DONE, 1)
