"""The outcome ledger's data: a partnership agreement and a value band recorded by the firm."""

import pytest
from django.urls import reverse

from missions import services as b2b
from tests.missions.test_b2b import request_and_accept, setup  # noqa: F401 (fixture)
from tests.support.clients import login

pytestmark = pytest.mark.django_db


def test_the_firm_records_an_agreement_with_a_value_band(setup):  # noqa: F811
    mission, _session, firms, partners = setup
    meeting = request_and_accept(mission, firms[0], partners[0])
    b2b.scheduler_run(mission_id=mission.pk)
    client = login(firms[0].memberships.get().user)
    page = client.get(reverse("missions:b2b", args=[mission.pk])).content.decode()
    assert "Accordo di partnership" in page
    assert '<option value="no_interest">Nessun interesse</option>' in page
    assert "10–50.000 €" in page

    outcome = reverse("missions:meeting_outcome", args=[meeting.pk])
    response = client.post(outcome, {"outcome": "agreement", "value_band": "10k-50k"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.outcome, meeting.value_band) == ("agreement", "10k-50k")

    # A band outside the choices: a message, nothing changes.
    response = client.post(outcome, {"outcome": "order", "value_band": "1M"}, follow=True)
    assert "Fascia di valore non valida" in response.content.decode()
    meeting.refresh_from_db()
    assert (meeting.outcome, meeting.value_band) == ("agreement", "10k-50k")

    # The band is optional.
    client.post(outcome, {"outcome": "order"})
    meeting.refresh_from_db()
    assert (meeting.outcome, meeting.value_band) == ("order", "")


def test_the_service_refuses_a_band_outside_the_choices(setup):  # noqa: F811
    mission, _session, firms, partners = setup
    meeting = request_and_accept(mission, firms[0], partners[0])
    with pytest.raises(ValueError, match="huge"):
        b2b.meeting_record_outcome(
            meeting_id=meeting.pk, firm=firms[0], outcome="order", value_band="huge"
        )
    meeting.refresh_from_db()
    assert meeting.outcome == ""
