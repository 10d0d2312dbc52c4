"""The firms' export journey for the staff (staff/journey_figures.py): funnel, by sector, by
quarter joined, median days; the page, its CSVs and its query count."""

import csv
import datetime as dt
import io
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from checkup import journey
from checkup.models import CheckUp, Questionnaire
from members.models import Firm
from missions.models import Meeting, MeetingRequest, Partner
from tests.factories import (
    ApplicationFactory,
    FirmFactory,
    MissionFactory,
    StaffFactory,
    city,
    sector,
)
from tests.support.clients import login

pytestmark = pytest.mark.django_db

ROME = zoneinfo.ZoneInfo("Europe/Rome")
URL = reverse("staff_dashboard:journeys")
PERIOD = {"dal": "2025-01-01", "al": "2025-12-31"}


def at(y, m, d) -> dt.datetime:
    return dt.datetime(y, m, d, 12, tzinfo=ROME)


def meeting(mission, firm, partner, **fields):
    request = MeetingRequest.objects.create(
        mission=mission, firm=firm, partner=partner, status=MeetingRequest.Status.ACCEPTED
    )
    return Meeting.objects.create(
        request=request, mission=mission, firm=firm, partner=partner, **fields
    )


def checkup(firm, when):
    CheckUp.objects.create(
        firm=firm,
        questionnaire=Questionnaire.objects.get(version=1),
        started_at=when,
        completed_at=when,
    )


@pytest.fixture
def journeys_2025():
    """Four firms at known stages at the end of 2025.

    - A (metalmeccanico, joined 2025-01-15): check-up 02-01, mission 03-10 attended, a held
      meeting, an order recorded 04-10 (non-exporter → first order: 85 days).
    - B (metalmeccanico, joined 2025-02-01): check-up 02-11, nothing else.
    - C (lapideo, joined 2025-05-05): check-up 05-15, mission attended, a held meeting, the
      partner asks for samples on 03-20... of 2026: after the period, so first contacts.
    - D (lapideo, joined 2025-05-20): nothing, but staff set "first order" with a reason.
    - P (pending) and E (joined 2026): not counted.
    """
    metal, stone = sector("metalmeccanico"), sector("lapideo")
    firms = {
        "A": FirmFactory(name="Adda", sector=metal, approved_at=at(2025, 1, 15)),
        "B": FirmFactory(name="Bitto", sector=metal, approved_at=at(2025, 2, 1)),
        "C": FirmFactory(name="Cava", sector=stone, approved_at=at(2025, 5, 5)),
        "D": FirmFactory(name="Dazio", sector=stone, approved_at=at(2025, 5, 20)),
        "P": FirmFactory(name="Pendente", status=Firm.Status.PENDING),
        "E": FirmFactory(name="Enoteca", approved_at=at(2026, 2, 1)),
    }
    checkup(firms["A"], at(2025, 2, 1))
    checkup(firms["B"], at(2025, 2, 11))
    checkup(firms["C"], at(2025, 5, 15))
    partner = Partner.objects.create(
        name="Stein GmbH", city=city("koeln"), kind=Partner.Kind.IMPORTER
    )
    mission = MissionFactory(
        title="Colonia", start_date=dt.date(2025, 6, 10), end_date=dt.date(2025, 6, 12)
    )
    ApplicationFactory(mission=mission, firm=firms["A"], attended=True)
    ApplicationFactory(mission=mission, firm=firms["C"], attended=True)
    meeting(
        mission,
        firms["A"],
        partner,
        attendance=Meeting.Attendance.HELD,
        outcome=Meeting.Outcome.ORDER,
        outcome_at=at(2025, 4, 10),
    )
    meeting(
        mission,
        firms["C"],
        partner,
        attendance=Meeting.Attendance.HELD,
        partner_held=True,
        partner_interest=4,
        partner_next_step=Meeting.PartnerNextStep.SAMPLES,
        partner_feedback_at=at(2026, 3, 20),
    )
    journey.stage_override_set(
        firm=firms["D"], stage="first_order", reason="Ordine fuori missione", by=None
    )
    # The override is dated now; the period is 2025: date it back into the period.
    firms["D"].stage_overrides.update(at=at(2025, 12, 1))
    return firms


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def test_the_funnel_by_sector_by_quarter_and_the_median_times(journeys_2025):
    client = login(StaffFactory())
    response = client.get(URL, PERIOD)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Il percorso delle imprese verso l&#x27;export" in page
    assert reverse("staff_dashboard:report_pdf") in page  # the funders' report is one click away
    # The firm whose stage staff set: the effective stage, the derived one and the reason.
    assert (
        "<tr><td>Dazio</td><td>Primo ordine</td><td>Non esportatore</td>"
        "<td>Ordine fuori missione</td></tr>"
    ) in page
    figures = response.context["figures"]

    funnel = {row.label: row.values for row in figures["percorso_imprese"].rows}
    assert funnel == {
        # A firm counts in every stage up to its effective one (D's override included).
        "Non esportatore": (4, 0),
        "Check-up fatto": (4, 1),  # B stays at check-up
        "Prima missione": (3, 0),
        "Primi contatti B2B": (3, 1),  # C: the samples were asked for in 2026
        "Prima offerta": (2, 0),
        "Primo ordine": (2, 2),  # A by its order, D by the staff's override
        "Esportatore abituale": (0, 0),
    }
    by_sector = {row.label: row.values for row in figures["percorso_per_settore"].rows}
    assert by_sector["Metalmeccanico"] == (2, 2, 1, 1, 1, 1, 0)
    assert by_sector["Lapideo"] == (2, 2, 2, 2, 1, 1, 0)
    by_quarter = {row.label: row.values for row in figures["percorso_per_trimestre"].rows}
    assert list(by_quarter) == ["2025 T1", "2025 T2"]
    assert by_quarter["2025 T1"][0] == 2
    times = {row.label: row.values for row in figures["tempi_del_percorso"].rows}
    assert times["Non esportatore → Primo ordine"] == (85, 1)
    assert times["Non esportatore → Check-up fatto"] == (10, 3)  # 17, 10 and 10 days

    csv_response = client.get(reverse("staff_dashboard:csv", args=["tempi-del-percorso"]), PERIOD)
    assert csv_response.status_code == 200
    rows = read_csv(csv_response)
    assert rows[0] == ["Da → a", "Giorni (mediana)", "Imprese"]
    assert ["Non esportatore → Primo ordine", "85", "1"] in rows
    funnel_csv = read_csv(
        client.get(reverse("staff_dashboard:csv", args=["percorso-imprese"]), PERIOD)
    )
    assert ["Primo ordine", "2", "2"] in funnel_csv


def test_a_sector_filter_counts_its_firms_only(journeys_2025):
    client = login(StaffFactory())
    response = client.get(URL, {**PERIOD, "settore": "lapideo"})
    funnel = {row.label: row.values for row in response.context["figures"]["percorso_imprese"].rows}
    assert funnel["Non esportatore"] == (2, 0)
    assert funnel["Primo ordine"] == (1, 1)


def test_members_and_anonymous_users_do_not_see_the_page(journeys_2025, owner_client, client):
    assert owner_client.get(URL).status_code == 302
    assert client.get(URL).status_code == 302


@pytest.mark.parametrize("n", [1, 12])
def test_the_page_runs_a_fixed_number_of_queries(django_assert_num_queries, n):
    partner = Partner.objects.create(name="Stein", city=city("koeln"), kind=Partner.Kind.IMPORTER)
    mission = MissionFactory(start_date=dt.date(2025, 6, 10), end_date=dt.date(2025, 6, 12))
    for i in range(n):
        firm = FirmFactory(approved_at=at(2025, 1 + i % 12, 1))
        checkup(firm, at(2025, 1 + i % 12, 10))
        ApplicationFactory(mission=mission, firm=firm, attended=True)
        meeting(mission, firm, partner, outcome="offer", outcome_at=at(2025, 7, 1))
        journey.stage_override_set(firm=firm, stage="first_order", reason="x", by=None)
    client = login(StaffFactory())
    client.get(URL, PERIOD)
    # user, staff 2FA check, bell; the firms, check-ups, missions, meetings and
    # overrides; the sector choices of the form
    with django_assert_num_queries(7):
        response = client.get(URL, {"dal": "2025-01-01", "al": timezone.localdate().isoformat()})
    assert response.status_code == 200
    rows = response.context["figures"]["percorso_imprese"].rows
    assert rows[0].values[0] == n


def test_an_override_overtaken_by_later_data_no_longer_holds_the_firm_back():
    # Staff set "first mission" in April 2025; in June the firm records its first order.
    firm = FirmFactory(name="Ercole", approved_at=at(2025, 1, 10))
    partner = Partner.objects.create(name="Stein", city=city("koeln"), kind=Partner.Kind.IMPORTER)
    mission = MissionFactory(start_date=dt.date(2025, 5, 2), end_date=dt.date(2025, 5, 4))
    ApplicationFactory(mission=mission, firm=firm, attended=True)
    journey.stage_override_set(
        firm=firm, stage="first_mission", reason="Missione SIMEST fuori dal Club", by=None
    )
    firm.stage_overrides.update(at=at(2025, 4, 1))
    meeting(
        mission,
        firm,
        partner,
        attendance=Meeting.Attendance.HELD,
        outcome="order",
        outcome_at=at(2025, 6, 10),
    )
    response = login(StaffFactory()).get(URL, PERIOD)
    page = response.content.decode()
    assert (
        "<tr><td>Ercole</td><td>Primo ordine</td><td>Primo ordine</td>"
        "<td>Missione SIMEST fuori dal Club (superata dai dati: la fase era Prima missione)</td>"
        "</tr>"
    ) in page
    funnel = {row.label: row.values for row in response.context["figures"]["percorso_imprese"].rows}
    assert funnel["Primo ordine"] == (1, 1)
