"""Container health probes (Dockerfile HEALTHCHECK, docker-compose.yml). Standard library only:
it runs every few seconds, so it loads no Django (but for the worker's ping) and needs no curl
(absent from the slim image).

    python deploy/healthcheck.py web     GET /health/live on 127.0.0.1:$PORT (default 8000),
                                         with a Host header from ALLOWED_HOSTS (Django answers
                                         400 to any other host)
    python deploy/healthcheck.py worker  this container's Celery worker (WORKER_NAME, default
                                         celery@$HOSTNAME) answers a ping through the broker
    python deploy/healthcheck.py beat    beat's schedule file (BEAT_SCHEDULE_FILE, default
                                         /tmp/celerybeat-schedule) was written in the last
                                         BEAT_SCHEDULE_MAX_AGE seconds (default 600)
    python deploy/healthcheck.py         the probe of what this container runs (gunicorn,
                                         celery worker or celery beat, found in /proc); a
                                         one-shot command (migrate, seed_demo) counts as healthy

One image runs every role, so the image's HEALTHCHECK uses the last form. Exit status 0 when
healthy, 1 otherwise, with one line saying why.
"""

import glob
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request


def probe_host() -> str:
    """The first ALLOWED_HOSTS entry usable as a Host header ("*" and "" give localhost)."""
    for entry in (os.environ.get("ALLOWED_HOSTS") or "").split(","):
        host = entry.strip().lstrip("*").lstrip(".")
        if host:
            return host
    return "localhost"


def web() -> str | None:
    port = os.environ.get("PORT") or "8000"
    url = f"http://127.0.0.1:{port}/health/live"
    request = urllib.request.Request(url, headers={"Host": probe_host()})  # noqa: S310 - fixed http URL
    try:
        with urllib.request.urlopen(request, timeout=4) as response:  # noqa: S310
            if response.status == 200:
                return None
            return f"{url} answered {response.status}"
    except urllib.error.HTTPError as error:
        return f"{url} answered {error.code}"
    except OSError as error:
        return f"{url} unreachable: {error}"


def beat() -> str | None:
    path = os.environ.get("BEAT_SCHEDULE_FILE") or "/tmp/celerybeat-schedule"  # noqa: S108
    max_age = float(os.environ.get("BEAT_SCHEDULE_MAX_AGE") or 600)
    # The shelve behind the schedule may add a suffix (.db, .dat/.dir with dbm.dumb).
    files = glob.glob(glob.escape(path) + "*")
    if not files:
        return f"{path} does not exist: beat has not started"
    age = time.time() - max(os.path.getmtime(name) for name in files)
    if age > max_age:
        return f"{path} last written {age:.0f} s ago (more than {max_age:.0f} s): beat is stuck"
    return None


def worker() -> str | None:
    # Celery's default node name; WORKER_NAME when the worker was started with --hostname.
    host = os.environ.get("HOSTNAME") or socket.gethostname()
    name = os.environ.get("WORKER_NAME") or f"celery@{host}"
    command = ["celery", "-A", "club", "inspect", "ping", "--timeout", "10", "-d", name]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=30)  # noqa: S603
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"{' '.join(command)} failed: {error}"
    if result.returncode != 0 or "pong" not in result.stdout:
        return f"{name} did not answer a ping"
    return None


PROBES = {"web": web, "worker": worker, "beat": beat}


def role(commands: list[list[str]]) -> str | None:
    """What a container runs, from its processes' command lines (lowest pid first)."""
    for argv in commands:
        names = {os.path.basename(arg) for arg in argv}
        if "gunicorn" in names:
            return "web"
        if "celery" in names and "beat" in argv:
            return "beat"
        if "celery" in names and "worker" in argv:
            return "worker"
    return None


def running_commands() -> list[list[str]]:
    pids = sorted(int(entry) for entry in os.listdir("/proc") if entry.isdigit())
    commands = []
    for pid in pids:
        if pid == os.getpid():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                raw = cmdline.read()
        except OSError:
            continue  # ended meanwhile
        commands.append([arg.decode(errors="replace") for arg in raw.split(b"\0") if arg])
    return commands


def main(argv: list[str]) -> int:
    if len(argv) > 2 or (len(argv) == 2 and argv[1] not in PROBES):
        print(f"usage: {argv[0]} [{'|'.join(PROBES)}]", file=sys.stderr)
        return 2
    kind = argv[1] if len(argv) == 2 else role(running_commands())
    if kind is None:
        return 0  # a one-shot command: nothing long-running to probe
    problem = PROBES[kind]()
    if problem:
        print(f"unhealthy: {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
