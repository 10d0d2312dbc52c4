"""Container health probes (Dockerfile HEALTHCHECK, docker-compose.yml). Standard library only:
it runs every few seconds, so it neither loads Django nor needs curl (absent from the slim image).

    python deploy/healthcheck.py web    GET /health/live on 127.0.0.1:$PORT (default 8000), with
                                        a Host header from ALLOWED_HOSTS (Django answers 400 to
                                        any other host)
    python deploy/healthcheck.py beat   beat's schedule file (BEAT_SCHEDULE_FILE, default
                                        /tmp/celerybeat-schedule) was written in the last
                                        BEAT_SCHEDULE_MAX_AGE seconds (default 600)

Exit status 0 when healthy, 1 otherwise, with one line saying why.
"""

import glob
import os
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


PROBES = {"web": web, "beat": beat}


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[1] not in PROBES:
        print(f"usage: {argv[0]} {'|'.join(PROBES)}", file=sys.stderr)
        return 2
    problem = PROBES[argv[1]]()
    if problem:
        print(f"unhealthy: {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
