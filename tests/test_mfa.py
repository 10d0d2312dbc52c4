"""Staff need two-factor authentication (TOTP) for the admin and the dashboard."""

import pytest
from django.test import Client

from tests.factories import PASSWORD, StaffFactory, totp_code
from tests.support.clients import login

pytestmark = pytest.mark.django_db


def test_staff_without_totp_are_sent_to_activate_it():
    staff = StaffFactory(totp=False)
    client = login(staff)
    for url in ["/admin/", "/admin/members/firm/", "/staff/cruscotto/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/2fa/totp/activate/")


def test_staff_with_totp_reach_the_admin(staff_client):
    assert staff_client.get("/admin/").status_code == 200


def test_staff_login_asks_for_the_code():
    staff = StaffFactory()
    client = Client()
    response = client.post("/accounts/login/", {"login": staff.email, "password": PASSWORD})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/admin/").status_code == 302  # not logged in yet
    wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert wrong.status_code == 200
    done = client.post("/accounts/2fa/authenticate/", {"code": totp_code()})
    assert done.status_code == 302
    assert client.get("/admin/").status_code == 200
