"""Logs that can be followed across processes: a request id on every line, JSON in production.

- `RequestIdMiddleware` (first in MIDDLEWARE) gives each request an id: the proxy's
  `X-Request-ID` when it looks like one (nginx sends `$request_id`, 32 hex digits), otherwise a
  new uuid4 hex. It lives in a context variable until the response is closed and goes back in
  the response's `X-Request-ID`, so a user's report, the proxy's log and ours meet on one value.
- `ContextFilter` (on the console handler) adds `request_id` and, inside a Celery task,
  `task_id` to every record.
- `JsonFormatter` writes one JSON object per line (LOG_FORMAT=json, the default with DEBUG off).
"""

import json
import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime

import sentry_sdk
from celery import current_task
from django.core.signals import request_finished
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

REQUEST_ID_HEADER = "X-Request-ID"
# Only what a proxy's id looks like: nothing a client could use to forge or break a log line.
_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9-]{8,64}")
request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = given if _SAFE_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        # Kept until the response is closed (request_finished, below), not only while the
        # middleware runs: Django logs a returned 4xx/5xx response after the middleware chain.
        request_id_var.set(request_id)
        if sentry_sdk.get_client().is_active():  # error reports carry it too
            sentry_sdk.set_tag("request_id", request_id)
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        return response


@receiver(request_finished, dispatch_uid="core.logs.forget_request_id")
def _forget_request_id(**kwargs: object) -> None:
    request_id_var.set(None)


def _current_task_id() -> str | None:
    # `current_task` stands for None outside a task: getattr's default covers that.
    task_request = getattr(current_task, "request", None)
    task_id = getattr(task_request, "id", None)
    return str(task_id) if task_id else None


NO_ID = "-"  # outside a request or a task, as nginx writes an empty field


class ContextFilter(logging.Filter):
    """Adds `request_id` and `task_id` ("-" outside a request or a task) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get() or NO_ID
        if not hasattr(record, "task_id"):
            record.task_id = _current_task_id() or NO_ID
        return True


# Attributes every LogRecord has: the rest came from `extra=` and go into the JSON object.
_STANDARD_ATTRIBUTES = frozenset(
    vars(logging.LogRecord("", 0, "", 0, "", None, None)).keys() | {"message", "asctime"}
)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, request_id,
    task_id, the `extra=` fields, and the formatted traceback under `exception`."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRIBUTES and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)
