import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client

from tests.factories import StaffFactory, member
from tests.support.clients import login
from tests.support.smtp_sink import SmtpSink

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    # Fast hashing only; everything else stays real (PostgreSQL, Redis).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files of each test go to its own folder, never to var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's language. A request that fails inside a view (the 500
    page's tests) leaves the last request's language active in the thread, and a later test
    that renders outside a request would otherwise read German."""
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture
def eager_celery():
    """Run tasks inline when enqueued (unit tests); delivery tests use a real worker."""
    from club.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture(autouse=True)
def _clear_cache():
    # Rate-limit counters live in the real Redis cache: start each test from zero.
    from django.core.cache import cache

    cache.clear()
    return


@pytest.fixture
def owner(db):
    return member()


@pytest.fixture
def owner_client(owner) -> Client:
    return login(owner)


@pytest.fixture
def staff(db):
    return StaffFactory()


@pytest.fixture
def staff_client(staff) -> Client:
    return login(staff)


# --- Real SMTP server and real Celery workers ---------------------------------------------


@pytest.fixture(scope="session")
def _sink_server():
    sink = SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture
def sink(_sink_server, settings):
    """A real SMTP server on loopback; this process's mail goes to it too."""
    _sink_server.clear()
    settings.MAILERS = {
        "default": {
            "BACKEND": "core.mail.SMTPBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": _sink_server.port, "timeout": 5},
        }
    }
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 0
    yield _sink_server
    _sink_server.clear()


class Worker:
    """A real `celery worker` process against the test database, Redis and SMTP sink."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env = env
        self.log = log
        self.process: subprocess.Popen | None = None

    def start(self) -> "Worker":
        self.log.parent.mkdir(parents=True, exist_ok=True)
        out = self.log.open("a")
        self.process = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "club",
                "worker",
                "--concurrency=2",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--hostname",
                f"test-{os.getpid()}@%h",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so a kill takes the pool too
        )
        deadline = time.monotonic() + 30
        while "ready." not in self.log.read_text():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("Celery worker did not start:\n" + self.log.read_text()[-3000:])
            time.sleep(0.1)
        return self

    def kill(self) -> None:
        """SIGKILL the worker and its pool: no cleanup, no acknowledgement, no goodbye."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def worker_factory(_sink_server, django_db_setup, tmp_path):
    """Start real workers for a transactional test; they see its committed rows."""
    from club.celery import app

    db = django_settings.DATABASES["default"]
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "DB_CONN_MAX_AGE": "0",
        "EMAIL_BACKEND": "smtp",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(_sink_server.port),
        "NOTIFICATIONS_RETRY_BASE_SECONDS": "0",
        "SITE_URL": "http://testserver",
    }
    app.control.purge()  # tasks left by other tests refer to rows that are gone
    workers: list[Worker] = []

    def start() -> Worker:
        worker = Worker(env, tmp_path / f"worker-{len(workers)}.log").start()
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()
