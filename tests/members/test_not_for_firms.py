"""People who are not firms stay out of firm membership (issue 17).

A German partner's contact (User.is_partner_contact) and a co-organiser's member
(User.is_co_organiser_member) never create a firm, ask to join one or accept a team invitation:
members.services refuses them on every path that writes, the views send them to their own area
with a message, and the admin's "add membership" refuses them in words. Nothing is written."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.contrib.messages import get_messages
from django.urls import reverse

from members.models import Firm, Invitation, JoinRequest, Membership, User
from partners import co_organisers
from partners import services as partner_services
from partners.models import CoOrganiser
from tests.factories import FirmFactory, MembershipFactory, UserFactory, member
from tests.members.test_firm_create import valid_data
from tests.partners.support import partner_on_mission
from tests.support.clients import login

pytestmark = pytest.mark.django_db

AREAS = {"co_member": "partners:co_home", "partner_contact": "partners:home"}


def _co_member(email="berater@ahk-koeln.example") -> User:
    co_organiser = CoOrganiser.objects.create(name="AHK Köln", kind=CoOrganiser.Kind.CHAMBER)
    return co_organisers.member_add(co_organiser_id=co_organiser.pk, email=email).user


def _partner_contact(email="anna.schmidt@naturstein.de") -> User:
    _mission, partner, _ = partner_on_mission()
    contact, _created = partner_services.contact_add(partner_id=partner.pk, email=email)
    return contact.user


def _person(kind: str) -> User:
    return _co_member() if kind == "co_member" else _partner_contact()


def _message(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


@pytest.fixture(params=["co_member", "partner_contact"])
def kind(request):
    return request.param


def test_member_add_flags_a_new_and_an_existing_account():
    assert _co_member().is_co_organiser_member
    existing = UserFactory(email="kollegin@ahk-koeln.example")
    assert not existing.is_co_organiser_member
    co_organiser = CoOrganiser.objects.get()
    co_organisers.member_add(co_organiser_id=co_organiser.pk, email=existing.email)
    existing.refresh_from_db()
    assert existing.is_co_organiser_member


def test_the_data_migration_flags_existing_members():
    user = _co_member()
    User.objects.filter(pk=user.pk).update(is_co_organiser_member=False)
    migration = importlib.import_module("partners.migrations.0004_mark_co_organiser_member_users")
    migration.mark(django_apps, None)
    user.refresh_from_db()
    assert user.is_co_organiser_member


@pytest.mark.parametrize("method", ["get", "post"])
def test_they_cannot_create_a_firm(kind, method):
    client = login(_person(kind))
    url = reverse("members:firm_create")
    response = client.get(url) if method == "get" else client.post(url, valid_data())
    assert response.status_code == 302
    assert response["Location"] == reverse(AREAS[kind])
    assert "non puoi registrare un'impresa" in _message(response)
    assert not Firm.objects.exists()
    assert not Membership.objects.exists()


def test_they_cannot_ask_to_join_a_firm(kind):
    firm = FirmFactory()
    client = login(_person(kind))
    url = reverse("members:firm_join")
    assert client.get(url)["Location"] == reverse(AREAS[kind])
    response = client.post(url, {"firm": firm.pk, "message": "Hallo"})
    assert response["Location"] == reverse(AREAS[kind])
    assert "non puoi registrare un'impresa" in _message(response)
    assert not JoinRequest.objects.exists()


def test_they_cannot_accept_a_team_invitation(kind):
    person = _person(kind)
    owner = member()
    firm = Membership.objects.get(user=owner).firm
    invitation = Invitation.objects.create(firm=firm, email=person.email, invited_by=owner)
    client = login(person)
    url = reverse("members:invitation_accept", args=[invitation.token])
    assert client.get(url)["Location"] == reverse(AREAS[kind])
    response = client.post(url)
    assert response["Location"] == reverse(AREAS[kind])
    assert "non puoi registrare un'impresa" in _message(response)
    assert not Membership.objects.filter(user=person).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_an_owner_cannot_accept_their_old_join_request(kind):
    person = _person(kind)
    owner = member()
    firm = Membership.objects.get(user=owner).firm
    join_request = JoinRequest.objects.create(user=person, firm=firm)  # from before the flag
    response = login(owner).post(
        reverse("members:team_decide"), {"join_request": join_request.pk, "accept": "1"}
    )
    assert response.status_code == 302
    assert "non può far parte di un'impresa" in _message(response)
    assert not Membership.objects.filter(user=person).exists()


def test_the_admin_refuses_to_add_them_to_a_firm(kind, staff_client):
    person = _person(kind)
    firm = FirmFactory()
    response = staff_client.post(
        reverse("admin:members_membership_add"),
        {"user": person.pk, "firm": firm.pk, "role": Membership.Role.MEMBER},
    )
    assert response.status_code == 200
    assert "non può far parte di un&#x27;impresa" in response.content.decode()
    assert not Membership.objects.exists()


def test_the_admin_still_adds_an_ordinary_person(staff_client):
    person = UserFactory()
    firm = FirmFactory()
    MembershipFactory(firm=firm, role=Membership.Role.OWNER)
    response = staff_client.post(
        reverse("admin:members_membership_add"),
        {"user": person.pk, "firm": firm.pk, "role": Membership.Role.MEMBER},
    )
    assert response.status_code == 302
    assert Membership.objects.get(user=person).firm == firm


def test_an_ordinary_person_still_creates_a_firm():
    user = UserFactory()
    response = login(user).post(reverse("members:firm_create"), valid_data())
    assert response["Location"] == reverse("my_firm")
    assert Membership.objects.get(user=user).firm.name == "Officine Orobiche S.r.l."


def test_the_service_reads_the_flags_under_the_persons_lock():
    """A view's check reads the request's user; the write reads the locked row again."""
    from members import services

    user = UserFactory()
    User.objects.filter(pk=user.pk).update(is_co_organiser_member=True)  # since the request
    with pytest.raises(services.NotForFirms):
        services.join_request_create(user=user, firm=FirmFactory())
    assert not JoinRequest.objects.exists()
