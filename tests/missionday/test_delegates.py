"""A firm's owners name its delegates for a mission (issue 18): at most the delegates of the
application, owners only, and a badge that was checked in stays."""

import datetime as dt
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import Membership
from missionday.models import DayPass
from missionday.services.errors import (
    AlreadyDelegate,
    DelegateCheckedIn,
    DelegateInvalid,
    DelegateRefused,
    DelegatesFull,
)
from missionday.services.passes import (
    check_in_record,
    day_passes_issue,
    delegate_add,
    delegate_remove,
)
from missions.models import Application
from tests.factories import (
    ApplicationFactory,
    MembershipFactory,
    MissionFactory,
    UserFactory,
    member,
)
from tests.support.clients import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def firm_on_mission():
    today = timezone.localdate()
    mission = MissionFactory(start_date=today, end_date=today + dt.timedelta(days=1))
    owner = member(name="Officine Valtellina S.r.l.")
    firm = owner.membership.firm
    ApplicationFactory(mission=mission, firm=firm, applied_by=owner, delegates=2)
    colleague = MembershipFactory(
        firm=firm,
        role=Membership.Role.MEMBER,
        user=UserFactory(first_name="Sara", last_name="Rossi"),
    ).user
    return mission, firm, owner, colleague


def _firm_badges(mission, firm):
    return sorted(
        DayPass.objects.filter(mission=mission, firm=firm).values_list("full_name", flat=True)
    )


def test_owners_name_delegates_up_to_the_applications_number(firm_on_mission):
    mission, firm, owner, colleague = firm_on_mission
    day_passes_issue(mission=mission)  # the applicant's badge counts
    delegate_add(mission_id=mission.pk, firm=firm, by=owner, user=colleague)
    with pytest.raises(DelegatesFull):
        delegate_add(mission_id=mission.pk, firm=firm, by=owner, full_name="Piero Neri")
    assert _firm_badges(mission, firm) == sorted([owner.get_full_name(), "Sara Rossi"])
    assert DayPass.objects.get(user=colleague).kind == DayPass.Kind.DELEGATE


def test_a_person_without_an_account_gets_a_badge_by_name(firm_on_mission):
    mission, firm, owner, _colleague = firm_on_mission
    badge = delegate_add(mission_id=mission.pk, firm=firm, by=owner, full_name="  Piero   Neri ")
    assert (badge.full_name, badge.user, badge.organisation) == (
        "Piero Neri",
        None,
        "Officine Valtellina S.r.l.",
    )
    with pytest.raises(DelegateInvalid):
        delegate_add(mission_id=mission.pk, firm=firm, by=owner, full_name="   ")


def test_only_owners_of_a_confirmed_firm_name_delegates(firm_on_mission):
    mission, firm, owner, colleague = firm_on_mission
    with pytest.raises(DelegateRefused):
        delegate_add(mission_id=mission.pk, firm=firm, by=colleague, full_name="Piero Neri")
    stranger = member()
    with pytest.raises(DelegateRefused):
        delegate_add(mission_id=mission.pk, firm=firm, by=stranger, full_name="Piero Neri")
    # Someone of another firm cannot be named.
    with pytest.raises(DelegateInvalid):
        delegate_add(mission_id=mission.pk, firm=firm, by=owner, user=stranger)
    Application.objects.filter(firm=firm).update(status=Application.Status.WAITLISTED)
    with pytest.raises(DelegateRefused):
        delegate_add(mission_id=mission.pk, firm=firm, by=owner, full_name="Piero Neri")
    assert not DayPass.objects.exists()


def test_the_same_member_is_named_once(firm_on_mission):
    mission, firm, owner, colleague = firm_on_mission
    delegate_add(mission_id=mission.pk, firm=firm, by=owner, user=colleague)
    with pytest.raises(AlreadyDelegate):
        delegate_add(mission_id=mission.pk, firm=firm, by=owner, user=colleague)
    assert DayPass.objects.count() == 1


def test_removing_a_delegate_deletes_the_badge_unless_checked_in(firm_on_mission):
    mission, firm, owner, colleague = firm_on_mission
    first = delegate_add(mission_id=mission.pk, firm=firm, by=owner, user=colleague)
    second = delegate_add(mission_id=mission.pk, firm=firm, by=owner, full_name="Piero Neri")
    check_in_record(mission=mission, token=second.token, client_id=uuid.uuid4())

    with pytest.raises(DelegateRefused):
        delegate_remove(mission_id=mission.pk, day_pass_id=first.pk, firm=firm, by=colleague)
    delegate_remove(mission_id=mission.pk, day_pass_id=first.pk, firm=firm, by=owner)
    with pytest.raises(DelegateCheckedIn):
        delegate_remove(mission_id=mission.pk, day_pass_id=second.pk, firm=firm, by=owner)
    assert _firm_badges(mission, firm) == ["Piero Neri"]


def test_issuing_badges_respects_the_delegates_the_firm_named(firm_on_mission):
    mission, firm, owner, colleague = firm_on_mission
    delegate_add(mission_id=mission.pk, firm=firm, by=owner, user=colleague)
    delegate_add(mission_id=mission.pk, firm=firm, by=owner, full_name="Piero Neri")
    # The applicant is not among them: no third badge for the firm.
    assert day_passes_issue(mission=mission) == 0
    assert _firm_badges(mission, firm) == ["Piero Neri", "Sara Rossi"]


# --- The page ---------------------------------------------------------------------------------


def test_the_owner_names_and_removes_delegates_on_the_page(firm_on_mission):
    mission, firm, owner, colleague = firm_on_mission
    client = login(owner)
    url = reverse("missionday:delegates", args=[mission.pk])
    page = client.get(url).content.decode()
    assert "Sara Rossi" in page  # offered among the firm's people
    assert "2" in page

    client.post(url, {"action": "add", "member": colleague.pk})
    response = client.post(url, {"action": "add", "full_name": "Piero Neri"}, follow=True)
    assert "Piero Neri" in response.content.decode()
    response = client.post(url, {"action": "add", "full_name": "Terzo Delegato"}, follow=True)
    assert "tutti i delegati previsti" in response.content.decode()
    assert _firm_badges(mission, firm) == ["Piero Neri", "Sara Rossi"]

    badge = DayPass.objects.get(full_name="Piero Neri")
    check_in_record(mission=mission, token=badge.token, client_id=uuid.uuid4())
    response = client.post(url, {"action": "remove", "day_pass": badge.pk}, follow=True)
    assert "ha già fatto il check-in" in response.content.decode()
    sara = DayPass.objects.get(full_name="Sara Rossi")
    client.post(url, {"action": "remove", "day_pass": sara.pk})
    assert _firm_badges(mission, firm) == ["Piero Neri"]


def test_the_page_refuses_bad_input_with_a_message(firm_on_mission):
    mission, firm, owner, _colleague = firm_on_mission
    client = login(owner)
    url = reverse("missionday:delegates", args=[mission.pk])
    response = client.post(url, {"action": "add", "full_name": ""})
    assert response.status_code == 200
    assert "Scegli un collaboratore" in response.content.decode()
    stranger = member()
    response = client.post(url, {"action": "add", "member": stranger.pk})
    assert response.status_code == 200
    response = client.post(url, {"action": "remove", "day_pass": "x"}, follow=True)
    assert response.status_code == 200
    for odd in ("\u00b2", "1\u00b2", "\u0663", "9" * 30):  # digits int() refuses, or too long
        response = client.post(url, {"action": "remove", "day_pass": odd}, follow=True)
        assert response.status_code == 200
        assert "Richiesta non valida" in response.content.decode()
    response = client.post(url, {"action": "explode"}, follow=True)
    assert "Richiesta non valida" in response.content.decode()
    assert not DayPass.objects.exists()


def test_collaborators_and_other_firms_cannot_open_the_page(firm_on_mission):
    mission, _firm, _owner, colleague = firm_on_mission
    url = reverse("missionday:delegates", args=[mission.pk])
    assert login(colleague).get(url).status_code == 403
    assert login(member()).get(url).status_code == 404
    assert login(colleague).post(url, {"action": "add", "full_name": "X Y"}).status_code == 403
    assert not DayPass.objects.exists()


def test_delegates_page_query_count(firm_on_mission, django_assert_num_queries):
    mission, firm, owner, colleague = firm_on_mission
    client = login(owner)
    url = reverse("missionday:delegates", args=[mission.pk])
    Application.objects.filter(firm=firm).update(delegates=3)  # the form stays on the page
    delegate_add(mission_id=mission.pk, firm=firm, by=owner, user=colleague)
    client.get(url)  # warm: the user comes from Redis (core/auth.py)
    with django_assert_num_queries(DELEGATES_PAGE_QUERIES):
        assert client.get(url).status_code == 200
    delegate_add(mission_id=mission.pk, firm=firm, by=owner, full_name="Piero Neri")
    with django_assert_num_queries(DELEGATES_PAGE_QUERIES):
        page = client.get(url)
    assert "Piero Neri" in page.content.decode()


# The user (the session comes from Redis), the membership with its firm, the owner check and
# the application, the badges with their check-ins, the firm's people for the choice, and the
# base template's own.
DELEGATES_PAGE_QUERIES = 4
