"""Staff need two-factor authentication (TOTP) for the admin and the dashboard."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, StaffFactory, totp_code
from tests.support.clients import login

pytestmark = pytest.mark.django_db


def test_staff_without_totp_are_sent_to_activate_it():
    staff = StaffFactory(totp=False)
    client = login(staff)
    for url in [
        reverse("admin:index"),
        reverse("admin:members_firm_changelist"),
        reverse("staff_dashboard:index"),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("mfa_activate_totp"))


def test_staff_with_totp_reach_the_admin(staff_client):
    assert staff_client.get(reverse("admin:index")).status_code == 200


def test_staff_login_asks_for_the_code():
    staff = StaffFactory()
    client = Client()
    response = client.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("admin:index")).status_code == 302  # not logged in yet
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200
    done = client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert done.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200
