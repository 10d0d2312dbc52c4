"""Benchmark: the key pages at 1/10 and at full club scale, against a "hello" page, and the
hello page against a bare Django app. Every target is a ratio within one run: absolute figures
describe the machine, not the code.

For each scale: throw-away PostgreSQL and Redis (tools.devservices in a temporary folder),
`migrate`, `seed_large --scale X`, `collectstatic`, then gunicorn with 2 sync workers and
production settings (DEBUG=false) plus a /hello/ view behind the same middleware and login
(benchmarks/bench_settings.py, bench_urls.py, bench_wsgi.py). The benchmark user logs in by
POSTing the allauth form; its session cookie goes with every request. Each page gets a warm-up,
then a run with 8 concurrent connections (wrk when installed, else a Python thread loader).
Then the writes (benchmarks/write_targets.py): applying to the open missions and requesting a
meeting, each POST as a different firm's owner, and commenting a few posts as many members;
BENCH_WRITES targets each (default 200), each POSTed once, 8 at a time, for at most the pages'
duration: with wrk too when installed (a Lua script hands out the targets), so that pages and
writes are driven alike. Last, the same gunicorn settings serve the bare app
(benchmarks/bare_wsgi.py: the four standard middleware, no session, no database).
A sampler reads the gunicorn workers' resident memory all along (peak, first vs last quarter).

Targets (exit status 1 when one is missed): the logged-in hello >= 1/3 of the bare view's
requests/s; every key page >= 1/6 of hello's; the full dataset <= 1.3x the 1/10 one (p50, per
page); board page 1,000 <= 1.5x page 1 (p50); each write's p95 <= 3x hello's p95; a worker's
peak memory grows <= 20 % from the first to the last quarter. The last line is the summary.

What is measured (page_targets): as the bench firm's owner, the missions list filtered, a mission,
the firm directory, board pages 1 and 1,000, a post, the firm dashboard, notifications, the
check-up start page and the result of its latest check-up, and the mission-day companion of
today's mission (seed_large's mission day). The German partner's workspace (home, mission page,
the firms ranking, the agenda) and the partner's companion of today's mission are measured as
seed_large's partner contact, signed in with a link issued by `manage.py shell` (partners.services
.sign_in_link_issue) and confirmed on the sign-in page, as the contact's browser would. The staff
pages of the mission day are measured as seed_large's staff member, signed in with the password and
then the TOTP code of its published secret (allauth.mfa's two-factor step, as staff sign in): the
board of today's B2B session, its state fragment (what the page polls), the check-in people list
(persone.json), and the check-in sync, a POST of the phone's JSON queue (SYNC_BATCH check-ins
already stored, so every POST answers "duplicate" and writes nothing) with the X-CSRFToken header,
sent by wrk like the GETs (wrk.method/body/headers in its script).

    make bench-pages        (BENCH_SCALES=1.0 BENCH_SECONDS=5 make bench-pages for a quick run)
"""

import base64
import hashlib
import hmac
import http.client
import json
import os
import re
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import warnings
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
warnings.filterwarnings("ignore", module="platformdirs")

from benchmarks.memory import Memory, RssSampler  # noqa: E402
from tools import devservices  # noqa: E402

SCALES = [float(s) for s in os.environ.get("BENCH_SCALES", "0.1,1.0").split(",") if s.strip()]
SECONDS = os.environ.get("BENCH_SECONDS")  # default: 10 s per page at full scale, 5 s below
WARMUP_SECONDS = 2
CONNECTIONS = 8
DEEP_PAGE = 1000  # at scale 1; the same relative depth (page 100) at scale 0.1
BOARD_PAGE_SIZE = 20  # board/selectors.PAGE_SIZE

# Kept in step with club/management/commands/seed_large.py (not imported: it needs Django).
BENCH_EMAIL = "bench@club.example"
BENCH_PASSWORD = "bench-club-2026"  # noqa: S105 - published benchmark password, throw-away data
BENCH_PARTNER_EMAIL = "bench-partner@club.example"
BENCH_STAFF_EMAIL = "bench-staff@club.example"
BENCH_TOTP_SECRET = "KRUGKIDROVUWG2ZAMJZG653OEBTG66BA"  # noqa: S105 - published, throw-away data
MISSION_DAY_TITLE = "Bench: giornata B2B di oggi a Colonia"
SYNC_BATCH = 5  # check-ins per sync POST: a phone's queue after a few scans
SHOWCASE_TITLE = "Bench: esperienza con molti commenti"

WRITES = int(os.environ.get("BENCH_WRITES", "200"))  # POSTs per write

TARGET_BARE = 3  # the logged-in hello >= 1/3 of the bare view's requests/s
TARGET_RATIO = 6  # every key page >= 1/6 of hello's requests/s
TARGET_SCALE = 1.3  # full dataset p50 <= 1.3x the 1/10 dataset's
TARGET_DEEP = 1.5  # board page 1,000 p50 <= 1.5x page 1's
TARGET_WRITE_P95 = 3.0  # each write's p95 <= 3x hello's p95
TARGET_MEMORY_GROWTH = 0.20  # a worker's peak RSS, last quarter vs first quarter
CSRF_TOKEN = "benchCsrfToken0123456789abcdefgh"  # noqa: S105 - 32 characters, sent as cookie and field

ENV = {
    "DJANGO_SETTINGS_MODULE": "benchmarks.bench_settings",
    "DEBUG": "false",
    "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789abcdef",
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "false",
    "SECURE_HSTS_SECONDS": "0",
    "EMAIL_BACKEND": "console",
    "LOG_LEVEL": "WARNING",
    "PYTHONWARNINGS": "ignore",
}


@dataclass
class Result:
    key: str
    label: str
    rps: float
    p50: float
    p95: float
    requests: int
    errors: int


def main() -> int:
    results: dict[float, dict[str, Result]] = {}
    seed_lines: dict[float, list[str]] = {}
    memory: dict[float, Memory] = {}
    loader = "wrk" if shutil.which("wrk") else "python threads (wrk not installed)"
    print(f"pages: load generator {loader}, {CONNECTIONS} connections, gunicorn 2 workers")
    for scale in SCALES:
        results[scale], seed_lines[scale], memory[scale] = run_scale(scale)
    return report(results, seed_lines, memory)


# --- One scale ---------------------------------------------------------------------------------


def gunicorn(app: str, port: int, env: dict, log: Path) -> subprocess.Popen:
    """The same gunicorn settings for the portal and the bare app."""
    return subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            app,
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )


def stop(server: subprocess.Popen | None) -> None:
    if server is not None:
        server.terminate()
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()


def run_scale(scale: float) -> tuple[dict[str, Result], list[str], Memory]:
    tmp = Path(tempfile.mkdtemp(prefix="club-bench-pages-", dir="/tmp"))
    postgres, redis = devservices.services(tmp)
    server = None
    sampler = None
    log = tmp / "gunicorn.log"
    print(f"\n== scale {scale} ==", flush=True)
    try:
        env = {**os.environ, **ENV}
        env["DATABASE_URL"] = postgres.start()
        env["REDIS_URL"] = redis.start()
        env["BENCH_STATIC_ROOT"] = str(tmp / "static")
        manage(env, "migrate", "--no-input", "-v", "0")
        seed_out = manage(env, "seed_large", "--scale", str(scale))
        print(seed_out.rstrip(), flush=True)
        manage(env, "collectstatic", "--no-input", "-v", "0")
        pages = page_targets(env["DATABASE_URL"], scale)

        writes = write_targets(env)

        port = devservices.free_port()
        server = gunicorn("benchmarks.bench_wsgi:application", port, env, log)
        wait_for_port(port, server, log)
        sampler = RssSampler(server.pid)
        sampler.start()
        cookies = {
            "firm": login(port),
            "partner": partner_login(port, partner_token(env)),
            "staff": staff_login(port),
        }
        for key, label, path, who, payload in pages:
            cookie = cookies[who]
            if payload is None:
                status, body = get(port, path, cookie)
            else:
                status, body = post_json(port, path, cookie, payload)
            if status != 200:
                raise RuntimeError(f"{label} ({path}): HTTP {status}, expected 200")
            extra = ""
            if key.startswith("board_"):
                posts = len(set(re.findall(r'href="/bacheca/(\d+)/"', body)))
                extra = f", {posts} post links"
            elif payload is not None:
                answers = [r["status"] for r in json.loads(body)["results"]]
                extra = f", {len(answers)} check-ins: {', '.join(sorted(set(answers)))}"
            print(f"  ok {label:22} {path}  ({len(body) // 1024} KiB{extra})", flush=True)
        seconds = float(SECONDS) if SECONDS else (10.0 if scale >= 1 else 5.0)
        measured = {}
        for key, label, path, who, payload in pages:
            cookie = cookies[who]
            load(port, path, cookie, WARMUP_SECONDS, payload)
            rps, p50, p95, count, errors = load(port, path, cookie, seconds, payload)
            measured[key] = Result(key, label, rps, p50, p95, count, errors)
            print(
                f"  {label:22} {rps:8.1f} req/s  p50 {p50:6.1f} ms  p95 {p95:6.1f} ms"
                + (f"  ERRORS {errors}" if errors else ""),
                flush=True,
            )
        before = writes.pop("counts")
        for key, label in WRITE_LABELS.items():
            if not writes[key]:
                raise RuntimeError(f"{label}: no target in the seeded data")
            rps, p50, p95, count, errors = post_load(port, writes[key], seconds)
            measured[key] = Result(key, label, rps, p50, p95, count, errors)
        after = json.loads(
            manage(
                env, "shell", "-c", "from benchmarks.write_targets import print_counts as p; p()"
            ).splitlines()[-1]
        )
        for key, label in WRITE_LABELS.items():
            r = measured[key]
            rows = after[key] - before[key]
            print(
                f"  {label:22} {r.rps:8.1f} req/s  p50 {r.p50:6.1f} ms  p95 {r.p95:6.1f} ms"
                f"  {rows} rows of {r.requests} POSTs",
                flush=True,
            )
            # A POST that answered with an error message writes nothing; POSTs still in flight
            # when wrk's time ran out may have written theirs (more rows than answers).
            if rows < r.requests:
                measured[key].errors += r.requests - rows
        memory = sampler.stop()
        sampler = None
        stop(server)
        server = None

        bare_log = tmp / "gunicorn-bare.log"
        server = gunicorn("benchmarks.bare_wsgi:application", port, env, bare_log)
        wait_for_port(port, server, bare_log)
        load(port, "/hello/", "", WARMUP_SECONDS)
        rps, p50, p95, count, errors = load(port, "/hello/", "", seconds)
        measured["bare"] = Result("bare", "bare Django hello", rps, p50, p95, count, errors)
        print(
            f"  {'bare Django hello':22} {rps:8.1f} req/s  p50 {p50:6.1f} ms  p95 {p95:6.1f} ms",
            flush=True,
        )
        return measured, [line for line in seed_out.splitlines() if line.strip()], memory
    except Exception:
        if log.exists():
            print(log.read_text()[-3000:], file=sys.stderr)
        raise
    finally:
        if sampler is not None:
            sampler.stop()
        stop(server)
        redis.stop()
        postgres.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def manage(env: dict, *args: str) -> str:
    out = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if out.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{out.stdout}\n{out.stderr}")
    return out.stdout


WRITE_LABELS = {
    "apply": "write: apply",
    "meeting": "write: request meeting",
    "comment": "write: comment",
}


def write_targets(env: dict) -> dict:
    """The POSTs of each write (benchmarks/write_targets.py), with the row counts before."""
    code = f"from benchmarks.write_targets import main; main({WRITES})"
    return json.loads(manage(env, "shell", "-c", code).splitlines()[-1])


Target = tuple[str, str, str, str, str | None]


def page_targets(database_url: str, scale: float) -> list[Target]:
    """(key, label, path, who, payload) of every page, with ids and the deep cursor read from
    the database; `who` is the signed-in person: the bench firm's user, the partner contact or
    the staff member; `payload` is None for a GET, else the JSON body of a POST.

    To measure a new page, add a line to the list of GETs at the end (a key, a label, its path
    and who is signed in); it is then held to the same targets as the others. Hello stays
    last."""
    import psycopg

    deep = max(2, round(DEEP_PAGE * scale))
    with psycopg.connect(database_url) as conn:
        conn.execute("SET TIME ZONE 'UTC'")  # Django's connections use UTC: same isoformat
        user_id, firm_id, sector_id = conn.execute(
            "SELECT u.id, f.id, f.sector_id FROM members_user u "
            "JOIN members_membership m ON m.user_id = u.id "
            "JOIN members_firm f ON f.id = m.firm_id WHERE u.email = %s",
            [BENCH_EMAIL],
        ).fetchone()
        # The mission happening today (seed_large's mission day) and its B2B session.
        day_mission_id, session_id = conn.execute(
            "SELECT m.id, p.id FROM missions_mission m "
            "JOIN missions_programmeitem p ON p.mission_id = m.id AND p.kind = 'b2b' "
            "WHERE m.title = %s ORDER BY p.starts_at, p.id LIMIT 1",
            [MISSION_DAY_TITLE],
        ).fetchone()
        # The next mission the bench firm is confirmed on, not the one happening today (the
        # mission page measured before the mission day was seeded).
        (mission_id,) = conn.execute(
            "SELECT m.id FROM missions_mission m JOIN missions_application a "
            "ON a.mission_id = m.id WHERE a.firm_id = %s AND a.status = 'confirmed' "
            "AND m.start_date >= current_date AND m.id <> %s ORDER BY m.start_date, m.id LIMIT 1",
            [firm_id, day_mission_id],
        ).fetchone()
        (post_id,) = conn.execute(
            "SELECT id FROM board_post WHERE title = %s", [SHOWCASE_TITLE]
        ).fetchone()
        # Page N is reached with the cursor of the last post of page N-1: the 20*(N-1)-th newest
        # post the user sees (board/selectors.visible_posts: not hidden, or their own).
        created_at, last_id = conn.execute(
            "SELECT created_at, id FROM board_post WHERE NOT is_hidden OR author_id = %s "
            "ORDER BY created_at DESC, id DESC OFFSET %s LIMIT 1",
            [user_id, BOARD_PAGE_SIZE * (deep - 1) - 1],
        ).fetchone()
        # The mission whose agenda seed_large published (the partner's meetings are placed).
        (partner_mission_id,) = conn.execute(
            "SELECT m.id FROM missions_mission m "
            "JOIN partners_partnerinvitation i ON i.mission_id = m.id "
            "JOIN partners_partnercontact c ON c.id = i.contact_id "
            "JOIN members_user u ON u.id = c.user_id "
            "WHERE u.email = %s ORDER BY m.agenda_published_at IS NULL, m.id LIMIT 1",
            [BENCH_PARTNER_EMAIL],
        ).fetchone()
        (checkup_id,) = conn.execute(
            "SELECT id FROM checkup_checkup WHERE firm_id = %s AND completed_at IS NOT NULL "
            "ORDER BY completed_at DESC, id DESC LIMIT 1",
            [firm_id],
        ).fetchone()
        # A staff phone's queue sent again: check-ins already stored, so every POST answers
        # "duplicate" and writes nothing (check_in_record is idempotent by client_id).
        queued = conn.execute(
            "SELECT c.client_id, p.token, c.checked_in_at, c.method FROM missionday_checkin c "
            "JOIN missionday_daypass p ON p.id = c.day_pass_id WHERE p.mission_id = %s "
            "ORDER BY c.id LIMIT %s",
            [day_mission_id, SYNC_BATCH],
        ).fetchall()
    if len(queued) < SYNC_BATCH:
        raise RuntimeError(f"{len(queued)} check-ins on the mission day, {SYNC_BATCH} needed")
    sync_body = json.dumps(
        {
            "check_ins": [
                {
                    "client_id": str(client_id),
                    "token": token,
                    "checked_in_at": at.isoformat(),
                    "method": method,
                }
                for client_id, token, at, method in queued
            ]
        }
    )
    cursor = urllib.parse.quote(f"{created_at.isoformat()}_{last_id}", safe="")
    partner_mission = f"/partner/missioni/{partner_mission_id}/"
    day = f"/giornata/{day_mission_id}/"
    board = f"{day}tabellone/{session_id}/"
    gets: list[tuple[str, str, str, str]] = [
        ("missions", "missions sector+open", f"/missioni/?sector={sector_id}&status=open", "firm"),
        ("mission", "mission detail", f"/missioni/{mission_id}/", "firm"),
        ("firms", "firm directory", "/imprese/", "firm"),
        ("board_1", "board page 1", "/bacheca/", "firm"),
        ("board_deep", f"board page {deep}", f"/bacheca/?dopo={cursor}", "firm"),
        ("post", "board post", f"/bacheca/{post_id}/", "firm"),
        ("dashboard", "firm dashboard", "/imprese/la-mia/", "firm"),
        ("inbox", "notifications", "/notifiche/", "firm"),
        ("checkup", "check-up start", "/check-up/", "firm"),
        ("checkup_result", "check-up result", f"/check-up/{checkup_id}/risultato/", "firm"),
        ("companion", "companion (delegate)", day, "firm"),
        ("partner_home", "partner home", "/partner/", "partner"),
        ("partner_mission", "partner mission", partner_mission, "partner"),
        ("partner_firms", "partner firms ranking", f"{partner_mission}imprese/", "partner"),
        ("partner_agenda", "partner agenda", f"{partner_mission}agenda/", "partner"),
        ("companion_partner", "companion (partner)", day, "partner"),
        ("staff_board", "staff board session", board, "staff"),
        ("staff_board_state", "staff board state", f"{board}stato/", "staff"),
        ("checkin_people", "check-in people.json", f"{day}check-in/persone.json", "staff"),
        ("hello", "hello", "/hello/", "firm"),
    ]
    sync = ("checkin_sync", "check-in sync (POST)", f"{day}check-in/sync/", "staff", sync_body)
    return [*((*page, None) for page in gets[:-1]), sync, (*gets[-1], None)]


def partner_token(env: dict) -> str:
    """A fresh sign-in token of the benchmark's partner contact (single use)."""
    code = (
        "from partners.models import PartnerContact; "
        "from partners.services import sign_in_link_issue; "
        f"c = PartnerContact.objects.get(user__email={BENCH_PARTNER_EMAIL!r}); "
        "print(sign_in_link_issue(contact_id=c.pk))"
    )
    url = manage(env, "shell", "-c", code).strip().splitlines()[-1]
    match = re.search(r"/partner/accesso/([^/]+)/", url)
    if not match:
        raise RuntimeError(f"no sign-in link in {url!r}")
    return match[1]


def wait_for_port(port: int, server: subprocess.Popen, log: Path) -> None:
    """Until gunicorn answers: the master binds the port at once, the workers import the
    portal after the fork (slow on a busy machine), so wait for a first response."""
    deadline = time.monotonic() + 180
    while True:
        if server.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"gunicorn did not start:\n{log.read_text()[-3000:]}")
        if devservices.port_open(port):
            try:
                get(port, "/hello/", "", timeout=120)
                return
            except (OSError, http.client.HTTPException):
                pass
        time.sleep(0.2)


# --- HTTP --------------------------------------------------------------------------------------


def _cookies(response: http.client.HTTPResponse) -> dict[str, str]:
    """name -> value of the Set-Cookie headers (attributes such as Secure are ignored)."""
    jar = {}
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        jar[name.strip()] = rest.split(";", 1)[0]
    return jar


def get(port: int, path: str, cookie: str, timeout: float = 30) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Cookie": cookie})
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def login(port: int) -> str:
    """Log the benchmark user in through the allauth form; return the Cookie header to send.

    With DEBUG=false the cookies are marked Secure; this client sends them over plain HTTP
    anyway, as a browser would not."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/accounts/login/")
    response = conn.getresponse()
    page = response.read().decode()
    jar = _cookies(response)
    conn.close()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if not token or "csrftoken" not in jar:
        raise RuntimeError("login page without a CSRF token")
    form = urllib.parse.urlencode(
        {"login": BENCH_EMAIL, "password": BENCH_PASSWORD, "csrfmiddlewaretoken": token[1]}
    )
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(
        "POST",
        "/accounts/login/",
        body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={jar['csrftoken']}",
        },
    )
    response = conn.getresponse()
    response.read()
    jar.update(_cookies(response))
    conn.close()
    if response.status not in (302, 303) or not jar.get("sessionid"):
        raise RuntimeError(f"login failed: HTTP {response.status}, cookies {sorted(jar)}")
    return f"csrftoken={jar['csrftoken']}; sessionid={jar['sessionid']}"


def partner_login(port: int, token: str) -> str:
    """Sign the partner contact in: the link's confirmation page, then its POST (terms accepted
    on the first sign-in). Returns the Cookie header to send."""
    path = f"/partner/accesso/{token}/"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path)
    response = conn.getresponse()
    page = response.read().decode()
    jar = _cookies(response)
    conn.close()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if response.status != 200 or not csrf or "csrftoken" not in jar:
        raise RuntimeError(f"partner sign-in page: HTTP {response.status}, no CSRF token")
    form = urllib.parse.urlencode({"accept_terms": "on", "csrfmiddlewaretoken": csrf[1]})
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(
        "POST",
        path,
        body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={jar['csrftoken']}",
            "Referer": f"http://127.0.0.1:{port}{path}",
        },
    )
    response = conn.getresponse()
    response.read()
    jar.update(_cookies(response))
    conn.close()
    if response.status not in (302, 303) or not jar.get("sessionid"):
        raise RuntimeError(f"partner sign-in failed: HTTP {response.status}, {sorted(jar)}")
    language = f"; django_language={jar['django_language']}" if "django_language" in jar else ""
    return f"csrftoken={jar['csrftoken']}; sessionid={jar['sessionid']}{language}"


def totp_code(secret: str, at: float | None = None) -> str:
    """The current code of a TOTP secret (RFC 6238: 30 s, 6 digits, SHA-1), as the staff
    member's authenticator app shows it."""
    counter = int(time.time() if at is None else at) // 30
    digest = hmac.new(
        base64.b32decode(secret, casefold=True), struct.pack(">Q", counter), hashlib.sha1
    ).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def _form(port: int, path: str, jar: dict[str, str], fields: dict[str, str]) -> int:
    """GET the form at `path` (its CSRF token), POST `fields` with it; the cookies of both
    answers go into `jar`. Returns the POST's status."""
    cookie = "; ".join(f"{k}={v}" for k, v in jar.items())
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Cookie": cookie})
    response = conn.getresponse()
    page = response.read().decode()
    jar.update(_cookies(response))
    conn.close()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if response.status != 200 or not token or "csrftoken" not in jar:
        raise RuntimeError(f"{path}: HTTP {response.status}, no form with a CSRF token")
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(
        "POST",
        path,
        body=urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token[1]}),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items()),
        },
    )
    response = conn.getresponse()
    response.read()
    jar.update(_cookies(response))
    conn.close()
    return response.status


def staff_login(port: int) -> str:
    """Sign the staff member in as staff do: the login form, then the two-factor form with the
    authenticator's current code (allauth.mfa), so the session has the staff powers. Returns
    the Cookie header to send."""
    jar: dict[str, str] = {}
    status = _form(
        port, "/accounts/login/", jar, {"login": BENCH_STAFF_EMAIL, "password": BENCH_PASSWORD}
    )
    if status not in (302, 303):
        raise RuntimeError(f"staff login: HTTP {status}")
    left = 30 - time.time() % 30
    if left < 3:  # the code would expire on its way: wait for the next one, as a person does
        time.sleep(left)
    status = _form(port, "/accounts/2fa/authenticate/", jar, {"code": totp_code(BENCH_TOTP_SECRET)})
    if status not in (302, 303) or not jar.get("sessionid"):
        raise RuntimeError(f"staff two-factor step: HTTP {status}, cookies {sorted(jar)}")
    return f"csrftoken={jar['csrftoken']}; sessionid={jar['sessionid']}"


def _csrf_header(cookie: str) -> str:
    """The CSRF token a page's script sends back as X-CSRFToken: the csrftoken cookie's."""
    match = re.search(r"(?:^|;\s*)csrftoken=([^;]+)", cookie)
    return match[1] if match else ""


def post_json(port: int, path: str, cookie: str, body: str) -> tuple[int, str]:
    """POST a JSON body as a page's script does (fetch with the X-CSRFToken header)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("POST", path, body=body.encode(), headers=_json_headers(cookie))
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def _json_headers(cookie: str) -> dict[str, str]:
    return {
        "Cookie": cookie,
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRFToken": _csrf_header(cookie),
    }


# --- Load --------------------------------------------------------------------------------------

WRK_SCRIPT = """
wrk.headers["Cookie"] = "%s"
%s
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRKRESULT %%d %%d %%.1f %%.1f %%d %%d\\n", summary.requests,
    summary.duration, latency:percentile(50), latency:percentile(95), e.status,
    e.connect + e.read + e.write + e.timeout))
end
"""


def load(
    port: int, path: str, cookie: str, seconds: float, payload: str | None = None
) -> tuple[float, float, float, int, int]:
    """(requests/s, p50 ms, p95 ms, requests, errors) for `seconds` of CONNECTIONS clients:
    GETs, or POSTs of the JSON `payload` (the same body and headers every time)."""
    if shutil.which("wrk"):
        return _load_wrk(port, path, cookie, seconds, payload)
    return _load_threads(port, path, cookie, seconds, payload)


def _wrk_post(cookie: str, payload: str) -> str:
    """The lines of the wrk script that make its requests this POST (a Lua long string holds
    the body as it is)."""
    if "]==]" in payload:
        raise ValueError("the payload closes the Lua long string")
    lines = ['wrk.method = "POST"', f"wrk.body = [==[{payload}]==]"]
    for name, value in _json_headers(cookie).items():
        if name != "Cookie":
            lines.append(f'wrk.headers["{name}"] = "{value}"')
    return "\n".join(lines)


def _run_wrk(script: str, url: str, seconds: float) -> subprocess.CompletedProcess:
    """wrk with the benchmark's settings (one thread, CONNECTIONS connections) and a Lua script."""
    return subprocess.run(  # noqa: S603
        [
            shutil.which("wrk") or "wrk",
            "-t1",
            f"-c{CONNECTIONS}",
            f"-d{max(1, round(seconds))}s",
            "--timeout",
            "10s",
            "-s",
            script,
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )


def _load_wrk(port, path, cookie, seconds, payload=None):
    post = _wrk_post(cookie, payload) if payload is not None else ""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % (cookie, post))
    try:
        out = _run_wrk(script.name, f"http://127.0.0.1:{port}{path}", seconds)
    finally:
        os.unlink(script.name)
    match = re.search(r"WRKRESULT (\d+) (\d+) ([\d.]+) ([\d.]+) (\d+) (\d+)", out.stdout)
    if not match:
        raise RuntimeError(f"unexpected wrk output:\n{out.stdout}\n{out.stderr}")
    requests, duration_us, p50_us, p95_us, status_errors, io_errors = match.groups()
    requests = int(requests)
    return (
        requests / (int(duration_us) / 1e6),
        float(p50_us) / 1000,
        float(p95_us) / 1000,
        requests,
        int(status_errors) + int(io_errors),
    )


def _load_threads(port, path, cookie, seconds, payload=None):
    """Fallback: CONNECTIONS threads GETting `path` (or POSTing the JSON `payload`) for
    `seconds`."""
    stop_at = time.monotonic() + seconds
    if payload is None:
        request = ("GET", path, {"Cookie": cookie}, None)
    else:
        request = ("POST", path, _json_headers(cookie), payload)
    return _thread_loader(port, lambda: request if time.monotonic() < stop_at else None)


def _thread_loader(port, next_request, *, expected=(200,)):
    """CONNECTIONS threads, each with a keep-alive http.client connection (reopened when
    gunicorn's sync workers close it), sending what `next_request()` hands out, (method, path,
    headers, body or None), until it returns None. A response whose status is not in `expected`,
    or that sends to the login page, counts as an error."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def client():
        conn = None
        mine = []
        while True:
            with lock:
                item = next_request()
            if item is None:
                break
            method, path, headers, body = item
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            started = time.monotonic()
            try:
                conn.request(method, path, body=body and body.encode(), headers=headers)
                response = conn.getresponse()
                response.read()
                mine.append(time.monotonic() - started)
                if response.status not in expected or "/accounts/login/" in (
                    response.getheader("Location") or ""
                ):
                    with lock:
                        errors[0] += 1
                if response.will_close:
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException):
                with lock:
                    errors[0] += 1
                if conn is not None:
                    conn.close()
                conn = None
        if conn is not None:
            conn.close()
        with lock:
            latencies.extend(mine)

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    if len(latencies) < 2:
        return 0.0, 0.0, 0.0, len(latencies), errors[0]
    cuts = statistics.quantiles(latencies, n=100)
    return len(latencies) / elapsed, cuts[49] * 1000, cuts[94] * 1000, len(latencies), errors[0]


# wrk's POSTs: each target (a line "path TAB session key TAB form body" of the file) is sent once,
# CONNECTIONS at a time; a connection whose turn comes after the last target sends nothing more
# (request() returns an empty string), and the thread stops at the last answer. wrk itself
# still waits out its -d, so the rate is timed here, from the first request to the last answer
# (LuaJIT's ffi: wrk's Lua has no finer clock than os.time). A write answers with a redirect:
# any other status, or a redirect to the login page (a session the portal did not accept),
# counts as an error.
WRK_POST_SCRIPT = """
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_usec; } bench_timeval;
int gettimeofday(bench_timeval *tv, void *tz);
]]
local function now()
  local tv = ffi.new("bench_timeval")
  ffi.C.gettimeofday(tv, nil)
  return tonumber(tv.tv_sec) * 1e6 + tonumber(tv.tv_usec)
end

local targets = {}
for line in io.lines("%(targets)s") do
  local path, session, body = line:match("^([^\\t]*)\\t([^\\t]*)\\t(.*)$")
  if path then targets[#targets + 1] = {path, session, body} end
end
-- wrk builds one request with the first thread's script before the run, to check it: that
-- call gets a copy of the first target, never sent.
table.insert(targets, 1, targets[1])
handed, answered, unexpected, first_at, last_at = 0, 0, 0, 0, 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function request()
  handed = handed + 1
  local t = targets[handed]
  if t == nil then
    handed = #targets
    return ""
  end
  if handed == 2 then first_at = now() end
  return wrk.format("POST", t[1], {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "csrftoken=%(csrf)s; sessionid=" .. t[2],
  }, t[3])
end

function response(status, headers, body)
  answered = answered + 1
  last_at = now()
  local location = headers["Location"] or headers["location"] or ""
  if (status ~= 302 and status ~= 303) or location:find("/accounts/login/", 1, true) then
    unexpected = unexpected + 1
  end
  if answered >= #targets - 1 then wrk.thread:stop() end
end

function done(summary, latency, requests)
  local sent, got, bad, first, last = 0, 0, 0, nil, 0
  for _, t in ipairs(threads) do
    sent = sent + t:get("handed") - 1
    got = got + t:get("answered")
    bad = bad + t:get("unexpected")
    if t:get("first_at") > 0 and (first == nil or t:get("first_at") < first) then
      first = t:get("first_at")
    end
    last = math.max(last, t:get("last_at"))
  end
  local e = summary.errors
  io.write(string.format("WRKPOST %%d %%d %%d %%.0f %%.1f %%.1f %%d\\n", sent, got, bad,
    last - (first or last), latency:percentile(50), latency:percentile(95),
    e.connect + e.read + e.write + e.timeout))
end
"""


def post_load(
    port: int, targets: list[list], seconds: float
) -> tuple[float, float, float, int, int]:
    """(requests/s, p50 ms, p95 ms, requests, errors) of POSTing each of `targets` once
    ([path, session key, form fields]), CONNECTIONS at a time, for at most `seconds`.
    A write answers with a redirect; any other answer is an error."""
    bodies = [
        (path, session, urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": CSRF_TOKEN}))
        for path, session, fields in targets
    ]
    if shutil.which("wrk"):
        return _post_wrk(port, bodies, seconds)
    queue = list(reversed(bodies))

    def next_post():
        if not queue:
            return None
        path, session, body = queue.pop()
        headers = {
            "Cookie": f"csrftoken={CSRF_TOKEN}; sessionid={session}",
            "Content-Type": "application/x-www-form-urlencoded",
        }
        return "POST", path, headers, body

    return _thread_loader(port, next_post, expected=(302, 303))


def _post_wrk(port, bodies, seconds):
    tmp = Path(tempfile.mkdtemp(prefix="club-bench-posts-", dir="/tmp"))
    try:
        lines = tmp / "targets.tsv"
        lines.write_text("".join(f"{path}\t{session}\t{body}\n" for path, session, body in bodies))
        script = tmp / "post.lua"
        script.write_text(WRK_POST_SCRIPT % {"targets": lines, "csrf": CSRF_TOKEN})
        out = _run_wrk(str(script), f"http://127.0.0.1:{port}/", seconds)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    match = re.search(r"WRKPOST (\d+) (\d+) (\d+) (\d+) ([\d.]+) ([\d.]+) (\d+)", out.stdout)
    if not match:
        raise RuntimeError(f"unexpected wrk output:\n{out.stdout}\n{out.stderr}")
    _sent, answered, unexpected, elapsed_us = (int(g) for g in match.groups()[:4])
    p50_us, p95_us, io_errors = float(match[5]), float(match[6]), int(match[7])
    # POSTs still unanswered when wrk's time ran out (at most CONNECTIONS) are not counted.
    errors = unexpected + io_errors
    rps = answered / (elapsed_us / 1e6) if elapsed_us else 0.0
    return rps, p50_us / 1000, p95_us / 1000, answered, errors


# --- Report ------------------------------------------------------------------------------------


def report(
    results: dict[float, dict[str, Result]],
    seed_lines: dict[float, list[str]],
    memory: dict[float, Memory],
) -> int:
    failures = []
    for scale, pages in results.items():
        total = next((line for line in seed_lines[scale] if "total" in line), "")
        print(f"\nscale {scale}  ({total.strip()})")
        hello = pages["hello"].rps
        print(f"  {'page':22} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8}  vs hello")
        for r in pages.values():
            ratio = hello / r.rps if r.rps else float("inf")
            flag = f"  ERRORS {r.errors}" if r.errors else ""
            print(f"  {r.label:22} {r.rps:8.1f} {r.p50:8.1f} {r.p95:8.1f}  1/{ratio:.1f}{flag}")
            if r.errors:
                failures.append(f"scale {scale}: {r.label} had {r.errors} errors")
        m = memory[scale]
        print(
            f"  gunicorn worker memory: peak {m.peak:.0f} MiB, first quarter {m.first:.0f} MiB, "
            f"last quarter {m.last:.0f} MiB ({m.growth:+.0%})"
        )
        if m.growth > TARGET_MEMORY_GROWTH:
            failures.append(f"scale {scale}: worker memory grew {m.growth:.0%}")

    full = results[max(results)]
    hello = full["hello"]
    key_pages = [r for r in full.values() if r.key not in ("hello", "bare", *WRITE_LABELS)]
    worst = max(key_pages, key=lambda r: hello.rps / r.rps if r.rps else float("inf"))
    worst_ratio = hello.rps / worst.rps if worst.rps else float("inf")

    print(f"\ntargets (scale {max(results)}; ratios within this run):")
    bare = full["bare"]
    bare_ratio = bare.rps / hello.rps if hello.rps else float("inf")
    bare_ok = bare_ratio <= TARGET_BARE
    print(
        f"  hello >= 1/{TARGET_BARE} of bare:      {'met' if bare_ok else 'MISSED'} "
        f"(1/{bare_ratio:.1f}: {hello.rps:.0f} vs {bare.rps:.0f} req/s)"
    )
    if not bare_ok:
        failures.append(f"hello 1/{bare_ratio:.1f} of bare")

    slow = [r for r in key_pages if r.rps * TARGET_RATIO < hello.rps]
    line = ", ".join(f"{r.label} 1/{hello.rps / r.rps:.1f}" for r in slow) or "all pages"
    print(f"  >= 1/{TARGET_RATIO} of hello:       {'MISSED: ' + line if slow else 'met'}")
    failures += [f"{r.label} below 1/{TARGET_RATIO} of hello" for r in slow]

    scale_factor, scale_page = float("nan"), "-"
    if len(results) > 1:
        small = results[min(results)]
        factors = {
            k: full[k].p50 / small[k].p50
            for k in full
            if k in small and small[k].p50 and k not in ("bare", *WRITE_LABELS)
        }
        scale_key = max((k for k in factors if k != "hello"), key=factors.get)
        scale_factor, scale_page = factors[scale_key], full[scale_key].label
        over = [f"{full[k].label} {f:.2f}x" for k, f in factors.items() if f > TARGET_SCALE]
        print(
            f"  full <= {TARGET_SCALE}x 1/10 (p50): "
            + (f"MISSED: {', '.join(over)}" if over else "met")
            + f" (worst {scale_page} {scale_factor:.2f}x)"
        )
        failures += [f"scale factor {o}" for o in over]

    deep_factor = full["board_deep"].p50 / full["board_1"].p50
    deep_ok = deep_factor <= TARGET_DEEP
    print(
        f"  {full['board_deep'].label} <= {TARGET_DEEP}x page 1 (p50): "
        f"{'met' if deep_ok else 'MISSED'} ({deep_factor:.2f}x)"
    )
    if not deep_ok:
        failures.append(f"deep-page factor {deep_factor:.2f}")

    writes = [full[k] for k in WRITE_LABELS]
    slow_writes = [r for r in writes if r.p95 > TARGET_WRITE_P95 * hello.p95]
    print(
        f"  writes p95 <= {TARGET_WRITE_P95:.0f}x hello p95 ({hello.p95:.1f} ms): "
        + (
            "MISSED: " + ", ".join(f"{r.label} {r.p95 / hello.p95:.1f}x" for r in slow_writes)
            if slow_writes
            else "met"
        )
        + " ("
        + ", ".join(f"{r.label.removeprefix('write: ')} {r.p95:.0f} ms" for r in writes)
        + ")"
    )
    failures += [f"p95 {r.label}" for r in slow_writes]

    print(
        f"pages: worst ratio 1/{worst_ratio:.1f} ({worst.label}), "
        f"hello vs bare 1/{bare_ratio:.1f}, scale factor {scale_factor:.2f}, "
        f"deep-page factor {deep_factor:.2f}"
    )
    if failures:
        print("missed: " + "; ".join(failures), file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
