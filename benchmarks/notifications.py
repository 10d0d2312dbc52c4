"""Benchmark: 10,000 notification emails through the outbox, against a plain smtplib loop
sending the same 10,000 messages to the same SMTP sink: the limit on this machine.

Starts its own PostgreSQL and Redis (throw-away, like the tests) and an SMTP sink in its own
process (benchmarks/smtp_sink.py). First the raw loop: the 10,000 messages the outbox will send,
built beforehand, go out over one smtplib connection. Then a real Celery worker with 2 processes
takes one fan-out to the same 10,000 firm users, and the run waits until the sink has them all.
A sampler reads the worker processes' resident memory all along.

Targets (exit status 1 when one is missed): every message delivered, no duplicate, the outbox at
>= 0.8 of the raw loop's rate, the trigger <= 200 ms, a worker's peak memory growing <= 20 % from
the first to the last quarter. The last line is the summary.

    make bench-notifications            (N=2000 make bench-notifications for a quick run)
"""

import os
import shutil
import smtplib
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
warnings.filterwarnings("ignore", module="platformdirs")

from benchmarks.memory import RssSampler  # noqa: E402
from tools import devservices  # noqa: E402

N = int(os.environ.get("N", "10000"))
TIMEOUT = float(os.environ.get("BENCH_TIMEOUT", "300"))
TARGET_OF_RAW = 0.8
TARGET_TRIGGER_MS = 200.0
TARGET_MEMORY_GROWTH = 0.20

KIND = "announcement"
OBJECT_KEY = "bench:1"
CONTEXT = {"title": "Missione a Colonia", "body": "Iscrizioni aperte"}
URL = "/notifiche/"


class Sink:
    """The SMTP sink process and the file of the Message-IDs it accepted."""

    def __init__(self, tmp: Path) -> None:
        self.port = devservices.free_port()
        self.path = tmp / "sink-ids.txt"
        self.path.touch()
        self.log = tmp / "sink.log"
        self.process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "benchmarks.smtp_sink", str(self.port), str(self.path)],
            cwd=ROOT,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while not devservices.port_open(self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"SMTP sink did not start:\n{self.log.read_text()}")
            time.sleep(0.05)

    def ids(self) -> list[str]:
        return self.path.read_text().splitlines()

    def count(self) -> int:
        with self.path.open("rb") as f:
            return sum(1 for _ in f)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="club-bench-", dir="/tmp"))
    postgres, redis = devservices.services(tmp)
    sink = Sink(tmp)
    worker = None
    sampler = None
    try:
        os.environ["DATABASE_URL"] = postgres.start()
        os.environ["REDIS_URL"] = redis.start()
        os.environ.update(
            DJANGO_SETTINGS_MODULE="club.settings",
            EMAIL_BACKEND="smtp",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(sink.port),
            DEBUG="true",
            LOG_LEVEL="WARNING",
        )
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import transaction

        call_command("migrate", verbosity=0)
        user_ids = seed(N)

        # The limit: the same messages over one plain smtplib connection, nothing else.
        messages = raw_messages(user_ids)
        started = time.monotonic()
        raw_send(sink.port, messages)
        while sink.count() < N and time.monotonic() - started < TIMEOUT:
            time.sleep(0.01)
        raw_seconds = time.monotonic() - started
        raw_rate = N / raw_seconds if raw_seconds else 0.0
        raw_count = sink.count()
        del messages

        log = tmp / "worker.log"
        worker = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "club",
                "worker",
                "--concurrency=2",
                "--loglevel=WARNING",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=os.environ.copy(),
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        sampler = RssSampler(worker.pid)
        sampler.start()

        from members.models import Sector
        from notifications import services
        from notifications.models import Broadcast

        # A first trigger to an empty audience (a sector with no firms) warms the broker
        # connection, as in a web process that has served requests before. The clock starts
        # when the worker has expanded it: a worker that is up, as in production, not one still
        # importing the portal.
        empty = Sector.objects.get(slug="agroalimentare").pk
        cold = time.monotonic()
        with transaction.atomic():
            warm_up = services.notify_audience(
                audience="approved_firm_users",
                params={"sector_ids": [empty]},
                kind=KIND,
                object_key="bench:warm-up",
            )
        cold_ms = (time.monotonic() - cold) * 1000
        deadline = time.monotonic() + 120
        while not Broadcast.objects.filter(pk=warm_up.pk, expanded_at__isnull=False).exists():
            if worker.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the Celery worker did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.05)

        started = time.monotonic()
        with transaction.atomic():
            services.notify_audience(
                audience="approved_firm_users",
                kind=KIND,
                object_key=OBJECT_KEY,
                context=CONTEXT,
                url=URL,
            )
        trigger_ms = (time.monotonic() - started) * 1000

        last_count, last_change = 0, time.monotonic()
        while last_count < N and time.monotonic() - started < TIMEOUT:
            time.sleep(0.05)
            count = sink.count() - raw_count
            if count != last_count:
                last_count, last_change = count, time.monotonic()
        elapsed = (last_change if last_count else time.monotonic()) - started
        time.sleep(1.0)  # catch late duplicates
        memory = sampler.stop()
        sampler = None
        ids = sink.ids()[raw_count:]
        delivered = len(set(ids))
        duplicates = len(ids) - delivered
        rate = delivered / elapsed if elapsed else 0.0
        of_raw = rate / raw_rate if raw_rate else 0.0
        print(f"recipients:          {N}")
        print("worker processes:    2")
        print(f"raw smtplib loop:    {raw_count} in {raw_seconds:.1f} s, {raw_rate:.0f}/s")
        print(f"trigger:             {trigger_ms:.1f} ms (one Broadcast row, enqueue after commit)")
        print(f"trigger, cold:       {cold_ms:.1f} ms (first publish of the process)")
        print(f"total time:          {elapsed:.1f} s")
        print(f"throughput:          {rate:.0f} emails/s, {of_raw:.2f} of the raw loop")
        print(f"messages at sink:    {len(ids)} ({delivered} distinct Message-IDs)")
        print(
            f"worker memory:       peak {memory.peak:.0f} MiB, first quarter {memory.first:.0f} "
            f"MiB, last quarter {memory.last:.0f} MiB ({memory.growth:+.0%})"
        )
        missed = [
            name
            for name, ok in [
                ("delivered", delivered == N),
                ("duplicates", duplicates == 0),
                (f"{TARGET_OF_RAW} of raw", of_raw >= TARGET_OF_RAW),
                (f"trigger <= {TARGET_TRIGGER_MS:.0f} ms", trigger_ms <= TARGET_TRIGGER_MS),
                ("memory growth", memory.growth <= TARGET_MEMORY_GROWTH),
            ]
            if not ok
        ]
        if missed:
            print(f"missed: {', '.join(missed)}")
        print(
            f"notifications: {delivered} delivered of {N} in {elapsed:.1f} s, {rate:.0f}/s, "
            f"{of_raw:.2f} of raw, duplicates {duplicates}, trigger {trigger_ms:.0f} ms"
        )
        return 1 if missed else 0
    finally:
        if sampler is not None:
            sampler.stop()
        if worker is not None:
            worker.terminate()
            worker.wait(20)
        sink.stop()
        redis.stop()
        postgres.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def raw_messages(user_ids: list[int]) -> list[tuple[str, list[str], bytes]]:
    """(from, to, bytes) of the emails the outbox will send: the same rows, built the same way
    (unsaved), rendered before the clock starts."""
    import email.policy

    from members.models import User
    from notifications import emails, services
    from notifications.models import Notification

    messages = []
    for user in User.objects.filter(pk__in=user_ids).order_by("pk"):
        row = Notification(
            recipient=user,
            kind=KIND,
            object_key=OBJECT_KEY,
            version="1",
            key=services.idempotency_key(
                recipient_id=user.pk, kind=KIND, object_key=OBJECT_KEY, version="1"
            ),
            context=CONTEXT,
            url=URL,
        )
        message = emails.build_notification_email(row)
        messages.append(
            (
                message.from_email,
                message.recipients(),
                message.message(policy=email.policy.SMTP).as_bytes(),
            )
        )
    return messages


def raw_send(port: int, messages: list[tuple[str, list[str], bytes]]) -> None:
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for from_email, to, data in messages:
            smtp.sendmail(from_email, to, data)


def seed(count: int) -> list[int]:
    from members.models import Firm, Membership, Sector, User
    from members.vat import example_vat_number

    sector = Sector.objects.get(slug="metalmeccanico")
    users = User.objects.bulk_create(
        (
            User(email=f"impresa{n}@bench.example.it", first_name=f"Referente {n}")
            for n in range(count)
        ),
        batch_size=2000,
    )
    firms = Firm.objects.bulk_create(
        (
            Firm(
                name=f"Impresa {n}",
                vat_number=example_vat_number(n + 1),
                ateco_code="25.62",
                sector=sector,
                comune="Sondrio",
                status=Firm.Status.APPROVED,
            )
            for n in range(count)
        ),
        batch_size=2000,
    )
    Membership.objects.bulk_create(
        (Membership(user=u, firm=f, role="owner") for u, f in zip(users, firms, strict=True)),
        batch_size=2000,
    )
    return [u.pk for u in users]


if __name__ == "__main__":
    sys.exit(main())
