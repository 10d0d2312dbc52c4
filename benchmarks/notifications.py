"""Benchmark: 10,000 notification emails through the outbox to a local SMTP server.

Starts its own PostgreSQL and Redis (throw-away, like the tests), an SMTP sink on loopback and a
real Celery worker with 2 processes; triggers one fan-out to 10,000 firm users and waits until
the sink has them all. Prints the figures; the last line is the summary.

    make bench-notifications            (N=2000 make bench-notifications for a quick run)
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
warnings.filterwarnings("ignore", module="platformdirs")

from tests.support.smtp_sink import SmtpSink  # noqa: E402
from tools import devservices  # noqa: E402

N = int(os.environ.get("N", "10000"))
TIMEOUT = float(os.environ.get("BENCH_TIMEOUT", "300"))


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="club-bench-", dir="/tmp"))
    postgres, redis = devservices.services(tmp)
    sink = SmtpSink().start()
    worker = None
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
        seed(N)

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
        time.sleep(3)  # let the pool fork and connect

        from members.models import Sector
        from notifications import services

        # A first trigger to an empty audience (a sector with no firms) warms the broker
        # connection, as in a web process that has served requests before.
        empty = Sector.objects.get(slug="agroalimentare").pk
        cold = time.monotonic()
        with transaction.atomic():
            services.notify_audience(
                audience="approved_firm_users",
                params={"sector_ids": [empty]},
                kind="announcement",
                object_key="bench:warm-up",
            )
        cold_ms = (time.monotonic() - cold) * 1000

        started = time.monotonic()
        with transaction.atomic():
            services.notify_audience(
                audience="approved_firm_users",
                kind="announcement",
                object_key="bench:1",
                context={"title": "Missione a Colonia", "body": "Iscrizioni aperte"},
                url="/notifiche/",
            )
        trigger_ms = (time.monotonic() - started) * 1000

        last_count, last_change = 0, time.monotonic()
        while len(sink.received) < N and time.monotonic() - started < TIMEOUT:
            time.sleep(0.2)
            count = len(sink.received)
            if count != last_count:
                last_count, last_change = count, time.monotonic()
        elapsed = (last_change if last_count else time.monotonic()) - started
        time.sleep(1.0)  # catch late duplicates
        ids = sink.message_ids()
        delivered = len(set(ids))
        duplicates = len(ids) - delivered
        rate = delivered / elapsed if elapsed else 0.0
        print(f"recipients:          {N}")
        print("worker processes:    2")
        print(f"trigger:             {trigger_ms:.1f} ms (one Broadcast row, enqueue after commit)")
        print(f"trigger, cold:       {cold_ms:.1f} ms (first publish of the process)")
        print(f"total time:          {elapsed:.1f} s")
        print(f"throughput:          {rate:.0f} emails/s")
        print(f"messages at sink:    {len(ids)} ({delivered} distinct Message-IDs)")
        print(
            f"notifications: {delivered} delivered of {N} in {elapsed:.1f} s, {rate:.0f}/s, "
            f"duplicates {duplicates}, trigger {trigger_ms:.0f} ms"
        )
        return 0 if delivered == N and duplicates == 0 else 1
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(20)
        sink.stop()
        redis.stop()
        postgres.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def seed(count: int) -> None:
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


if __name__ == "__main__":
    sys.exit(main())
