"""Logs and errors in production: request ids, JSON lines, Sentry only with a DSN, ADMINS mails.

The settings' environment handling runs in subprocesses (club.settings as production loads it);
Sentry's reports go to a real HTTP server on loopback standing in for Sentry.
"""

import gzip
import json
import logging
import re
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import brotli
import pytest
from django.core import mail
from django.http import HttpResponse
from django.test import Client
from django.urls import path, reverse

from club.celery import app as celery_app
from club.urls import urlpatterns as project_urls
from core.logs import ContextFilter

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "PATH": "/usr/bin:/bin",
    "DJANGO_SETTINGS_MODULE": "club.settings",
    "DATABASE_URL": "postgres://x@localhost/x",  # never connected to
    "DEBUG": "false",
    "SECRET_KEY": "a-test-only-production-key-" + "x" * 40,
    "ALLOWED_HOSTS": "club.example.it",
    "EMAIL_HOST": "smtp.example.it",  # never connected to (the probe uses locmem)
}


def boom(request):
    logging.getLogger("club.probe").warning("about to fail")
    raise RuntimeError("a bug in a view")


def refuse(request):
    return HttpResponse("no", status=403)  # returned, not raised: Django logs it last


urlpatterns = [path("test-500/", boom), path("test-403/", refuse), *project_urls]
handler500 = "pages.views.server_error"


@celery_app.task(name="tests.log_probe")
def log_probe():
    logging.getLogger("club.probe").warning("inside a task")


@pytest.fixture
def logs(caplog):
    """Log records as the console handler sees them (with the context filter)."""
    caplog.set_level(logging.INFO)
    caplog.handler.addFilter(ContextFilter())
    return caplog


# --- Request ids ---------------------------------------------------------------------------------


def test_each_response_carries_a_new_request_id(client):
    first = client.get(reverse("health:live"))["X-Request-ID"]
    second = client.get(reverse("health:live"))["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert first != second


def test_the_proxy_request_id_is_kept_when_it_looks_like_one(client):
    response = client.get(reverse("health:live"), headers={"X-Request-ID": "3f1c9a7e-42b0-4e"})
    assert response["X-Request-ID"] == "3f1c9a7e-42b0-4e"


@pytest.mark.parametrize("given", ["short", "x" * 65, "abc def ghi", "abcdefgh\nforged line"])
def test_an_odd_request_id_is_replaced(client, given):
    response = client.get(reverse("health:live"), headers={"X-Request-ID": given})
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_log_lines_of_a_request_carry_its_request_id(logs):
    response = Client(raise_request_exception=False).get("/test-500/")
    assert response.status_code == 500
    request_id = response["X-Request-ID"]
    ours = next(r for r in logs.records if r.getMessage() == "about to fail")
    error = next(r for r in logs.records if r.name == "django.request")
    assert ours.request_id == error.request_id == request_id
    assert error.exc_info


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_the_log_line_of_a_returned_error_response_carries_the_request_id(logs):
    response = Client().get("/test-403/")
    line = next(r for r in logs.records if r.name == "django.request")
    assert line.getMessage() == "Forbidden: /test-403/"
    assert line.request_id == response["X-Request-ID"]


def test_log_lines_outside_a_request_say_so(logs):
    logging.getLogger("club.probe").warning("no request here")
    assert logs.records[-1].request_id == "-"
    assert logs.records[-1].task_id == "-"


def test_log_lines_of_a_celery_task_carry_its_task_id(logs, eager_celery):
    result = log_probe.delay()
    line = next(r for r in logs.records if r.getMessage() == "inside a task")
    assert line.task_id == result.id
    assert logs.records[-1].request_id == "-"


# --- Log format ----------------------------------------------------------------------------------

LOG_A_LINE = (
    "import django, logging; django.setup(); "
    "logging.getLogger('club.probe').warning('hello %s', 'there', extra={'firm_id': 7})"
)


def run_python(code: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True
    )


def test_production_logs_are_json_lines():
    result = run_python(LOG_A_LINE, PRODUCTION_ENV)
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert line["message"] == "hello there"
    assert line["level"] == "WARNING"
    assert line["logger"] == "club.probe"
    assert line["firm_id"] == 7
    assert line["request_id"] == "-"
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", line["time"])


def test_log_format_plain_and_debug_give_readable_lines():
    for env in ({**PRODUCTION_ENV, "LOG_FORMAT": "plain"}, {**PRODUCTION_ENV, "DEBUG": "true"}):
        last = run_python(LOG_A_LINE, env).stderr.strip().splitlines()[-1]
        assert last.endswith("WARNING club.probe [-]: hello there")


def test_an_unknown_log_format_is_refused():
    result = run_python(LOG_A_LINE, {**PRODUCTION_ENV, "LOG_FORMAT": "xml"})
    assert result.returncode != 0
    assert "LOG_FORMAT='xml': use json or plain." in result.stderr


# --- Sentry and ADMINS: a server error under the production settings -----------------------------


class _SentrySink(BaseHTTPRequestHandler):
    """Stands in for Sentry: keeps every envelope posted to it (decompressed)."""

    envelopes: list[str] = []

    def do_POST(self):  # noqa: N802 - http.server's naming
        body = self.rfile.read(int(self.headers["Content-Length"]))
        encoding = self.headers.get("Content-Encoding")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":
            body = brotli.decompress(body)
        self.envelopes.append(body.decode())
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def sentry_sink():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SentrySink)
    _SentrySink.envelopes = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def probe_a_server_error(**env: str) -> dict:
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "tests.support.error_probe"],
        env={**PRODUCTION_ENV, "DEBUG": "true", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["status"] == 500
    return report


def test_without_sentry_dsn_sentry_is_never_initialised(sentry_sink):
    report = probe_a_server_error()  # PRODUCTION_ENV has no SENTRY_DSN
    assert report["sentry_active"] is False
    assert _SentrySink.envelopes == []


def test_with_sentry_dsn_a_view_error_reaches_sentry_without_personal_data(sentry_sink):
    port = sentry_sink.server_address[1]
    report = probe_a_server_error(
        SENTRY_DSN=f"http://publickey@127.0.0.1:{port}/42", SENTRY_ENVIRONMENT="staging"
    )
    assert report["sentry_active"] is True
    events = [e for e in _SentrySink.envelopes if '"type":"event"' in e.replace(" ", "")]
    assert len(events) == 1
    event = events[0]
    assert "RuntimeError" in event
    assert "error-probe: a bug in a view" in event
    assert '"environment":"staging"' in event.replace(" ", "")
    assert report["request_id"] in event  # the tag set by the request-id middleware
    assert "/boom/" in event
    for envelope in _SentrySink.envelopes:  # send_default_pii=False
        assert "probe-secret-cookie" not in envelope
        assert "probe-secret-token" not in envelope
        assert "probe-secret-password" not in envelope  # the POST body
        assert "probe-secret@example.it" not in envelope
        assert "probe-secret-link" not in envelope  # the view's local variables


def test_a_server_error_mails_the_admins_from_the_environment():
    report = probe_a_server_error(ADMINS='"Rossi, Mario" <m.rossi@example.it>, ops@example.it')
    assert len(report["mails"]) == 1
    assert report["mails"][0]["to"] == ['"Rossi, Mario" <m.rossi@example.it>', "ops@example.it"]
    assert "Internal Server Error: /boom/" in report["mails"][0]["subject"]


def test_without_admins_a_server_error_mails_nobody():
    assert probe_a_server_error()["mails"] == []


def test_an_admins_entry_that_is_not_an_address_is_refused():
    result = run_python("import django; django.setup()", {**PRODUCTION_ENV, "ADMINS": "ops team"})
    assert result.returncode != 0
    assert "ADMINS='ops team': 'ops' is not an email address" in result.stderr


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_500_mails_the_admins_in_process(settings):
    settings.ADMINS = ["Ops <ops@example.it>"]
    Client(raise_request_exception=False).get("/test-500/")
    assert [m.to for m in mail.outbox] == [["Ops <ops@example.it>"]]
    assert "a bug in a view" in mail.outbox[0].body


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_500_mails_nobody_when_admins_is_unset(settings):
    settings.ADMINS = []
    Client(raise_request_exception=False).get("/test-500/")
    assert mail.outbox == []
