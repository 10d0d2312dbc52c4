"""The deployment files agree with each other (no container engine runs here, so they are read).

- deploy/apt-packages.txt is the one list of system packages: the Dockerfile installs it, .ci/run
  installs what it lacks of it (run here with apt-get, dpkg-query and make stubbed), the README
  names it, and it holds every library WeasyPrint loads and the agenda's font.
- The Dockerfile is multi-stage, runs as a non-root user, has a HEALTHCHECK and starts gunicorn
  with deploy/gunicorn.conf.py.
- docker-compose.yml: a healthcheck and depends_on conditions for every service, named volumes
  for the database and the media, exactly one beat.
- deploy/healthcheck.py, the probe both use, against a live server and a schedule file.
"""

import importlib.util
import os
import re
import shlex
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import weasyprint
import yaml

ROOT = Path(__file__).resolve().parent.parent
APT_LIST = "deploy/apt-packages.txt"

# Which Debian 12 package holds each library WeasyPrint opens (`dpkg -S <soname>`).
WEASYPRINT_LIBRARY_PACKAGES = {
    "libgobject-2.0.so.0": "libglib2.0-0",
    "libpango-1.0.so.0": "libpango-1.0-0",
    "libharfbuzz.so.0": "libharfbuzz0b",
    "libharfbuzz-subset.so.0": "libharfbuzz-subset0",
    "libfontconfig.so.1": "libfontconfig1",
    "libpangoft2-1.0.so.0": "libpangoft2-1.0-0",
}
FONT_PACKAGES = {"DejaVu Sans": "fonts-dejavu-core"}


def apt_lines() -> list[tuple[str, str]]:
    """(package, comment) for each package line of the list."""
    entries = []
    for line in (ROOT / APT_LIST).read_text().splitlines():
        name, _, comment = line.partition("#")
        if name.strip():
            entries.append((name.strip(), comment.strip()))
    return entries


def listed_packages() -> set[str]:
    return {name for name, _ in apt_lines()}


def dockerfile_stages() -> list[list[str]]:
    """The Dockerfile's instructions (continuation lines joined, comments dropped), by stage."""
    text = (ROOT / "Dockerfile").read_text()
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    instructions = re.sub(r"\\\n\s*", " ", "\n".join(lines)).splitlines()
    stages: list[list[str]] = []
    for instruction in filter(str.strip, instructions):
        if instruction.upper().startswith("FROM "):
            stages.append([])
        stages[-1].append(instruction.strip())
    return stages


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


# --- deploy/apt-packages.txt ---------------------------------------------------------------------


def test_apt_list_holds_debian_package_names_only():
    names = [name for name, _ in apt_lines()]
    assert names
    for name in names:
        assert re.fullmatch(r"[a-z0-9][a-z0-9.+-]+", name), f"{name!r} is not one package name"


def test_apt_list_has_every_library_weasyprint_loads():
    ffi = (Path(weasyprint.__file__).parent / "text" / "ffi.py").read_text()
    calls = re.findall(r"= _dlopen\((.*?)\)\n", ffi, flags=re.DOTALL)
    assert len(calls) >= 5, "weasyprint/text/ffi.py changed shape: update this test"
    listed = listed_packages()
    for call in calls:
        soname = re.search(r"'(lib[\w.+-]+\.so\.\d+)'", call).group(1)
        optional = "allow_fail=True" in call
        package = WEASYPRINT_LIBRARY_PACKAGES.get(soname)
        if package is None and optional:
            continue  # an optional library Debian 12 does not have (e.g. harfbuzz-vector)
        assert package, f"WeasyPrint loads {soname}: add its package to {APT_LIST} and here"
        assert package in listed, f"{package} ({soname}, for WeasyPrint) is not in {APT_LIST}"


def test_apt_list_has_the_agenda_font():
    template = (ROOT / "templates/missions/agenda_pdf.html").read_text()
    family = re.search(r"font-family:\s*\"?([^\",;]+)", template).group(1)
    assert FONT_PACKAGES.get(family) in listed_packages(), f"no package for the font {family}"


def test_apt_list_has_a_postgresql_client_as_new_as_compose_server():
    server = compose()["services"]["db"]["image"]
    major = re.fullmatch(r"postgres:(\d+)(\D.*)?", server).group(1)
    comments = dict(apt_lines())
    assert f"postgresql-client-{major}" in comments, f"compose runs {server}"
    assert "pgdg" in comments[f"postgresql-client-{major}"]


def test_dockerfile_installs_the_apt_list_in_the_runtime_stage():
    runtime = dockerfile_stages()[-1]
    copy = next(i for i in runtime if i.startswith("COPY") and APT_LIST in i)
    destination = copy.split()[-1]
    install = next(i for i in runtime if i.startswith("RUN") and destination in i)
    assert re.search(
        rf"sed -e 's/#\.\*//' {re.escape(destination)} \| xargs apt-get install", install
    )
    assert "apt.postgresql.org.sh" in install  # the repository of the `pgdg` packages


def test_ci_run_installs_what_is_missing_from_the_apt_list(tmp_path):
    """.ci/run, with apt-get, dpkg-query and make replaced by stubs that log their arguments."""
    log = tmp_path / "calls.log"
    for name, body in {
        "dpkg-query": "exit 1",  # nothing is installed
        "apt-get": f'echo "apt-get $*" >> {log}',
        "make": f'echo "make $*" >> {log}',
    }.items():
        stub = tmp_path / name
        stub.write_text(f"#!/bin/sh\n{body}\n")
        stub.chmod(0o755)
    env = {**os.environ, "PATH": f"{tmp_path}:{os.environ['PATH']}"}
    subprocess.run(  # noqa: S603
        ["bash", str(ROOT / ".ci/run")],  # noqa: S607
        env=env,
        check=True,
        capture_output=True,
    )

    calls = log.read_text().splitlines()
    install = next(line for line in calls if line.startswith("apt-get install"))
    installed = set(install.split()[2:]) - {"-y", "-qq", "--no-install-recommends"}
    without_pgdg = {name for name, comment in apt_lines() if "pgdg" not in comment}
    assert installed == without_pgdg | {"chromium", "nginx"}
    assert "make test" in calls


def test_readme_points_to_the_apt_list():
    assert APT_LIST in (ROOT / "README.md").read_text()


# --- Dockerfile ----------------------------------------------------------------------------------


def test_dockerfile_builds_in_one_stage_and_runs_in_another_without_compilers():
    stages = dockerfile_stages()
    assert len(stages) >= 2
    builder, runtime = stages[0], stages[-1]
    assert any("uv pip install" in i for i in builder if i.startswith("RUN"))
    assert any(re.match(r"COPY --from=\w+ /opt/venv /opt/venv", i) for i in runtime)
    runtime_text = " ".join(runtime)
    for tool in ("build-essential", "gcc", "uv pip install", "pip install"):
        assert tool not in runtime_text
    assert not {"build-essential", "gcc", "g++", "libpq-dev"} & listed_packages()


def test_dockerfile_runs_as_a_non_root_user():
    users = [i.split()[1] for i in dockerfile_stages()[-1] if i.startswith("USER ")]
    assert users
    assert users[-1] not in {"root", "0"}


def test_dockerfile_has_a_healthcheck_on_health_live_and_starts_gunicorn_with_its_config():
    runtime = dockerfile_stages()[-1]
    healthcheck = next(i for i in runtime if i.startswith("HEALTHCHECK"))
    assert healthcheck.endswith('CMD ["python", "deploy/healthcheck.py"]')  # the role's probe
    assert "/health/live" in (ROOT / "deploy/healthcheck.py").read_text()
    cmd = next(i for i in reversed(runtime) if i.startswith("CMD"))
    assert '"gunicorn", "-c", "deploy/gunicorn.conf.py", "club.wsgi:application"' in cmd
    assert (ROOT / "deploy/gunicorn.conf.py").exists()


# --- docker-compose.yml --------------------------------------------------------------------------


def test_compose_gives_every_service_a_healthcheck():
    for name, service in compose()["services"].items():
        check = service.get("healthcheck")
        assert check, f"{name} has no healthcheck"
        if check.get("disable"):
            # Only one-shot jobs (migrate, seed), which others wait for by completion.
            assert service.get("restart") == "no", f"{name} runs for good without a healthcheck"
        else:
            assert check["test"][0] in {"CMD", "CMD-SHELL"}


def test_compose_services_wait_for_what_they_need_with_conditions():
    services = compose()["services"]
    conditions = {"service_healthy", "service_completed_successfully", "service_started"}
    for name, service in services.items():
        depends = service.get("depends_on")
        if service.get("image") == "club-esportatori":  # the portal's image: it needs db & co
            assert isinstance(depends, dict), f"{name}: depends_on needs conditions"
            assert {"db", "redis"} <= set(depends)
        for target, rule in (depends or {}).items():
            assert target in services
            assert rule["condition"] in conditions, f"{name} -> {target}"
            if target != "migrate":  # long-running: wait until its healthcheck passes
                assert rule["condition"] == "service_healthy", f"{name} -> {target}"


def test_compose_probes_web_worker_and_beat():
    services = compose()["services"]
    assert services["web"]["healthcheck"]["test"] == [
        "CMD",
        "python",
        "deploy/healthcheck.py",
        "web",
    ]
    assert services["worker"]["healthcheck"]["test"][-1] == "worker"
    assert services["beat"]["healthcheck"]["test"][-1] == "beat"


def test_compose_runs_exactly_one_beat():
    beats = [
        name
        for name, service in compose()["services"].items()
        if re.search(r"\bcelery\b.*\bbeat\b", shlex.join(service.get("command") or []))
    ]
    assert beats == ["beat"]
    assert compose()["services"]["beat"].get("deploy", {}).get("replicas", 1) == 1


def test_compose_keeps_database_and_media_in_named_volumes():
    data = compose()
    named = set(data["volumes"])
    db_mounts = [volume.split(":") for volume in data["services"]["db"]["volumes"]]
    assert any(
        source in named and target.startswith("/var/lib/postgresql") for source, target in db_mounts
    )
    media_root = data["services"]["web"]["environment"]["MEDIA_ROOT"]
    for name in ("web", "worker"):
        assert f"media:{media_root}" in data["services"][name]["volumes"]
    assert "media" in named


# --- deploy/healthcheck.py -----------------------------------------------------------------------


def run_probe(kind: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "deploy/healthcheck.py"), kind],
        env={"PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=20,
    )


def test_web_probe_passes_with_a_host_from_allowed_hosts(live_server, settings):
    settings.ALLOWED_HOSTS = [".club.example.it"]
    port = live_server.url.rsplit(":", 1)[1]
    ok = run_probe("web", PORT=port, ALLOWED_HOSTS=".club.example.it, other.example")
    assert ok.returncode == 0, ok.stderr
    refused = run_probe("web", PORT=port, ALLOWED_HOSTS="other.example")
    assert refused.returncode == 1
    assert "answered 400" in refused.stderr


def test_web_probe_fails_when_nothing_answers():
    result = run_probe("web", PORT="9", ALLOWED_HOSTS="localhost")
    assert result.returncode == 1
    assert "unreachable" in result.stderr


def test_beat_probe_reads_the_age_of_the_schedule_file(tmp_path):
    schedule = tmp_path / "celerybeat-schedule"
    env = {"BEAT_SCHEDULE_FILE": str(schedule), "BEAT_SCHEDULE_MAX_AGE": "600"}
    assert "has not started" in run_probe("beat", **env).stderr
    schedule.with_suffix(".db").write_bytes(b"")  # dbm may add a suffix
    assert run_probe("beat", **env).returncode == 0
    old = time.time() - 601
    os.utime(schedule.with_suffix(".db"), (old, old))
    stale = run_probe("beat", **env)
    assert stale.returncode == 1
    assert "beat is stuck" in stale.stderr


@pytest.mark.django_db(transaction=True)
def test_worker_probe_pings_the_named_worker(worker_factory):
    worker_factory()
    env = {
        key: os.environ[key] for key in ("DATABASE_URL", "REDIS_URL", "DEBUG") if key in os.environ
    }
    ours = f"test-{os.getpid()}@{socket.gethostname()}"  # the name worker_factory gives it
    assert run_probe("worker", WORKER_NAME=ours, **env).returncode == 0
    nobody = run_probe("worker", WORKER_NAME="celery@no-such-host", **env)
    assert nobody.returncode == 1
    assert "celery@no-such-host did not answer a ping" in nobody.stderr


def load_probe_module():
    spec = importlib.util.spec_from_file_location("healthcheck", ROOT / "deploy/healthcheck.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("commands", "expected"),
    [
        ([["/opt/venv/bin/python", "/opt/venv/bin/gunicorn", "-c", "x.py", "club.wsgi"]], "web"),
        ([["/sbin/docker-init", "--", "gunicorn"], ["/opt/venv/bin/gunicorn", "-c"]], "web"),
        ([["/opt/venv/bin/python", "/opt/venv/bin/celery", "-A", "club", "worker"]], "worker"),
        ([["celery", "-A", "club", "beat", "--schedule", "var/s"]], "beat"),
        ([["python", "manage.py", "migrate", "--no-input"]], None),
    ],
)
def test_the_image_probe_finds_the_role_of_its_container(commands, expected):
    assert load_probe_module().role(commands) == expected


# --- systemd, gunicorn and nginx ----------------------------------------------------------------


def test_systemd_web_unit_and_env_example_bind_gunicorn_to_loopback():
    """Behind nginx on the same host, a client must not reach gunicorn directly (it would write
    the X-Forwarded-For entry the portal trusts)."""
    unit = (ROOT / "deploy/systemd/club-web.service").read_text()
    assert "Environment=GUNICORN_BIND=127.0.0.1:8000" in unit.splitlines()
    env = (ROOT / "deploy/systemd/club.env.example").read_text()
    assert "GUNICORN_BIND=127.0.0.1:8000" in env.splitlines()


def test_gunicorn_logs_the_address_nginx_saw_not_what_the_client_sent():
    nginx = (ROOT / "deploy/nginx.conf.template").read_text()
    assert re.search(r"proxy_set_header X-Real-IP \$remote_addr;", nginx)
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "deploy/gunicorn.conf.py")
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    assert conf.access_log_format.startswith("%({x-real-ip}i)s ")
    assert "x-forwarded-for" not in conf.access_log_format


def test_dockerignore_keeps_production_overrides_and_env_files_out_of_the_image():
    """`COPY . .` would bake them (SMTP passwords, keys) into an image layer."""
    patterns = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {"docker-compose.override.yml", "**/*.env", ".env", ".env.*"} <= patterns
