"""A new partner organisation on a mission: one service (missions.services.partners.partner_create)
validates it, saves it and its place on the mission under the mission lock; the co-organisers'
path (partners.co_organisers.partner_create) goes through it."""

import threading

import pytest
from django.db import OperationalError, connection, transaction

from missions.models import MissionPartner, Partner
from missions.services import locking
from missions.services.errors import PartnerInvalid
from missions.services.partners import partner_create
from partners import co_organisers
from partners.models import CoOrganiserPartner
from tests.factories import MissionFactory, city, sector
from tests.partners.support import co_organiser_with_member


@pytest.mark.django_db
def test_the_partner_is_created_with_its_sectors_and_its_place_on_the_mission():
    mission = MissionFactory()
    partner = partner_create(
        mission_id=mission.pk,
        fields={"name": "Steinhaus GmbH", "kind": "importer", "city": city("koeln")},
        sectors=[sector("lapideo")],
    )
    assert Partner.objects.get(pk=partner.pk).name == "Steinhaus GmbH"
    assert [s.slug for s in partner.sectors.all()] == ["lapideo"]
    assert MissionPartner.objects.filter(mission=mission, partner=partner).exists()


@pytest.mark.django_db
def test_wrong_values_are_refused_with_the_field_errors_and_nothing_is_written():
    mission = MissionFactory()
    with pytest.raises(PartnerInvalid) as refused:
        partner_create(
            mission_id=mission.pk,
            fields={"name": "", "kind": "importer", "city": city("koeln"), "website": "nope"},
        )
    assert set(refused.value.errors) == {"name", "website"}
    assert str(refused.value)  # a message for the page
    assert not Partner.objects.exists()
    assert not MissionPartner.objects.exists()


def _create_directly(mission, name):
    return partner_create(
        mission_id=mission.pk, fields={"name": name, "kind": "importer", "city": city("koeln")}
    )


def _create_as_co_organiser(mission, name):
    slug = name.split()[0].lower()
    co_organiser, _user = co_organiser_with_member(
        name=f"AHK {name}", email=f"{slug}@ahk.example", missions=[mission]
    )
    return co_organisers.partner_create(
        co_organiser_id=co_organiser.pk,
        mission_id=mission.pk,
        fields={"name": name, "kind": "importer", "city": city("koeln")},
    )


def _with_lock_timeout(create, mission, name):
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '300ms'")
        return create(mission, name)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("create", [_create_directly, _create_as_co_organiser])
def test_both_paths_wait_for_the_mission_lock(create):
    """While another transaction holds the mission lock (a scheduler run), no partner is added
    to the mission: the creation waits, here until its lock timeout, and writes nothing."""
    mission = MissionFactory()
    held, release = threading.Event(), threading.Event()

    def scheduler_run():
        try:
            with transaction.atomic():
                locking.lock_mission(mission.pk)
                held.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    other = threading.Thread(target=scheduler_run)
    other.start()
    try:
        assert held.wait(timeout=30)
        with pytest.raises(OperationalError, match="lock timeout"):
            _with_lock_timeout(create, mission, "Wartet GmbH")
    finally:
        release.set()
        other.join(timeout=30)
    assert not Partner.objects.filter(name="Wartet GmbH").exists()
    assert not CoOrganiserPartner.objects.filter(partner__name="Wartet GmbH").exists()

    partner = create(mission, "Danach GmbH")  # the lock released: it goes through
    assert MissionPartner.objects.filter(mission=mission, partner=partner).exists()
