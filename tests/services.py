"""pytest plugin (loaded with `-p tests.services`): real PostgreSQL and Redis for the session.

It runs at import time, before pytest-django reads the settings, so that DATABASE_URL and
REDIS_URL point at throw-away servers started here, unless they are already set (e.g. CI with
its own servers). The servers live in a temporary folder and are stopped when pytest ends.
"""

import os
import shutil
import tempfile
import warnings
from pathlib import Path

# Importing `club` loads club/celery.py, whose setdefault would pick club.settings over the
# pyproject's tests.settings (pytest-django prefers the environment): name the test settings first.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
# DEBUG is off unless set (club/settings.py): the suite runs the development configuration, and
# so do the processes it starts (the delivery tests' Celery workers inherit this environment).
# pytest-django still runs each test with settings.DEBUG False, as Django's test runner does.
os.environ.setdefault("DEBUG", "true")

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # platformdirs warns without XDG_RUNTIME_DIR
    from tools import devservices

_started: list = []
_tmp: Path | None = None

if not os.environ.get("DATABASE_URL") or not os.environ.get("REDIS_URL"):
    _tmp = Path(tempfile.mkdtemp(prefix="club-test-", dir="/tmp"))
    postgres, redis = devservices.services(_tmp)
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = postgres.start()
        # pg_dump/pg_restore of the same version, for the backup tests (club/settings.py).
        os.environ.setdefault("PG_BIN_DIR", str(postgres.bindir))
        _started.append(postgres)
    if not os.environ.get("REDIS_URL"):
        os.environ["REDIS_URL"] = redis.start()
        _started.append(redis)


def local_redis():
    """The Redis this session started (None when REDIS_URL came from outside)."""
    return next((s for s in _started if isinstance(s, devservices.Redis)), None)


def pytest_unconfigure(config) -> None:
    if hasattr(config, "workerinput"):
        return  # an xdist worker: the controller owns the servers
    for service in _started:
        service.stop()
    _started.clear()
    if _tmp is not None:
        shutil.rmtree(_tmp, ignore_errors=True)
