"""`make test-deploy`: the production configuration, run on loopback and checked end to end.

Without Docker (no container engine or base image can be fetched here), with the same pieces a
real host runs: DEBUG off and a fresh 64-character SECRET_KEY; throw-away PostgreSQL and Redis
(tools/devservices.py); an S3-compatible object store for media (moto's server,
tools/objectstore.py); `migrate` and `collectstatic` (manifest storage); two gunicorn nodes on two
ports (deploy/gunicorn.conf.py); Debian's nginx (deploy/nginx.conf.template) terminating TLS
with a certificate made here, doing round-robin over the nodes and sending X-Forwarded-For,
-Proto, -Host, X-Real-IP and X-Request-ID; TRUSTED_PROXY_COUNT=1; one Celery worker and one
beat; email to files. Then Playwright (Chromium) and plain HTTPS requests drive it through nginx.

Each check prints `ok <name>` or `FAIL <name>: <why>`; the last line reads
`deploy: <passed> checks passed of <total>`, and the exit status is 1 unless all passed. Every
process is stopped at the end, also on failure or Ctrl-C. Their logs stay in var/deploy-check/
logs/ (git-ignored); on failure the tail of each is printed.

The only thing the portal does differently for this check: DEPLOY_CHECK_ERROR_URL=true routes
/deploy-check/500/, which raises, to see the 500 page (club/urls.py).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import ssl
import subprocess
import sys
import time
import traceback
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "deploy-check"
LOGS = VAR / "logs"
PY = sys.executable
BIN = Path(PY).parent
BUCKET = "club-media"
WEB_NODES = 2
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
# Security headers every response through nginx must carry (name -> expected value or None).
SECURITY_HEADERS: dict[str, str | None] = {
    "content-security-policy": None,
    "strict-transport-security": None,
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
}
ERROR_TEXTS = {
    403: {
        "it": "Accesso non consentito",
        "en": "Access not allowed",
        "de": "Zugriff nicht erlaubt",
    },
    404: {"it": "Pagina non trovata", "en": "Page not found", "de": "Seite nicht gefunden"},
    500: {
        "it": "Si è verificato un errore",
        "en": "Something went wrong",
        "de": "Ein Fehler ist aufgetreten",
    },
}
TOO_MANY = "Too many failed login attempts"

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # platformdirs warns without XDG_RUNTIME_DIR
    from tools import devservices, objectstore


class CheckFailed(AssertionError):
    pass


def expect(condition: object, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


# --- Processes ------------------------------------------------------------------------------------


@dataclass
class Stack:
    env: dict[str, str] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    log_files: dict[str, IO[bytes]] = field(default_factory=dict)
    services: tuple[devservices.Postgres, devservices.Redis] | None = None
    store: objectstore.ObjectStore | None = None
    sink: Any = None  # tests.support.smtp_sink.SmtpSink: the mail server the worker sends to
    node_ports: list[int] = field(default_factory=list)
    nginx_port: int = 0
    nginx_http_port: int = 0
    cert: Path = VAR / "tls" / "cert.pem"
    seeded_owner: str = ""

    @property
    def base(self) -> str:
        return f"https://127.0.0.1:{self.nginx_port}"

    def log(self, name: str) -> IO[bytes]:
        handle = open(LOGS / f"{name}.log", "ab")  # noqa: SIM115 - closed in down()
        self.log_files[name] = handle
        return handle

    def run(self, name: str, *args: str, timeout: int = 300) -> str:
        """A one-off command (manage.py ...) under the deploy environment; its output."""
        out = subprocess.run(  # noqa: S603
            list(args), cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=timeout
        )
        (LOGS / f"{name}.log").write_text(out.stdout + out.stderr)
        if out.returncode:
            raise CheckFailed(f"{name} exited {out.returncode}: {(out.stdout + out.stderr)[-800:]}")
        return out.stdout + out.stderr

    def spawn(self, name: str, *args: str, env: dict[str, str] | None = None) -> None:
        """A long-running process in its own session (so its children stop with it)."""
        handle = self.log(name)
        self.processes[name] = subprocess.Popen(  # noqa: S603
            list(args),
            cwd=ROOT,
            env={**self.env, **(env or {})},
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def exited(self) -> list[str]:
        return [name for name, p in self.processes.items() if p.poll() is not None]

    def up(self) -> None:
        LOGS.mkdir(parents=True, exist_ok=True)
        postgres, redis = devservices.services(VAR / "services")
        self.services = (postgres, redis)
        database_url = postgres.start()
        redis_url = redis.start()
        self.store = objectstore.start(log=self.log("s3"))
        from tests.support.smtp_sink import SmtpSink

        self.sink = SmtpSink().start()
        self.store.create_bucket(BUCKET)
        self.node_ports = [devservices.free_port() for _ in range(WEB_NODES)]
        self.nginx_port = devservices.free_port()
        self.nginx_http_port = devservices.free_port()
        site = f"https://127.0.0.1:{self.nginx_port}"
        base_env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "AWS_"))}
        self.env = {
            **base_env,
            "DJANGO_SETTINGS_MODULE": "club.settings",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "CSRF_TRUSTED_ORIGINS": site,
            "SITE_URL": site,
            "TRUSTED_PROXY_COUNT": "1",
            "STATIC_ROOT": str(VAR / "staticfiles"),
            # Media go to the bucket: nothing may appear here (check_logo_across_nodes).
            "MEDIA_ROOT": str(VAR / "media-unused"),
            # SMTP (check --deploy refuses the file and console backends) to a local sink.
            "EMAIL_BACKEND": "smtp",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.sink.port),
            "DEPLOY_CHECK_ERROR_URL": "true",
            "WEB_CONCURRENCY": "2",
            "PYTHONUNBUFFERED": "1",
            **self.store.env(BUCKET),
        }
        self.run("migrate", PY, "manage.py", "migrate", "--no-input")
        self.run("collectstatic", PY, "manage.py", "collectstatic", "--no-input", "--clear")
        for n, port in enumerate(self.node_ports, start=1):
            self.spawn(
                f"web{n}",
                str(BIN / "gunicorn"),
                "-c",
                "deploy/gunicorn.conf.py",
                env={"GUNICORN_BIND": f"127.0.0.1:{port}"},
            )
        self.spawn(
            "worker",
            str(BIN / "celery"),
            "-A",
            "club",
            "worker",
            "--loglevel=INFO",
            "--concurrency=2",
        )
        self.spawn(
            "beat",
            str(BIN / "celery"),
            "-A",
            "club",
            "beat",
            "--loglevel=INFO",
            "-s",
            str(VAR / "celerybeat-schedule"),
        )
        self.start_nginx()
        deadline = time.monotonic() + 60
        for port in [*self.node_ports, self.nginx_port]:
            while not devservices.port_open(port):
                dead = self.exited()
                expect(not dead, f"{', '.join(dead)} exited at start")
                expect(time.monotonic() < deadline, f"nothing listens on port {port}")
                time.sleep(0.2)

    def start_nginx(self) -> None:
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        expect(Path(nginx).exists(), "nginx is not installed (apt-get install nginx)")
        tls = self.cert.parent
        tls.mkdir(parents=True, exist_ok=True)
        key = tls / "key.pem"
        openssl = shutil.which("openssl")
        expect(openssl, "openssl is not installed")
        subprocess.run(  # noqa: S603
            [
                str(openssl),
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=localhost",
                "-addext",
                "subjectAltName=DNS:localhost,IP:127.0.0.1",
                "-keyout",
                str(key),
                "-out",
                str(self.cert),
            ],
            check=True,
            capture_output=True,
        )
        prefix = VAR / "nginx"
        (prefix / "temp").mkdir(parents=True, exist_ok=True)
        (prefix / "logs").mkdir(exist_ok=True)  # nginx opens <prefix>/logs/error.log first
        values = {
            "NGINX_PID": str(prefix / "nginx.pid"),
            "NGINX_ERROR_LOG": str(LOGS / "nginx-error.log"),
            "NGINX_ACCESS_LOG": str(LOGS / "nginx-access.log"),
            "NGINX_TEMP": str(prefix / "temp"),
            "NGINX_LISTEN": f"127.0.0.1:{self.nginx_port}",
            "NGINX_HTTP_LISTEN": f"127.0.0.1:{self.nginx_http_port}",
            "PUBLIC_ORIGIN": self.base,
            "TLS_CERTIFICATE": str(self.cert),
            "TLS_CERTIFICATE_KEY": str(key),
            "UPSTREAM_SERVERS": " ".join(f"server 127.0.0.1:{p};" for p in self.node_ports),
        }
        conf = render_template((ROOT / "deploy" / "nginx.conf.template").read_text(), values)
        (prefix / "nginx.conf").write_text(conf)
        self.spawn(
            "nginx",
            nginx,
            "-p",
            str(prefix),
            "-c",
            str(prefix / "nginx.conf"),
            "-e",
            str(LOGS / "nginx-error.log"),
            "-g",
            "daemon off;",
        )

    def down(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for process in self.processes.values():
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        if self.store is not None:
            self.store.stop()
        if self.sink is not None:
            with contextlib.suppress(Exception):
                self.sink.stop()
        if self.services is not None:
            for service in self.services:
                with contextlib.suppress(Exception):
                    service.stop()
        for handle in self.log_files.values():
            handle.close()

    def print_log_tails(self, lines: int = 25) -> None:
        for path in sorted(LOGS.glob("*.log")):
            tail = path.read_text(errors="replace").splitlines()[-lines:]
            print(f"--- {path.relative_to(ROOT)} (last {len(tail)} lines)")
            print("\n".join(tail))


def render_template(text: str, values: dict[str, str]) -> str:
    """Replace ${NAME} for the given names; nginx's own $variables stay as they are."""
    for name, value in values.items():
        text = text.replace("${" + name + "}", value)
    left = re.findall(r"\$\{[A-Z_]+\}", "\n".join(line.split("#")[0] for line in text.splitlines()))
    expect(not left, f"nginx template: no value for {', '.join(sorted(set(left)))}")
    return text


# --- Plain HTTPS, from a chosen loopback address ------------------------------------------------


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


@dataclass
class HttpClient:
    """HTTPS to nginx from `source` (127.0.0.2 and 127.0.0.3 are two clients on loopback)."""

    stack: Stack
    source: str = "127.0.0.1"
    cookies: dict[str, str] = field(default_factory=dict)
    seen: list[tuple[str, Response]] | None = None

    def request(
        self, method: str, path: str, body: str | None = None, headers: dict[str, str] | None = None
    ) -> Response:
        context = ssl.create_default_context(cafile=str(self.stack.cert))
        conn = http.client.HTTPSConnection(
            "127.0.0.1",
            self.stack.nginx_port,
            context=context,
            source_address=(self.source, 0),
            timeout=30,
        )
        all_headers = {"Accept-Language": "en", **(headers or {})}
        jar = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if jar:
            all_headers["Cookie"] = "; ".join(filter(None, [jar, all_headers.get("Cookie")]))
        if body is not None:
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=all_headers)
            raw = conn.getresponse()
            response = Response(raw.status, {k.lower(): v for k, v in raw.getheaders()}, raw.read())
            for name, value in raw.getheaders():
                if name.lower() == "set-cookie":
                    pair = value.split(";", 1)[0]
                    key, _, cookie = pair.partition("=")
                    self.cookies[key.strip()] = cookie.strip()
        finally:
            conn.close()
        if self.seen is not None:
            self.seen.append((f"{method} {path}", response))
        return response

    def get(self, path: str, **headers: str) -> Response:
        return self.request("GET", path, headers=headers)

    def failed_login(self, email: str, extra: dict[str, str] | None = None) -> Response:
        page = self.get("/accounts/login/")
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        if match is None:
            raise CheckFailed(f"no CSRF token on the login page ({page.status})")
        form = f"csrfmiddlewaretoken={match.group(1)}&login={email}&password=wrong-password-1"
        return self.request(
            "POST",
            "/accounts/login/",
            body=form,
            headers={"Referer": f"{self.stack.base}/accounts/login/", **(extra or {})},
        )


def node_get(port: int, path: str) -> Response:
    """Straight to one gunicorn node, bypassing nginx (plain HTTP on loopback)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path)
        raw = conn.getresponse()
        return Response(raw.status, {k.lower(): v for k, v in raw.getheaders()}, raw.read())
    finally:
        conn.close()


def access_log() -> list[str]:
    path = LOGS / "nginx-access.log"
    return path.read_text().splitlines() if path.exists() else []


def node_log_lines() -> list[str]:
    paths = sorted(LOGS.glob("web*.log"))
    return [line for path in paths for line in path.read_text().splitlines()]


def upstream_of(line: str) -> str:
    match = re.search(r"upstream=(\S+)", line)
    return match.group(1) if match else ""


# --- The data the checks need ---------------------------------------------------------------------


@dataclass
class Seeded:
    """What tests/support/deploy_seed.py made (it prints these as JSON)."""

    staff_email: str
    totp_secret: str
    owner_email: str
    password: str
    firm_name: str
    mission_id: int


def current_totp_code(secret: str) -> str:
    """The staff member's code now, as allauth computes it (the app on their phone would)."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    if time.time() % 30 > 27:  # a code about to expire could reach the server too late
        time.sleep(30 - time.time() % 30 + 0.2)
    return str(format_hotp_value(hotp_value(secret, int(time.time()) // 30)))


def png_bytes() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (20, 90, 160)).save(out, format="PNG")
    return out.getvalue()


# --- The checks -----------------------------------------------------------------------------------


@dataclass
class Run:
    stack: Stack
    seeded: Seeded | None = None
    results: list[tuple[str, bool]] = field(default_factory=list)
    responses: list[tuple[str, Response]] = field(default_factory=list)

    def check(self, name: str, body: Callable[[], None]) -> None:
        try:
            body()
        except Exception as exc:  # noqa: BLE001 - every failure is reported, the run goes on
            reason = str(exc) if isinstance(exc, CheckFailed) else repr(exc)
            if not isinstance(exc, CheckFailed):
                (LOGS / "deploy-check-errors.log").open("a").write(traceback.format_exc())
            print(f"FAIL {name}: {reason}"[:600], flush=True)
            self.results.append((name, False))
        else:
            print(f"ok {name}", flush=True)
            self.results.append((name, True))


def check_deploy(stack: Stack) -> None:
    out = stack.run("check-deploy", PY, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    expect("System check identified no issues" in out, out.strip()[-600:])


def check_static(stack: Stack, client: HttpClient) -> None:
    manifest = VAR / "staticfiles" / "staticfiles.json"
    expect(manifest.exists(), "collectstatic wrote no manifest")
    home = client.get("/")
    expect(home.status == 200, f"home page: {home.status}")
    match = re.search(r'href="(/static/css/club\.[0-9a-f]{12}\.css)"', home.text)
    if match is None:
        raise CheckFailed("the home page does not link the hashed stylesheet")
    css = client.get(match.group(1))
    expect(css.status == 200, f"{match.group(1)}: {css.status}")
    expect("immutable" in css.headers.get("cache-control", ""), "hashed file not cached forever")


def check_live(stack: Stack, client: HttpClient) -> None:
    for port in stack.node_ports:
        response = node_get(port, "/health/live")
        expect(response.status == 200, f"node :{port} /health/live: {response.status}")
    response = client.get("/health/live")
    expect(response.status == 200, f"/health/live through nginx: {response.status}")


def check_ready(client: HttpClient, started: float) -> None:
    # Beat's first sweep is one minute after it starts: wait for it (at most two minutes).
    while True:
        response = client.get("/health/ready")
        if response.status == 200 or time.monotonic() - started > 150:
            break
        time.sleep(3)
    expect(response.status == 200, f"/health/ready: {response.status} {response.text[:300]}")


def check_http_redirect(stack: Stack) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", stack.nginx_http_port, timeout=10)
    try:
        conn.request("GET", "/accounts/login/?next=/imprese/")
        raw = conn.getresponse()
        location = raw.getheader("Location")
    finally:
        conn.close()
    expect(raw.status == 301, f"plain HTTP answered {raw.status}")
    expected = f"{stack.base}/accounts/login/?next=/imprese/"
    expect(location == expected, f"plain HTTP redirects to {location!r}")


def check_round_robin(stack: Stack) -> None:
    used = {upstream_of(line) for line in access_log()} - {"", "-"}
    expected = {f"127.0.0.1:{port}" for port in stack.node_ports}
    expect(used == expected, f"nginx used {sorted(used)}, expected {sorted(expected)}")


def check_security_headers(responses: list[tuple[str, Response]]) -> None:
    expect(len(responses) > 20, f"only {len(responses)} responses seen")
    bad = []
    for what, response in responses:
        for name, value in SECURITY_HEADERS.items():
            got = response.headers.get(name)
            if got is None or (value is not None and got != value):
                bad.append(f"{what} ({response.status}): {name}={got!r}")
    expect(not bad, f"{len(bad)} missing: " + "; ".join(bad[:6]))


def check_error_pages(client: HttpClient, status: int, path: str) -> None:
    for language, text in ERROR_TEXTS[status].items():
        response = client.get(path, Cookie=f"django_language={language}")
        expect(response.status == status, f"{path} in {language}: {response.status}")
        expect(text in response.text, f"{path} in {language}: no {text!r}")
        expect(f'lang="{language}"' in response.text, f"{path}: page not in {language}")
        expect("site-header" in response.text, f"{path}: not the portal's layout")


def check_request_ids() -> None:
    """nginx's $request_id reaches the node: gunicorn's access line and the portal's JSON error
    log of the same failed request carry it, so one id follows a request across the logs."""
    ids = [
        match.group(1)
        for line in access_log()
        if '"GET /deploy-check/500/' in line
        and (match := re.search(r"request_id=([0-9a-f]{32})", line))
    ]
    expect(ids, "nginx logged no request id for the 500 requests")
    # gunicorn writes its access line after the response: on a loaded host it can come a moment
    # after nginx's, so wait for it a little.
    deadline = time.monotonic() + 10
    while True:
        lines = node_log_lines()
        if all(any(f"request_id={rid}" in line for line in lines) for rid in ids):
            break
        if time.monotonic() > deadline:
            break
        time.sleep(0.5)
    for request_id in ids:
        access = [line for line in lines if f"request_id={request_id}" in line]
        expect(access, f"no gunicorn access line carries nginx's request id {request_id}")
        errors = []
        for line in lines:
            if not line.startswith("{"):
                continue
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if entry.get("request_id") == request_id and entry.get("level") == "ERROR":
                errors.append(entry)
        expect(errors, f"no JSON error log line of the portal carries request id {request_id}")


def check_rate_limits(stack: Stack, seen: list[tuple[str, Response]]) -> None:
    """Ten failed logins a minute per client address (allauth's login_failed), behind nginx.

    Two clients are two source addresses on loopback; nginx appends the peer's address to
    X-Forwarded-For and the portal (TRUSTED_PROXY_COUNT=1) takes that last entry. A client that
    sends its own X-Forwarded-For gains nothing: its forged entries come before nginx's.
    """
    first = HttpClient(stack, source="127.0.0.2", seen=seen)
    for n in range(10):
        response = first.failed_login(f"nobody{n}@deploy-check.example")
        expect(response.status == 200, f"failed login {n + 1}: {response.status}")
        expect(TOO_MANY not in response.text, f"limited already at attempt {n + 1}")
    response = first.failed_login("nobody10@deploy-check.example")
    expect(TOO_MANY in response.text, "the 11th failed login in a minute is not limited")
    forged = first.failed_login(
        "nobody11@deploy-check.example", extra={"X-Forwarded-For": "203.0.113.7"}
    )
    expect(TOO_MANY in forged.text, "a forged X-Forwarded-For escapes the limit")
    check_access_log_client("127.0.0.2", forged_address="203.0.113.7")
    second = HttpClient(stack, source="127.0.0.3", seen=seen)
    other = second.failed_login("nobody12@deploy-check.example")
    expect(other.status == 200, f"the other client: {other.status}")
    expect(TOO_MANY not in other.text, "a second client is limited by the first one's failures")
    expect("password" in other.text.lower(), "the other client got no login error")


def check_access_log_client(client: str, *, forged_address: str) -> None:
    """gunicorn's access lines name the address nginx saw (X-Real-IP), never one the client
    wrote into X-Forwarded-For."""
    deadline = time.monotonic() + 10
    while True:
        lines = [line for line in node_log_lines() if '"POST ' in line and "request_id=" in line]
        if any(line.startswith(f'{client} "POST ') for line in lines):
            break
        expect(time.monotonic() < deadline, f"no gunicorn access line names the client {client}")
        time.sleep(0.5)
    forged = [line for line in node_log_lines() if line.startswith(f"{forged_address} ")]
    expect(not forged, f"gunicorn logged the forged address: {forged[:1]}")


def check_mail(stack: Stack) -> None:
    """The worker sent the agenda's email (published while seeding) over SMTP."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if any(stack.seeded_owner in received.to for received in stack.sink.received):
            return
        time.sleep(1)
    raise CheckFailed("the worker sent no email to the firm owner")


@contextlib.contextmanager
def browser_context(stack: Stack, responses: list[tuple[str, Response]]) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:

            def new_context(language: str = "it") -> Any:
                context = browser.new_context(
                    ignore_https_errors=True, locale=language, base_url=stack.base
                )
                context.set_default_timeout(15_000)

                def record(response: Any) -> None:
                    if response.url.startswith(stack.base):
                        headers = {k.lower(): v for k, v in response.all_headers().items()}
                        what = f"{response.request.method} {urlsplit(response.url).path}"
                        responses.append((what, Response(response.status, headers, b"")))

                context.on("response", record)
                return context

            yield new_context
        finally:
            browser.close()


def log_in(page: Any, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.locator("main input[name=login]").fill(email)
    page.locator("main input[name=password]").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def check_staff_totp(new_context: Any, seeded: Seeded) -> None:
    context = new_context("it")
    page = context.new_page()
    log_in(page, seeded.staff_email, seeded.password)
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.locator("input[name=code]").fill(current_totp_code(seeded.totp_secret))
    page.locator("input[name=code]").press("Enter")
    page.wait_for_url(lambda url: "/2fa/authenticate" not in url)
    response = page.goto("/admin/")
    expect(response is not None and response.status == 200, "the admin did not open")
    expect("Gestione del Club" in page.content(), "the admin index is not shown")
    context.close()


def check_logo_across_nodes(stack: Stack, new_context: Any, seeded: Seeded) -> None:
    context = new_context("it")
    page = context.new_page()
    log_in(page, seeded.owner_email, seeded.password)
    page.goto("/imprese/la-mia/modifica/")
    page.get_by_label(re.compile(r"^Nuovo logo:?$")).set_input_files(
        files=[{"name": "logo.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    page.get_by_role("button", name="Carica il logo").click()
    image = page.get_by_role("img", name=f"Logo di {seeded.firm_name}")
    image.wait_for()
    src = image.get_attribute("src")
    expect(src, "no logo on the firm page after the upload")
    uploads = [line for line in access_log() if '"POST /imprese/la-mia/logo/' in line]
    expect(uploads, "the upload is not in nginx's access log")
    upload_node = upstream_of(uploads[-1])
    served_by: set[str] = set()
    for n in range(4):
        response = context.request.get(f"{context_base(page)}{src}&probe={n}")
        expect(response.status == 200, f"the logo through nginx: {response.status}")
        expect(response.body().startswith(b"\x89PNG"), "the logo is not the PNG")
        lines = [line for line in access_log() if f"probe={n} " in line]
        served_by.update(upstream_of(line) for line in lines)
        if served_by - {upload_node}:
            break
    expect(
        served_by - {upload_node},
        f"uploaded through {upload_node}, never served by the other node ({served_by})",
    )
    if stack.store is None:
        raise CheckFailed("no object store")
    keys = [o["Key"] for o in stack.store.client().list_objects_v2(Bucket=BUCKET)["Contents"]]
    expect(any(key.startswith("logos/") for key in keys), "the logo is not in the bucket")
    expect(not (VAR / "media-unused").exists(), "a node wrote media to its local disk")
    context.close()


def check_agenda_pdf(new_context: Any, seeded: Seeded) -> None:
    context = new_context("it")
    page = context.new_page()
    log_in(page, seeded.owner_email, seeded.password)
    response = context.request.get(f"{context_base(page)}/missioni/{seeded.mission_id}/agenda.pdf")
    expect(response.status == 200, f"agenda.pdf: {response.status}")
    expect(response.body().startswith(b"%PDF"), "agenda.pdf is not a PDF")
    context.close()


def check_403(new_context: Any, seeded: Seeded) -> None:
    """A firm's owner opens the admin: the portal's 403 page, in each language."""
    for language, text in ERROR_TEXTS[403].items():
        context = new_context(language)
        page = context.new_page()
        log_in(page, seeded.owner_email, seeded.password)
        context.add_cookies(
            [{"name": "django_language", "value": language, "url": context_base(page)}]
        )
        response = page.goto("/admin/")
        expect(response is not None and response.status == 403, f"/admin/ in {language}")
        expect(text in page.content(), f"/admin/ in {language}: no {text!r}")
        context.close()


def context_base(page: Any) -> str:
    parts = urlsplit(page.url)
    return f"{parts.scheme}://{parts.netloc}"


# --- Main -----------------------------------------------------------------------------------------

CHECKS = [
    "check --deploy clean",
    "static files from the manifest",
    "health/live on each node and through nginx",
    "staff login with TOTP",
    "logo uploaded through one node, served by the other",
    "agenda PDF renders",
    "403 page in it, en, de",
    "404 page in it, en, de",
    "500 page in it, en, de",
    "one request id in nginx, gunicorn and the JSON logs",
    "rate limits per client behind the proxy",
    "the worker sends email",
    "round-robin over both nodes",
    "plain HTTP redirects to HTTPS",
    "health/ready (database, Redis, worker, beat, outbox)",
    "security headers on every response",
]


def _stop_on_sigterm(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # unwinds through main()'s finally: every process is stopped


def main() -> int:
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    # A previous run that was killed: stop what it left, start from nothing.
    stale_pg, stale_redis = devservices.services(VAR / "services")
    with contextlib.suppress(Exception):
        stale_pg.stop()
        stale_redis.stop()
    shutil.rmtree(VAR, ignore_errors=True)
    LOGS.mkdir(parents=True)

    stack = Stack()
    run = Run(stack)
    started = time.monotonic()
    try:
        stack.up()
        beat_started = time.monotonic()
        seeded_json = stack.run("seed", PY, "-m", "tests.support.deploy_seed")
        seeded = Seeded(**json.loads(seeded_json.strip().splitlines()[-1]))
        stack.seeded_owner = seeded.owner_email
        os.environ.update(stack.env)  # allauth's TOTP helpers read the settings
        import django

        django.setup()
        client = HttpClient(stack, seen=run.responses)
        run.check(CHECKS[0], lambda: check_deploy(stack))
        run.check(CHECKS[1], lambda: check_static(stack, client))
        run.check(CHECKS[2], lambda: check_live(stack, client))
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's loop in this thread
        try:
            with browser_context(stack, run.responses) as new_context:
                run.check(CHECKS[3], lambda: check_staff_totp(new_context, seeded))
                run.check(CHECKS[4], lambda: check_logo_across_nodes(stack, new_context, seeded))
                run.check(CHECKS[5], lambda: check_agenda_pdf(new_context, seeded))
                run.check(CHECKS[6], lambda: check_403(new_context, seeded))
        except Exception as exc:  # noqa: BLE001 - no browser: its checks fail, the others run
            print(f"FAIL the browser: {exc}"[:600], flush=True)
        run.check(CHECKS[7], lambda: check_error_pages(client, 404, "/missioni/non-esiste/"))
        run.check(CHECKS[8], lambda: check_error_pages(client, 500, "/deploy-check/500/"))
        run.check(CHECKS[9], check_request_ids)
        run.check(CHECKS[10], lambda: check_rate_limits(stack, run.responses))
        run.check(CHECKS[11], lambda: check_mail(stack))
        run.check(CHECKS[12], lambda: check_round_robin(stack))
        run.check(CHECKS[13], lambda: check_http_redirect(stack))
        run.check(CHECKS[14], lambda: check_ready(client, beat_started))
        run.check(CHECKS[15], lambda: check_security_headers(run.responses))
    except (Exception, KeyboardInterrupt) as exc:  # noqa: BLE001 - say why, then tear down
        print(f"FAIL the stack: {str(exc) or type(exc).__name__}"[:2000], flush=True)
        (LOGS / "deploy-check-errors.log").open("a").write(traceback.format_exc())
    finally:
        stack.down()
    done = {name for name, _ in run.results}
    for name in CHECKS:
        if name not in done:
            print(f"FAIL {name}: not run", flush=True)
    passed = sum(ok for _, ok in run.results)
    if passed != len(CHECKS):
        stack.print_log_tails()
    print(f"(took {time.monotonic() - started:.0f} s; logs in {LOGS.relative_to(ROOT)}/)")
    print(f"deploy: {passed} checks passed of {len(CHECKS)}")
    return 0 if passed == len(CHECKS) else 1


if __name__ == "__main__":
    sys.exit(main())
