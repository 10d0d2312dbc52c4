import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from members.models import Firm, Membership, Sector, User

ROOT = Path(__file__).resolve().parent.parent


def run_settings(env: dict) -> subprocess.CompletedProcess:
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "club.settings", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_bad_boolean_env_value_is_refused():
    result = run_settings({"DATABASE_URL": "postgres://x@localhost/x", "DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr


def test_production_refuses_the_development_secret_key():
    result = run_settings({"DATABASE_URL": "postgres://x@localhost/x", "DEBUG": "false"})
    assert "Set SECRET_KEY" in result.stderr


def test_missing_database_url_explains_what_to_do():
    # In development the URLs of `make services` (var/services.env) are used; in production
    # (DEBUG off) a missing DATABASE_URL is an error that says what to do.
    result = run_settings({"DEBUG": "false", "SECRET_KEY": "x" * 60})
    assert "DATABASE_URL is not set" in result.stderr


def test_secret_key_can_come_from_a_file(tmp_path):
    secret = tmp_path / "key"
    secret.write_text("from-a-file-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFG\n")
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.SECRET_KEY)"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "club.settings",
            "DATABASE_URL": "postgres://x@localhost/x",
            "SECRET_KEY_FILE": str(secret),
            "EMAIL_HOST": "smtp.example.it",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stdout.strip() == "from-a-file-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFG"


def test_deploy_check_is_clean_with_production_values():
    env = {
        "DATABASE_URL": "postgres://x@localhost/x",
        "DEBUG": "false",
        "SECRET_KEY": "prod-3k9v!x7q2m#p8w4z6t1y5u0r-LONG-and-random-enough-for-django-checks",
        "ALLOWED_HOSTS": "club.so.camcom.it",
        "REDIS_URL": "redis://127.0.0.1:1/0",
        "EMAIL_HOST": "smtp.example.it",
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_sectors_come_from_the_data_migration():
    prefixes = dict(Sector.objects.values_list("slug", "ateco_prefixes"))
    assert {"metalmeccanico", "lapideo", "agroalimentare"} <= prefixes.keys()
    assert "25" in prefixes["metalmeccanico"]
    assert "10" in prefixes["agroalimentare"]


@pytest.mark.django_db
def test_seed_demo_is_idempotent(settings):
    settings.DEBUG = True  # seed_demo runs only in development
    call_command("seed_demo")
    counts = (User.objects.count(), Firm.objects.count(), Membership.objects.count())
    call_command("seed_demo")
    assert (User.objects.count(), Firm.objects.count(), Membership.objects.count()) == counts
    assert Firm.objects.filter(is_mentor=True, status=Firm.Status.APPROVED).exists()
    assert Firm.objects.filter(status=Firm.Status.PENDING).exists()
    assert User.objects.filter(is_staff=True).exists()


# --- Secure by default (issue 15) ---------------------------------------------------------------

GOOD_KEY = "prod-3k9v!x7q2m#p8w4z6t1y5u0r-LONG-and-random-enough-for-django-checks"


def test_with_no_environment_debug_is_off_and_the_development_key_refused():
    result = run_settings({"DATABASE_URL": "postgres://x@localhost/x"})
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert "ImproperlyConfigured" in last_line
    assert "development key" in last_line


def test_with_debug_off_a_long_random_key_starts():
    result = run_settings(
        {
            "DATABASE_URL": "postgres://x@localhost/x",
            "SECRET_KEY": GOOD_KEY,
            "EMAIL_HOST": "smtp.example.it",
        }
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_with_debug_off_and_no_email_host_the_settings_refuse_to_write_mail_to_disk():
    base = {"DATABASE_URL": "postgres://x@localhost/x", "SECRET_KEY": GOOD_KEY}
    result = run_settings(base)
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert "ImproperlyConfigured" in last_line
    assert "EMAIL_HOST is not set" in last_line
    # Chosen on purpose (a staging host, a build step): allowed.
    for kind in ("console", "file"):
        chosen = run_settings({**base, "EMAIL_BACKEND": kind})
        assert chosen.returncode == 0, chosen.stderr


def env_example() -> dict[str, str]:
    lines = (ROOT / ".env.example").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line and not line.startswith("#"))


def test_with_debug_off_the_compose_placeholder_key_is_refused():
    key = env_example()["SECRET_KEY"]
    assert len(key) >= 50  # refused for what it is, not for its length
    result = run_settings({"DATABASE_URL": "postgres://x@localhost/x", "SECRET_KEY": key})
    assert result.returncode != 0
    assert "placeholder" in result.stderr.strip().splitlines()[-1]


def test_with_debug_off_a_short_key_is_refused():
    result = run_settings({"DATABASE_URL": "postgres://x@localhost/x", "SECRET_KEY": "x" * 49})
    assert result.returncode != 0
    assert "at least 50 characters" in result.stderr.strip().splitlines()[-1]


def test_debug_true_still_accepts_the_development_key():
    result = run_settings({"DATABASE_URL": "postgres://x@localhost/x", "DEBUG": "true"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_compose_ships_no_secret_key_and_reads_the_env_file():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    for name, service in [("x-app", compose["x-app"]), *compose["services"].items()]:
        assert "SECRET_KEY" not in (service.get("environment") or {}), name
    assert compose["x-app"]["env_file"] == [".env"]
    assert ".env" in (ROOT / ".gitignore").read_text().splitlines()


@pytest.mark.django_db
def test_seed_demo_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not User.objects.filter(email="staff@club.example").exists()
