"""The URL that raises on purpose (for `make test-deploy`'s 500 page) exists only when asked for."""

import subprocess
import sys

import pytest
from django.urls import Resolver404, resolve

from club import views


def test_the_deliberate_error_url_is_not_in_the_production_urls():
    with pytest.raises(Resolver404):
        resolve("/deploy-check/500/")


def test_the_deliberate_error_url_answers_with_the_flag_on():
    code = (
        "import django; django.setup(); from django.urls import resolve; "
        "print(resolve('/deploy-check/500/').func.__name__)"
    )
    env = {
        "DJANGO_SETTINGS_MODULE": "club.settings",
        "DEBUG": "true",
        "DATABASE_URL": "postgres://x@127.0.0.1:9/x",
        "DEPLOY_CHECK_ERROR_URL": "true",
    }
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == views.deliberate_error.__name__
