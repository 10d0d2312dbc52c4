"""The satisfaction survey's results for staff: NPS, averages and comments on the dashboard,
its CSV, the mission's page and the funders' report (issue 18)."""

import csv
import html
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from missionday.models import SurveyResponse
from missionday.selectors import nps, survey_period
from missions.models import Mission
from tests.factories import member
from tests.missionday.after_support import past_mission
from tests.support.clients import login

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ([10, 9, 8, 7, 6], 20),  # 2 promoters, 1 detractor of 5
        ([10, 10, 10], 100),
        ([0, 3, 6], -100),
        ([7, 8], 0),
        ([9, 0, 0], -33),
        ([9, 9, 0], 33),
        ([10, 6, 7, 8, 9, 10, 2, 8], 13),  # 3 - 2 = 1 of 8: 12.5, rounded half away from zero
    ],
)
def test_nps_is_the_share_of_promoters_minus_detractors(scores, expected):
    promoters = sum(1 for s in scores if s >= 9)
    detractors = sum(1 for s in scores if s <= 6)
    assert nps(promoters=promoters, detractors=detractors, responses=len(scores)) == expected


def test_no_answers_no_nps():
    assert nps(promoters=0, detractors=0, responses=0) is None


def _answers(mission: Mission, scores, comments=()):
    comments = list(comments) + [""] * (len(scores) - len(comments))
    for i, (score, comment) in enumerate(zip(scores, comments, strict=True)):
        SurveyResponse.objects.create(
            mission=mission,
            kind="partner" if i % 2 else "delegate",
            overall=score,
            meetings_usefulness=1 + i % 5,  # 1, 2, 3, 4, 5
            organisation=5,
            comment=comment,
        )


def _period(mission):
    # Through today: the dashboard counts the missions published by the end of the period.
    return {"dal": mission.start_date.isoformat(), "al": timezone.localdate().isoformat()}


def test_the_dashboard_shows_the_missions_nps_and_averages(staff_client):
    mission = past_mission()
    _answers(mission, [10, 9, 8, 7, 6], comments=["<script>alert(1)</script> ottimo"])

    page = staff_client.get(reverse("staff_dashboard:index"), _period(mission)).content.decode()

    assert "Soddisfazione: questionario di gradimento" in page
    assert "<dt>NPS</dt><dd>20</dd>" in page
    assert "<dt>risposte</dt><dd>5</dd>" in page
    assert "<dt>utilità degli incontri (1-5)</dt><dd>3.0</dd>" in page or (
        "<dt>utilità degli incontri (1-5)</dt><dd>3,0</dd>" in page
    )
    assert reverse("staff_dashboard:survey", args=[mission.pk]) in page


def test_the_missions_page_lists_the_comments_escaped(staff_client):
    mission = past_mission()
    _answers(mission, [10, 9], comments=["<script>alert(1)</script> ottimo", "Bene"])

    response = staff_client.get(reverse("staff_dashboard:survey", args=[mission.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in page
    assert html.escape("<script>alert(1)</script>") + " ottimo" in page
    assert "Bene" in page


def test_only_staff_reach_the_missions_survey_page():
    mission = past_mission()
    url = reverse("staff_dashboard:survey", args=[mission.pk])
    assert login(member()).get(url).status_code == 403
    anonymous = Client().get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("account_login"))


def _csv(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def test_the_csv_has_the_nps_averages_and_the_comments(staff_client):
    mission = past_mission()
    _answers(mission, [10, 9, 8, 7, 6], comments=['=HYPERLINK("x")', "Tavoli ben organizzati"])

    rows = _csv(
        staff_client.get(reverse("staff_dashboard:csv", args=["soddisfazione"]), _period(mission))
    )
    assert rows[0] == [
        "Missione",
        "Inizio",
        "Fine",
        "Utilità degli incontri (media 1-5)",
        "Organizzazione (media 1-5)",
        "Risposte",
        "NPS",
    ]
    assert rows[1][0] == "Missione pietra a Colonia"
    assert rows[1][3:] == ["3.0", "5.0", "5", "20"]

    comments = _csv(
        staff_client.get(
            reverse("staff_dashboard:csv", args=["commenti-questionario"]), _period(mission)
        )
    )
    assert comments[0] == ["Missione", "Tipo", "Data", "Commento", "Voto (0-10)"]
    texts = {row[3] for row in comments[1:]}
    assert "Tavoli ben organizzati" in texts
    assert not any(text.startswith("=") for text in texts)  # formulas neutralised


def test_the_period_result_counts_missions_ending_in_it():
    mission = past_mission()
    _answers(mission, [10, 9, 8, 7, 6])
    inside = survey_period(mission.end_date, mission.end_date)
    outside = survey_period(mission.start_date, mission.start_date)
    assert (inside.responses, inside.nps, inside.usefulness, inside.organisation) == (
        5,
        20,
        3.0,
        5.0,
    )
    assert (outside.responses, outside.nps) == (0, None)


def test_the_funders_report_shows_the_surveys_nps_and_averages(staff_client):
    from openpyxl import load_workbook

    mission = past_mission()
    _answers(mission, [10, 9, 8, 7, 6])
    year = {"anno": str(mission.end_date.year)}

    xlsx = staff_client.get(reverse("staff_dashboard:report_xlsx"), year)
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    values = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row}
    assert values["Questionario di gradimento: NPS"] == 20
    assert values["Questionario di gradimento: risposte"] == 5
    assert values["Questionario di gradimento: utilità degli incontri (media 1-5)"] == 3.0
    assert values["Questionario di gradimento: organizzazione (media 1-5)"] == 5.0

    from pypdf import PdfReader

    pdf = staff_client.get(reverse("staff_dashboard:report_pdf"), year)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Questionario di gradimento: NPS" in text
