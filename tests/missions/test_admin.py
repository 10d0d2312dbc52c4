import io

import openpyxl
import pytest
from django.urls import reverse

from missions.models import Application, Mission
from notifications.models import Broadcast
from tests.factories import ApplicationFactory, MembershipFactory, MissionFactory

pytestmark = pytest.mark.django_db
Status = Application.Status


def test_mission_list_shows_seats_taken_and_waitlist(staff_client):
    mission = MissionFactory(title="Colonia e Dortmund", seats=4)
    ApplicationFactory.create_batch(3, mission=mission)
    ApplicationFactory(mission=mission, status=Status.WAITLISTED)
    body = staff_client.get(reverse("admin:missions_mission_changelist")).content.decode()
    assert "3 / 4" in body


def test_publish_action_fans_out_once(staff_client):
    mission = MissionFactory(status=Mission.Status.DRAFT, published_at=None)
    for _ in range(2):
        staff_client.post(
            reverse("admin:missions_mission_changelist"),
            {"action": "publish", "_selected_action": [mission.pk]},
        )
    mission.refresh_from_db()
    assert mission.status == Mission.Status.PUBLISHED
    assert Broadcast.objects.count() == 1


def test_confirm_action_refuses_beyond_the_seats(staff_client):
    mission = MissionFactory(seats=1, requires_approval=True)
    apps = ApplicationFactory.create_batch(2, mission=mission, status=Status.PENDING)
    response = staff_client.post(
        reverse("admin:missions_application_changelist"),
        {"action": "confirm", "_selected_action": [a.pk for a in apps]},
        follow=True,
    )
    body = response.content.decode()
    assert "1 candidatura confermata." in body
    assert "non ci sono posti liberi" in body
    assert Application.objects.filter(status=Status.CONFIRMED).count() == 1


def test_participant_exports(staff_client):
    url = reverse("admin:missions_mission_changelist")
    mission = MissionFactory(title="Colonia 2027")
    confirmed = ApplicationFactory(mission=mission, firm__name="Società Àlpe S.r.l.")
    MembershipFactory(firm=confirmed.firm, user__email="referente@alpe.it")
    ApplicationFactory(mission=mission, status=Status.WAITLISTED, firm__name="In attesa S.r.l.")

    csv = staff_client.post(
        url,
        {"action": "export_csv", "_selected_action": [mission.pk]},
    )
    assert csv["Content-Type"].startswith("text/csv")
    text = csv.content.decode("utf-8-sig")
    assert "Società Àlpe S.r.l." in text
    assert "referente@alpe.it" in text
    assert "In attesa S.r.l." not in text  # only confirmed participants

    xlsx = staff_client.post(
        url,
        {"action": "export_xlsx", "_selected_action": [mission.pk]},
    )
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert "Società Àlpe S.r.l." in values


def test_staff_cannot_change_an_application_status_by_form(staff_client):
    application = ApplicationFactory(status=Status.WAITLISTED)
    page = staff_client.get(reverse("admin:missions_application_change", args=[application.pk]))
    assert page.status_code == 200
    assert 'name="status"' not in page.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        reverse("admin:missions_mission_add"),
        reverse("admin:missions_city_changelist"),
        reverse("admin:missions_interest_changelist"),
        reverse("admin:missions_application_changelist"),
    ],
)
def test_admin_pages_render(staff_client, path):
    assert staff_client.get(path).status_code == 200


def test_mission_change_page_renders(staff_client):
    mission = MissionFactory()
    url = reverse("admin:missions_mission_change", args=[mission.pk])
    assert staff_client.get(url).status_code == 200


def test_marking_attendance_keeps_an_audit_trail(staff_client, staff):
    confirmed = ApplicationFactory()
    waiting = ApplicationFactory(status=Status.WAITLISTED)
    staff_client.post(
        reverse("admin:missions_application_changelist"),
        {"action": "mark_attended", "_selected_action": [confirmed.pk, waiting.pk]},
    )
    confirmed.refresh_from_db()
    waiting.refresh_from_db()
    assert confirmed.attended is True
    assert waiting.attended is None  # only confirmed firms took part
    assert confirmed.history.latest().history_user == staff


def test_the_partner_autocomplete_of_the_missions_partners_lists_several_partners(staff_client):
    """The mission's partners inline picks a partner by autocomplete: each result is named with
    its city (Partner.__str__), loaded with the partners, not one query per partner."""
    from missions.models import Partner
    from tests.factories import city

    mission = MissionFactory()
    for name, slug in (("Rhein Naturstein GmbH", "koeln"), ("Marmor Berlin GmbH", "berlin")):
        Partner.objects.create(name=name, kind=Partner.Kind.IMPORTER, city=city(slug))

    response = staff_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "missions",
            "model_name": "missionpartner",
            "field_name": "partner",
            "term": "",
        },
        headers={"referer": reverse("admin:missions_mission_change", args=[mission.pk])},
    )

    assert response.status_code == 200, response.content.decode()[:300]
    texts = [result["text"] for result in response.json()["results"]]
    assert texts == ["Marmor Berlin GmbH (Berlin)", "Rhein Naturstein GmbH (Köln)"]
