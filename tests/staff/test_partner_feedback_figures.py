"""The dashboard counts the partners' feedback on the B2B meetings: per mission and in total,
on the page and in its CSV, with the page's query count unchanged."""

import pytest
from django.utils import timezone

from missions.models import Meeting
from staff import figures as staff_figures
from tests.staff.test_dashboard import (
    PERIOD,
    URL,
    YEAR_2025,
    csv_url,
    in_sector,
    read_csv,
    values,
)
from tests.staff.test_dashboard import club as club  # noqa: F401, PLC0414 (the fixture)

pytestmark = pytest.mark.django_db

SLUG = "feedback-partner"


def rate(firm_name, mission_title, **feedback):
    meetings = Meeting.objects.filter(firm__name=firm_name, mission__title=mission_title)
    assert meetings.update(partner_feedback_at=timezone.now(), **feedback) == 1


@pytest.fixture
def rated(club):
    """Colonia: Bitto's held meeting rated 5, Cava's no-show reported as not held by the
    partner; Lipsia: Adda's held meeting rated 3 (not interested)."""
    rate("Bitto", "Colonia", partner_held=True, partner_interest=5, partner_next_step="offer")
    rate("Cava", "Colonia", partner_held=False)
    rate("Adda", "Lipsia", partner_held=True, partner_interest=3, partner_next_step="none")


def test_partner_feedback_is_counted_per_mission_and_in_total(rated):
    data = staff_figures.dashboard(YEAR_2025)
    # (held, with the partner's feedback, partner interested)
    assert values(data.figures[SLUG]) == [("Colonia", 1, 2, 1), ("Lipsia", 1, 1, 0)]
    assert (data.numbers["partner_feedback"], data.numbers["partners_interested"]) == (3, 1)
    # A sector counts its firms' meetings only (Cava is lapideo, Bitto and Adda metalmeccanico).
    stone = staff_figures.dashboard(in_sector("lapideo"))
    assert values(stone.figures[SLUG]) == [("Colonia", 0, 1, 0)]


def test_the_page_and_the_csv_show_the_feedback_counts(staff_client, rated):
    page = staff_client.get(URL, PERIOD).content.decode()
    assert "<dt>incontri con il feedback del partner</dt><dd>3</dd>" in page
    assert "<dt>partner interessati</dt><dd>1</dd>" in page
    assert f"{csv_url(SLUG)}?dal=2025-01-01&amp;al=2025-12-31" in page
    rows = read_csv(staff_client.get(csv_url(SLUG), PERIOD))
    assert rows[0][-3:] == ["Svolti", "Con il feedback del partner", "Partner interessati"]
    assert rows[1][0] == "Colonia"
    assert rows[1][-3:] == ["1", "2", "1"]
