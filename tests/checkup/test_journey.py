"""A firm's export journey (checkup/journey.py): derived from the data, with a staff override."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from checkup import journey
from checkup.journey import FirmFacts, MeetingFact, derive
from checkup.models import CheckUp, FirmStageOverride, JourneyStage, Questionnaire
from missions.models import Meeting, MeetingRequest, Partner
from tests.factories import ApplicationFactory, FirmFactory, MissionFactory, city

D = dt.date


# --- The derivation (pure) ------------------------------------------------------------------------


def test_a_firm_that_just_joined_is_a_non_exporter():
    j = derive(FirmFacts(joined_on=D(2026, 1, 10)))
    assert j.stage == JourneyStage.NON_EXPORTER
    assert j.reached[JourneyStage.NON_EXPORTER] == D(2026, 1, 10)
    assert j.reached[JourneyStage.FIRST_ORDER] is None


def test_each_stage_takes_the_date_of_its_first_event():
    facts = FirmFacts(
        joined_on=D(2026, 1, 10),
        first_checkup_on=D(2026, 2, 1),
        attended_missions_on=(D(2026, 5, 4), D(2026, 3, 2)),
        meetings=(
            MeetingFact(mission_id=1, day=D(2026, 3, 3), held=True, outcome="contact"),
            MeetingFact(mission_id=1, day=D(2026, 3, 2), held=False),  # not held: no contact
            # The partner asks for an offer before the firm records one.
            MeetingFact(
                mission_id=1,
                day=D(2026, 3, 3),
                held=True,
                outcome="offer",
                outcome_on=D(2026, 4, 1),
                partner_next_step="samples",
                partner_feedback_on=D(2026, 3, 5),
            ),
            MeetingFact(
                mission_id=2,
                day=D(2026, 5, 4),
                held=True,
                outcome="order",
                outcome_on=D(2026, 6, 1),
            ),
        ),
    )
    j = derive(facts)
    assert j.reached == {
        "non_exporter": D(2026, 1, 10),
        "checkup": D(2026, 2, 1),
        "first_mission": D(2026, 3, 2),
        "first_contacts": D(2026, 3, 3),
        "first_offer": D(2026, 3, 5),
        "first_order": D(2026, 6, 1),
        "regular_exporter": None,  # orders in one mission only
    }
    assert j.stage == JourneyStage.FIRST_ORDER
    assert j.stage_label == "Primo ordine"


def test_orders_in_two_missions_make_a_regular_exporter_on_the_second():
    order = {"held": True, "outcome": "order"}
    facts = FirmFacts(
        joined_on=D(2025, 1, 1),
        meetings=(
            MeetingFact(mission_id=1, day=D(2025, 3, 1), outcome_on=D(2025, 4, 1), **order),
            MeetingFact(mission_id=1, day=D(2025, 3, 1), outcome_on=D(2025, 5, 1), **order),
            MeetingFact(mission_id=2, day=D(2025, 9, 1), outcome_on=D(2025, 10, 1), **order),
        ),
    )
    j = derive(facts)
    assert j.reached[JourneyStage.FIRST_ORDER] == D(2025, 4, 1)
    assert j.reached[JourneyStage.REGULAR_EXPORTER] == D(2025, 10, 1)
    assert j.stage == JourneyStage.REGULAR_EXPORTER
    # A later stage does not invent the earlier ones it skipped.
    assert j.reached[JourneyStage.CHECKUP] is None


def test_an_agreement_or_samples_asked_only_by_a_contact_do_not_make_an_order():
    facts = FirmFacts(
        joined_on=D(2025, 1, 1),
        meetings=(
            MeetingFact(
                mission_id=1,
                day=D(2025, 3, 1),
                held=True,
                outcome="agreement",
                outcome_on=D(2025, 4, 1),
            ),
        ),
    )
    assert derive(facts).stage == JourneyStage.FIRST_CONTACTS


def _override(stage: str, day: dt.date) -> journey.Override:
    at = dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)
    return journey.Override(stage=stage, reason="Detto dall'impresa", at=at, on=day)


def test_the_staff_override_wins_and_a_deliberate_step_back_stays():
    offer = MeetingFact(
        mission_id=1, day=D(2025, 3, 1), held=True, outcome="offer", outcome_on=D(2025, 3, 5)
    )
    facts = FirmFacts(joined_on=D(2025, 1, 1), meetings=(offer,))
    # Above the data: the override wins.
    j = derive(facts, _override(JourneyStage.FIRST_ORDER, D(2025, 4, 1)))
    assert (j.stage, j.derived_stage, j.overtaken) == ("first_order", "first_offer", False)
    # Below the data (the offer was recorded by mistake): staff step the firm back on purpose.
    j = derive(facts, _override(JourneyStage.FIRST_CONTACTS, D(2025, 4, 1)))
    assert (j.stage, j.overtaken) == ("first_contacts", False)
    # The same day as the data it corrects: still the staff's word.
    j = derive(facts, _override(JourneyStage.FIRST_CONTACTS, D(2025, 3, 5)))
    assert (j.stage, j.overtaken) == ("first_contacts", False)


def test_a_stage_reached_after_the_override_moves_the_firm_on_it_never_holds_it_back():
    # Staff set "first mission" in April; in June the firm records its first order: an old
    # override must not keep the firm behind (it would vanish from "new exporters").
    facts = FirmFacts(
        joined_on=D(2025, 1, 1),
        meetings=(
            MeetingFact(
                mission_id=1,
                day=D(2025, 5, 2),
                held=True,
                outcome="order",
                outcome_on=D(2025, 6, 10),
            ),
        ),
    )
    override = _override(JourneyStage.FIRST_MISSION, D(2025, 4, 1))
    j = derive(facts, override)
    assert (j.stage, j.overtaken) == ("first_order", True)
    assert j.override == override  # still shown, with its reason
    # As it stood in May (the contacts came after the override too): the contacts' stage.
    j = derive(facts, override, as_of=D(2025, 5, 31))
    assert (j.stage, j.overtaken) == ("first_contacts", True)
    # As it stood in April: the override.
    assert derive(facts, override, as_of=D(2025, 4, 30)).stage == "first_mission"


# --- From the data, and the staff's override ----------------------------------------------------


def _meeting(mission, firm, partner, **fields):
    request = MeetingRequest.objects.create(
        mission=mission, firm=firm, partner=partner, status=MeetingRequest.Status.ACCEPTED
    )
    return Meeting.objects.create(
        request=request, mission=mission, firm=firm, partner=partner, **fields
    )


@pytest.mark.django_db
def test_the_journey_is_read_from_checkups_applications_meetings_and_feedback():
    firm = FirmFactory()
    other = FirmFactory()
    partner = Partner.objects.create(
        name="Stein GmbH", city=city("koeln"), kind=Partner.Kind.IMPORTER
    )
    mission = MissionFactory(start_date=D(2026, 3, 2), end_date=D(2026, 3, 4))
    ApplicationFactory(mission=mission, firm=firm, attended=True)
    ApplicationFactory(mission=mission, firm=other, attended=None)  # not marked: not a mission yet
    CheckUp.objects.create(
        firm=firm,
        questionnaire=Questionnaire.objects.get(version=1),
        started_at=timezone.now(),
        completed_at=dt.datetime(2026, 2, 1, 10, tzinfo=dt.UTC),
    )
    _meeting(
        mission,
        firm,
        partner,
        attendance=Meeting.Attendance.HELD,
        outcome=Meeting.Outcome.OFFER,
        outcome_at=dt.datetime(2026, 3, 20, 9, tzinfo=dt.UTC),
    )
    found = journey.journeys([firm.pk, other.pk])
    j = found[firm.pk]
    assert j.reached["checkup"] == D(2026, 2, 1)
    assert j.reached["first_mission"] == D(2026, 3, 2)
    assert j.reached["first_contacts"] == D(2026, 3, 2)  # no slot: the mission's first day
    assert j.reached["first_offer"] == D(2026, 3, 20)
    assert j.stage == JourneyStage.FIRST_OFFER
    assert found[other.pk].stage == JourneyStage.NON_EXPORTER


@pytest.mark.django_db
def test_staff_override_the_stage_in_admin_with_a_reason(staff_client, staff):
    firm = FirmFactory(name="Bresaole Rossi")
    add = reverse("admin:checkup_firmstageoverride_add")
    # Without a reason: refused, nothing saved.
    response = staff_client.post(add, {"firm": firm.pk, "stage": "first_order", "reason": "  "})
    assert response.status_code == 200
    assert "Questo campo è obbligatorio" in response.content.decode()
    assert not FirmStageOverride.objects.exists()
    assert journey.journey(firm).stage == JourneyStage.NON_EXPORTER

    response = staff_client.post(
        add, {"firm": firm.pk, "stage": "first_order", "reason": "Ordine da Monaco fuori missione"}
    )
    assert response.status_code == 302
    override = FirmStageOverride.objects.get()
    assert (override.by, override.stage) == (staff, "first_order")
    j = journey.journey(firm)
    assert (j.stage, j.derived_stage) == ("first_order", "non_exporter")
    assert j.override.reason == "Ordine da Monaco fuori missione"

    # The service refuses a blank reason or an unknown stage.
    with pytest.raises(journey.StageOverrideInvalid):
        journey.stage_override_set(firm=firm, stage="first_order", reason=" ", by=staff)
    with pytest.raises(journey.StageOverrideInvalid):
        journey.stage_override_set(firm=firm, stage="famous", reason="x", by=staff)
    assert FirmStageOverride.objects.count() == 1
