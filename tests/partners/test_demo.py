"""seed_demo includes a German partner's contact; --accounts prints a working sign-in link."""

import io
import re

import pytest
from django.core.management import call_command
from django.test import Client

from partners.models import PartnerContact, PartnerInvitation

pytestmark = pytest.mark.django_db


def test_seed_demo_prints_a_sign_in_link_for_the_demo_partner(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")  # idempotent
    contact = PartnerContact.objects.get()
    assert PartnerInvitation.objects.filter(contact=contact).count() == 1
    out = io.StringIO()
    call_command("seed_demo", "--accounts", stdout=out)
    match = re.search(r"https?://\S+(/partner/accesso/\S+/)", out.getvalue())
    assert match, out.getvalue()
    client = Client()
    assert client.get(match.group(1)).status_code == 200
    response = client.post(match.group(1), {"accept_terms": "on"})
    assert response.status_code == 302
    # The workspace opens in German: the mission under its German title (missions/demo.py).
    workspace = client.get(response["Location"]).content.decode()
    assert "Metall- und Natursteinbranche in Köln" in workspace


def test_seed_demo_has_a_co_organiser_whose_member_logs_in_and_sees_the_demo_partner(settings):
    from django.urls import reverse

    from club.management.commands.seed_demo import DEMO_PASSWORD
    from partners.models import CoOrganiserMember

    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")  # idempotent
    member = CoOrganiserMember.objects.select_related("user").get()
    assert member.user.is_co_organiser_member  # the header and the firm rule read it
    out = io.StringIO()
    call_command("seed_demo", "--accounts", stdout=out)
    assert f"{member.user.email} (AHK Köln (demo)), password {DEMO_PASSWORD}" in out.getvalue()

    client = Client()
    response = client.post(
        reverse("account_login"), {"login": member.user.email, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    home = client.get(response["Location"], follow=True)
    assert home.redirect_chain[-1][0] == reverse("partners:co_home")
    [mission] = home.context["missions"]
    page = client.get(reverse("partners:co_mission", args=[mission.pk])).content.decode()
    assert "Rhein Naturstein Import GmbH" in page
