"""Publishing Celery tasks without letting a broker outage reach the user."""

import logging
from typing import Any

from kombu.exceptions import KombuError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def enqueue(task: Any, *args: Any) -> bool:
    """Publish a task; if the broker is down, log and return False: a sweeper delivers later.

    Call it after commit, so the row the task works on is safe in PostgreSQL whatever happens
    here. The broker transport options in settings make a dead Redis fail in milliseconds, not
    hang the request.
    """
    try:
        task.delay(*args)
    except (KombuError, RedisError, OSError) as exc:
        logger.warning("Broker unavailable, %s left to the sweeper: %s", task.name, exc)
        return False
    return True
