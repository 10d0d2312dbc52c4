"""A firm on a waiting list sees its position; a full mission says "completo"."""

import re

import pytest
from django.urls import reverse

from missions import services
from missions.models import Application
from tests.factories import FirmFactory, MembershipFactory, MissionFactory
from tests.support.clients import login
from tests.support.html import main_of

pytestmark = pytest.mark.django_db


def card_of(html, title):
    found = [
        c for c in re.findall(r'<li class="card mission-card">.*?</li>', html, re.S) if title in c
    ]
    assert len(found) == 1, f"{len(found)} cards contain {title!r}"
    return found[0]


def apply(mission, firm):
    owner = MembershipFactory(firm=firm).user
    services.application_create(mission_id=mission.pk, firm=firm, user=owner, delegates=1)
    return owner


def test_waiting_firm_sees_its_position_on_detail_list_and_its_page():
    mission = MissionFactory(seats=2, title="Missione a Dortmund")
    for _ in range(2):
        apply(mission, FirmFactory())
    apply(mission, FirmFactory())  # first on the waiting list
    second = apply(mission, FirmFactory())

    client = login(second)
    detail = main_of(client.get(reverse("missions:detail", args=[mission.pk])).content.decode())
    listing = client.get(reverse("missions:list")).content.decode()
    my_firm = main_of(client.get(reverse("my_firm")).content.decode())

    assert "Posizione 2 in lista d'attesa" in detail
    assert "Posizione 2 in lista d'attesa" in card_of(listing, "Missione a Dortmund")
    assert "Posizione 2 in lista d'attesa" in my_firm


def test_position_follows_the_order_seats_are_offered_in():
    mission = MissionFactory(seats=1)
    holder = FirmFactory()
    apply(mission, holder)
    first_owner = apply(mission, FirmFactory())
    second_owner = apply(mission, FirmFactory())

    # The first on the list takes the freed seat; the second moves up to position 1.
    services.application_withdraw(
        application_id=Application.objects.get(firm=holder).pk, firm=holder
    )
    first = main_of(
        login(first_owner).get(reverse("missions:detail", args=[mission.pk])).content.decode()
    )
    second = main_of(
        login(second_owner).get(reverse("missions:detail", args=[mission.pk])).content.decode()
    )

    assert "Posto offerto" in first
    assert "Posizione 1 in lista d'attesa" in second


def test_a_full_mission_says_completo_on_the_list_and_the_detail():
    full = MissionFactory(seats=2, title="Missione piena")
    for _ in range(2):
        apply(full, FirmFactory())
    open_one = MissionFactory(seats=3, title="Missione aperta")
    apply(open_one, FirmFactory())
    client = login(MembershipFactory().user)

    listing = client.get(reverse("missions:list")).content.decode()
    detail = main_of(client.get(reverse("missions:detail", args=[full.pk])).content.decode())

    assert "completo" in card_of(listing, "Missione piena")
    assert "completo" not in card_of(listing, "Missione aperta")
    assert "completo" in detail
