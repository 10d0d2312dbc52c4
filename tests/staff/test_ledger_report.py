"""The outcome ledger (checkup/ledger.py) and the funders' report as XLSX and PDF."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from checkup import journey, ledger
from missions.models import Meeting, Partner
from tests.factories import ApplicationFactory, FirmFactory, MissionFactory, StaffFactory, city
from tests.staff.test_journey_figures import at, checkup, meeting
from tests.support.clients import login

pytestmark = pytest.mark.django_db

XLSX = reverse("staff_dashboard:report_xlsx")
PDF = reverse("staff_dashboard:report_pdf")


@pytest.fixture
def ledger_2025():
    """Two missions in 2025 (Q2 and Q4) and one in 2026; three firms, two partners.

    - Colonia (June 2025): Adda meets Stein (held, order 10-50k, partner interest 5) and
      Brenner (held, agreement >250k, interest 3); Bitto meets Stein (held, contact, interest 1).
    - Lipsia (October 2025): Bitto meets Brenner (no-show, nothing).
    - Berlino (2026): Cava meets Stein (held, order): not in 2025.
    Firms assisted in 2025: Adda and Bitto attended Colonia, Cava did a check-up. New exporters:
    Adda (first order 2025-06-20). Cava's first order is in 2026.
    """
    joined = at(2025, 1, 10)
    adda = FirmFactory(name="Adda", approved_at=joined)
    bitto = FirmFactory(name="Bitto", approved_at=joined)
    cava = FirmFactory(name="Cava", approved_at=joined)
    stein = Partner.objects.create(name="Stein", city=city("koeln"), kind=Partner.Kind.IMPORTER)
    brenner = Partner.objects.create(name="Brenner", city=city("koeln"), kind=Partner.Kind.IMPORTER)
    colonia = MissionFactory(
        title="Colonia", start_date=dt.date(2025, 6, 10), end_date=dt.date(2025, 6, 12)
    )
    lipsia = MissionFactory(
        title="Lipsia", start_date=dt.date(2025, 10, 1), end_date=dt.date(2025, 10, 3)
    )
    berlino = MissionFactory(
        title="Berlino", start_date=dt.date(2026, 3, 1), end_date=dt.date(2026, 3, 3)
    )
    ApplicationFactory(mission=colonia, firm=adda, attended=True)
    ApplicationFactory(mission=colonia, firm=bitto, attended=True)
    ApplicationFactory(mission=lipsia, firm=bitto, attended=False)
    ApplicationFactory(mission=berlino, firm=cava, attended=True)
    checkup(cava, at(2025, 11, 5))
    held = {"attendance": Meeting.Attendance.HELD, "partner_held": True}
    meeting(
        colonia,
        adda,
        stein,
        **held,
        outcome="order",
        value_band="10k-50k",
        outcome_at=at(2025, 6, 20),
        partner_interest=5,
    )
    meeting(
        colonia,
        adda,
        brenner,
        **held,
        outcome="agreement",
        value_band="gt250k",
        outcome_at=at(2025, 7, 1),
        partner_interest=3,
    )
    meeting(colonia, bitto, stein, **held, outcome="contact", partner_interest=1)
    meeting(lipsia, bitto, brenner, attendance=Meeting.Attendance.NO_SHOW)
    meeting(berlino, cava, stein, **held, outcome="order", outcome_at=at(2026, 3, 5))


def test_the_roll_ups_per_mission_sector_partner_and_firm(ledger_2025):
    result = ledger.report(ledger.Period(2025))
    assert result.indicators == {
        "firms_assisted": 3,
        "new_exporters": 1,
        "meetings_held": 3,
        "agreements": 1,
        "satisfaction": ledger.Decimal("3.0"),
        "satisfaction_answers": 3,
        "orders": 1,
        "offers": 0,
    }
    by_partner = {row.label: row for row in result.rollups["partner"]}
    assert (by_partner["Stein"].meetings, by_partner["Stein"].held) == (2, 2)
    assert by_partner["Stein"].outcomes["order"] == 1
    assert by_partner["Stein"].interest == ledger.Decimal("3.0")
    assert by_partner["Brenner"].bands["gt250k"] == 1
    by_firm = {row.label: row for row in result.rollups["firm"]}
    assert set(by_firm) == {"Adda", "Bitto"}
    assert by_firm["Adda"].outcomes["agreement"] == 1
    by_mission = [row.label for row in result.rollups["mission"]]
    assert by_mission == ["Colonia (10/06/2025)", "Lipsia (01/10/2025)"]
    # The second quarter has Colonia only; the fourth has Cava's check-up and no meeting held.
    q4 = ledger.report(ledger.Period(2025, 4))
    assert (q4.indicators["firms_assisted"], q4.indicators["meetings_held"]) == (1, 0)
    assert q4.indicators["satisfaction"] is None


def test_staff_download_the_report_as_xlsx(ledger_2025):
    client = login(StaffFactory())
    response = client.get(XLSX, {"anno": "2025"})
    assert response.status_code == 200
    assert 'filename="rapporto-club-2025.xlsx"' in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "Indicatori",
        "Per missione",
        "Per settore",
        "Per partner",
        "Per impresa",
    ]
    indicators = {row[0]: row[1] for row in book["Indicatori"].iter_rows(values_only=True)}
    assert indicators["Imprese assistite"] == 3
    assert indicators["Nuove esportatrici (primo ordine nel periodo)"] == 1
    assert indicators["Incontri B2B svolti"] == 3
    assert indicators["Accordi di partnership"] == 1
    assert indicators["Soddisfazione: interesse medio dei partner (1-5)"] == 3.0
    assert any("questionario di gradimento" in str(k) for k in indicators)
    partners = list(book["Per partner"].iter_rows(values_only=True))
    header = partners[0]
    stein = next(row for row in partners if row[0] == "Stein")
    assert stein[header.index("Incontri")] == 2
    assert stein[header.index("Ordine")] == 1
    assert stein[header.index("Interesse medio del partner (1-5)")] == 3.0


def test_staff_download_the_report_as_pdf_for_a_quarter(ledger_2025):
    client = login(StaffFactory())
    response = client.get(PDF, {"anno": "2025", "trimestre": "2"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    assert "2° trimestre 2025" in text
    assert "Imprese assistite 2" in text  # Adda and Bitto at Colonia
    assert "Incontri B2B svolti 3" in text
    assert "Accordi di partnership 1" in text
    assert "Nuove esportatrici (primo ordine nel periodo) 1" in text
    assert "questionario di gradimento" in text
    assert "Lipsia" not in text  # October: another quarter


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"anno": "duemila"}, "Anno non valido"),
        ({"anno": "99999"}, "Anno non valido"),
        ({"anno": "2025", "trimestre": "5"}, "Trimestre non valido"),
        ({"trimestre": "2"}, "Indica l'anno"),
    ],
)
def test_a_bad_period_gets_a_400_with_a_message(params, message):
    client = login(StaffFactory())
    for url in (XLSX, PDF):
        response = client.get(url, params)
        assert response.status_code == 400
        assert message in response.content.decode()


def test_a_period_that_has_not_begun_gets_a_400_and_the_current_one_a_report():
    today = timezone.localdate()
    quarter = (today.month - 1) // 3 + 1
    later = (today.year, quarter + 1) if quarter < 4 else (today.year + 1, 1)
    client = login(StaffFactory())
    for url in (XLSX, PDF):
        response = client.get(url, {"anno": str(later[0]), "trimestre": str(later[1])})
        assert response.status_code == 400
        assert "non è ancora iniziato" in response.content.decode()
        response = client.get(url, {"anno": str(today.year + 1)})
        assert response.status_code == 400
        assert "non è ancora iniziato" in response.content.decode()
    # The quarter under way (and its year) may be reported so far.
    response = client.get(XLSX, {"anno": str(today.year), "trimestre": str(quarter)})
    assert response.status_code == 200
    assert client.get(XLSX, {"anno": str(today.year)}).status_code == 200


def test_the_journeys_page_offers_no_year_after_the_current_one(staff_client):
    response = staff_client.get(reverse("staff_dashboard:journeys"))
    assert f'max="{timezone.localdate().year}"' in response.content.decode()


def test_members_cannot_download_the_report(owner_client):
    assert owner_client.get(XLSX).status_code == 302
    assert owner_client.get(PDF).status_code == 302


def test_an_override_counts_as_a_new_exporter_on_its_local_day():
    # Set at 00:30 on 1 January 2026 in Sondrio (23:30 on 31 December in UTC): a 2026 exporter.
    firm = FirmFactory(name="Capodanno", approved_at=at(2025, 1, 10))
    journey.stage_override_set(firm=firm, stage="first_order", reason="Ordine a Capodanno", by=None)
    firm.stage_overrides.update(at=dt.datetime(2025, 12, 31, 23, 30, tzinfo=dt.UTC))
    assert ledger.report(ledger.Period(2025)).indicators["new_exporters"] == 0
    assert ledger.report(ledger.Period(2026, 1)).indicators["new_exporters"] == 1


@pytest.mark.parametrize("n", [1, 6])
def test_the_report_runs_a_fixed_number_of_queries(n, django_assert_num_queries):
    stein = Partner.objects.create(name="Stein", city=city("koeln"), kind=Partner.Kind.IMPORTER)
    mission = MissionFactory(start_date=dt.date(2025, 6, 10), end_date=dt.date(2025, 6, 12))
    for i in range(n):
        firm = FirmFactory(approved_at=at(2025, 1, 10))
        ApplicationFactory(mission=mission, firm=firm, attended=True)
        checkup(firm, at(2025, 2, 1 + i))
        meeting(mission, firm, stein, attendance="held", outcome="order", outcome_at=at(2025, 7, 1))
        journey.stage_override_set(firm=firm, stage="first_offer", reason="x", by=None)
    client = login(StaffFactory())
    client.get(XLSX, {"anno": "2025"})
    # session, user, staff 2FA check; the totals, firms assisted, the journeys (firms, check-ups,
    # missions, meetings, overrides), the four roll-ups
    with django_assert_num_queries(13):
        response = client.get(XLSX, {"anno": "2025"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))["Indicatori"]
    assert [row[1].value for row in sheet.iter_rows(min_row=2, max_row=3)] == [n, n]


def test_a_no_interest_outcome_has_its_column_in_the_roll_ups():
    stein = Partner.objects.create(name="Stein", city=city("koeln"), kind=Partner.Kind.IMPORTER)
    mission = MissionFactory(start_date=dt.date(2025, 6, 10), end_date=dt.date(2025, 6, 12))
    firm = FirmFactory(name="Adda", approved_at=at(2025, 1, 10))
    meeting(mission, firm, stein, attendance="held", outcome="no_interest", partner_interest=1)
    row = ledger.report(ledger.Period(2025)).rollups["partner"][0]
    assert (row.label, row.outcomes["no_interest"], row.outcomes["contact"]) == ("Stein", 1, 0)
    response = login(StaffFactory()).get(XLSX, {"anno": "2025"})
    partners = list(
        load_workbook(io.BytesIO(response.content))["Per partner"].iter_rows(values_only=True)
    )
    assert partners[1][partners[0].index("Nessun interesse")] == 1
