"""Every admin page staff use, on the demo data: it opens, and without an N+1 (django-zeal
watches each request, tests/settings.py), so a changelist or an inline that loads a relation
row by row fails here."""

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import RequestFactory, override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    with override_settings(DEBUG=True):  # seed_demo runs only in development
        call_command("seed_demo", verbosity=0)


def admin_pages():
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        yield model_admin, f"admin:{opts.app_label}_{opts.model_name}"


def test_every_changelist_change_and_add_page_opens(demo, staff, staff_client):
    request = _request(staff)
    urls = []
    for model_admin, base in admin_pages():
        urls.append(reverse(f"{base}_changelist"))
        obj = model_admin.get_queryset(request).order_by("pk").last()
        if obj is not None:
            urls.append(reverse(f"{base}_change", args=[obj.pk]))
        if model_admin.has_add_permission(request):
            urls.append(reverse(f"{base}_add"))
    problems = []
    for url in urls:
        try:
            status = staff_client.get(url).status_code
        except Exception as error:  # noqa: BLE001 - collect every page's failure, then report
            problems.append(f"{url}: {type(error).__name__}: {str(error)[:160]}")
        else:
            if status != 200:
                problems.append(f"{url}: HTTP {status}")
    assert not problems, "\n".join(problems)
    assert len(urls) > 40


def _request(user):
    request = RequestFactory().get(reverse("admin:index"))
    request.user = user
    return request
