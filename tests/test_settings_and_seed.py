import subprocess
import sys

import pytest
from django.core.management import call_command

from members.models import Firm, Membership, Sector, User


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
def test_seed_demo_is_idempotent():
    call_command("seed_demo")
    counts = (User.objects.count(), Firm.objects.count(), Membership.objects.count())
    call_command("seed_demo")
    assert (User.objects.count(), Firm.objects.count(), Membership.objects.count()) == counts
    assert Firm.objects.filter(is_mentor=True, status=Firm.Status.APPROVED).exists()
    assert Firm.objects.filter(status=Firm.Status.PENDING).exists()
    assert User.objects.filter(is_staff=True).exists()
