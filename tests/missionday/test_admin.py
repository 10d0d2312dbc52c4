"""The mission day's admin (issue 18): staff add a badge by hand, never edit its token, issue the
missing badges per mission, and see check-ins without editing them."""

import uuid

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from missionday.models import CheckIn, DayPass
from missionday.services.passes import check_in_record, day_passes_issue
from tests.factories import ApplicationFactory, MissionFactory, StaffFactory, member
from tests.missionday.test_delegates import firm_on_mission  # noqa: F401 (fixture)
from tests.support.admin_forms import submit_change_form
from tests.support.clients import login

pytestmark = pytest.mark.django_db


def test_staff_add_a_badge_for_someone_without_an_account(staff_client, firm_on_mission):  # noqa: F811
    mission, firm, _owner, _colleague = firm_on_mission
    response = staff_client.post(
        reverse("admin:missionday_daypass_add"),
        {
            "mission": mission.pk,
            "kind": "delegate",
            "full_name": "Giorgio Interprete",
            "firm": firm.pk,
            "partner": "",
            "user": "",
            "token": "forged-token",
        },
    )
    assert response.status_code == 302
    badge = DayPass.objects.get(full_name="Giorgio Interprete")
    assert badge.user is None
    assert badge.token != "forged-token"
    assert len(badge.token) >= 32


def test_a_badge_of_the_wrong_kind_is_refused_with_a_message(staff_client, firm_on_mission):  # noqa: F811
    mission, _firm, _owner, _colleague = firm_on_mission
    response = staff_client.post(
        reverse("admin:missionday_daypass_add"),
        {"mission": mission.pk, "kind": "delegate", "full_name": "Senza Impresa"},
    )
    assert response.status_code == 200
    assert "indica l&#x27;impresa" in response.content.decode()
    assert not DayPass.objects.exists()


def test_the_token_is_never_editable(staff_client, firm_on_mission):  # noqa: F811
    mission, _firm, owner, _colleague = firm_on_mission
    day_passes_issue(mission=mission)
    badge = DayPass.objects.get(user=owner)
    token = badge.token
    url = reverse("admin:missionday_daypass_change", args=[badge.pk])
    response = submit_change_form(staff_client, url, token="changed", full_name="Nome Corretto")
    assert response.status_code == 302
    badge.refresh_from_db()
    assert (badge.token, badge.full_name) == (token, "Nome Corretto")


def test_issue_missing_badges_from_the_mission_and_the_badges(staff_client, firm_on_mission):  # noqa: F811
    mission, _firm, _owner, _colleague = firm_on_mission
    response = staff_client.post(
        reverse("admin:missions_mission_changelist"),
        {"action": "issue_badges", "_selected_action": [mission.pk]},
        follow=True,
    )
    assert "1 badge emesso" in response.content.decode()
    late = member(name="Ritardataria S.r.l.")
    ApplicationFactory(mission=mission, firm=late.membership.firm, applied_by=late)
    response = staff_client.post(
        reverse("admin:missionday_daypass_changelist"),
        {"action": "issue_missing", "_selected_action": [DayPass.objects.get().pk]},
        follow=True,
    )
    assert "1 badge emesso" in response.content.decode()
    assert DayPass.objects.filter(mission=mission).count() == 2


def test_the_mission_page_links_to_the_badge_sheet(staff_client):
    mission = MissionFactory()
    page = staff_client.get(reverse("admin:missions_mission_change", args=[mission.pk]))
    assert reverse("missionday:badges", args=[mission.pk]) in page.content.decode()


def test_badges_list_by_check_in(staff_client, firm_on_mission):  # noqa: F811
    mission, firm, owner, _colleague = firm_on_mission
    day_passes_issue(mission=mission)
    check_in_record(mission=mission, token=DayPass.objects.get().token, client_id=uuid.uuid4())
    url = reverse("admin:missionday_daypass_changelist")
    assert owner.get_full_name() in staff_client.get(url, {"check_in": "yes"}).content.decode()
    assert owner.get_full_name() not in staff_client.get(url, {"check_in": "no"}).content.decode()
    assert staff_client.get(url, {"q": owner.last_name}).status_code == 200


def test_check_ins_are_read_only_and_only_superusers_delete_them(staff_client, firm_on_mission):  # noqa: F811
    mission, _firm, _owner, _colleague = firm_on_mission
    day_passes_issue(mission=mission)
    badge = DayPass.objects.get()
    check_in, _ = check_in_record(mission=mission, token=badge.token, client_id=uuid.uuid4())
    assert staff_client.get(reverse("admin:missionday_checkin_add")).status_code == 403
    change = reverse("admin:missionday_checkin_change", args=[check_in.pk])
    staff_client.post(change, {"method": "search", "day": "2020-01-01"})
    check_in.refresh_from_db()
    assert check_in.method == "scan"

    # Staff with every permission but not superusers cannot delete a check-in, nor the badge.
    clerk = StaffFactory(is_superuser=False)
    clerk.user_permissions.set(Permission.objects.filter(content_type__app_label="missionday"))
    clerk_client = login(type(clerk).objects.get(pk=clerk.pk))
    delete = reverse("admin:missionday_checkin_delete", args=[check_in.pk])
    assert clerk_client.post(delete, {"post": "yes"}).status_code == 403
    badge_delete = reverse("admin:missionday_daypass_delete", args=[badge.pk])
    assert clerk_client.post(badge_delete, {"post": "yes"}).status_code == 403
    assert CheckIn.objects.count() == 1

    staff_client.post(delete, {"post": "yes"})
    assert not CheckIn.objects.exists()


def test_badges_list_by_organisation(staff_client, firm_on_mission):  # noqa: F811
    mission, firm, owner, _colleague = firm_on_mission
    day_passes_issue(mission=mission)
    other = member(name="Altra Impresa S.r.l.")
    ApplicationFactory(mission=mission, firm=other.membership.firm, applied_by=other)
    day_passes_issue(mission=mission)
    url = reverse("admin:missionday_daypass_changelist")
    page = staff_client.get(url, {"organisation": f"firm-{firm.pk}"}).content.decode()
    assert owner.get_full_name() in page
    assert other.get_full_name() not in page


def test_an_odd_organisation_filter_is_ignored(staff_client):
    # int() refuses "²" though "²".isdigit(): the filter ignores it (no error page, no ?e=1).
    url = reverse("admin:missionday_daypass_changelist")
    for odd in ("firm-\u00b2", "partner-1\u00b2", "firm-" + "9" * 30):
        assert staff_client.get(url, {"organisation": odd}).status_code == 200
