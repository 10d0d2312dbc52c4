"""The N+1 detector (django-zeal, tests/settings.py) watches every request and every task."""

import pytest
from celery import shared_task
from django.conf import settings
from zeal import NPlusOneError

from members.models import Membership
from tests.factories import member

pytestmark = pytest.mark.django_db


def test_zeal_is_installed_first_in_the_middleware_and_raises():
    assert "zeal" in settings.INSTALLED_APPS
    assert settings.MIDDLEWARE[0] == "zeal.middleware.zeal_middleware"
    assert settings.ZEAL_RAISE is True


@pytest.mark.urls("tests.support.n_plus_one_urls")
def test_a_page_loading_a_relation_row_by_row_fails(client):
    member()
    member()
    with pytest.raises(NPlusOneError, match=r"N\+1 detected on members.Membership.firm"):
        client.get("/n1/")


@pytest.mark.urls("tests.support.n_plus_one_urls")
def test_the_same_page_with_select_related_passes(client, django_assert_num_queries):
    member()
    member()
    with django_assert_num_queries(1):
        response = client.get("/joined/")
    assert response.status_code == 200
    assert response.content.decode().count("Impresa Valtellinese") == 2


@shared_task
def firm_names_row_by_row():
    return [m.firm.name for m in Membership.objects.all()]


def test_a_task_loading_a_relation_row_by_row_fails():
    member()
    member()
    with pytest.raises(NPlusOneError, match=r"N\+1 detected on members.Membership.firm"):
        firm_names_row_by_row.apply(throw=True)
