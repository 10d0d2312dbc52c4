"""Matchmaking learns from the outcome ledger: a pair with no interest on both sides at an
earlier mission is not suggested again; a pair with an open offer comes first, with the reason."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from missions import matchmaking
from missions import services as b2b
from missions.matchmaking import NO_INTEREST, OPEN_OFFER, PastMeeting, pair_history
from missions.models import MatchSuggestion, Meeting, MeetingRequest
from tests.factories import MissionFactory
from tests.missions.test_b2b import setup  # noqa: F401 (fixture)
from tests.support.clients import login


def past(partner_id=1, start="2025-03-01", outcome="", interest=None, step="", mission="Colonia"):
    return PastMeeting(1, partner_id, mission, start, outcome, interest, step)


def test_no_interest_on_both_sides_and_open_offers():
    lessons = pair_history(
        [
            past(1, outcome="no_interest", interest=1, step="none"),  # no interest, both sides
            past(2, outcome="contact", interest=1, step="none"),  # the firm kept the contact
            past(3, outcome="offer", interest=1),  # the firm sent an offer: it is still open
            past(4, interest=4, step="samples"),  # the partner asked for samples
            past(5, outcome="order", interest=1),  # a deal: matched as usual
            past(6, interest=2),  # some interest: matched as usual
            past(7, interest=1),  # only the partner said no interest; the firm said nothing
            past(8, outcome="no_interest", interest=4),  # only the firm said it
        ]
    )
    assert {pair: h.kind for pair, h in lessons.items()} == {
        (1, 1): NO_INTEREST,
        (1, 3): OPEN_OFFER,
        (1, 4): OPEN_OFFER,
    }


def test_the_latest_meeting_of_a_pair_decides_and_a_deal_ever_made_clears_it():
    lessons = pair_history(
        [
            past(1, start="2025-03-01", outcome="offer"),
            past(1, start="2025-10-01", outcome="no_interest", interest=1, mission="Lipsia"),
            past(2, start="2025-03-01", outcome="order"),
            past(2, start="2025-10-01", outcome="no_interest", interest=1),
        ]
    )
    assert lessons == {(1, 1): matchmaking.PairHistory(NO_INTEREST, "Lipsia")}


def _meeting(mission, firm, partner, **fields):
    request = MeetingRequest.objects.create(
        mission=mission, firm=firm, partner=partner, status=MeetingRequest.Status.ACCEPTED
    )
    return Meeting.objects.create(
        request=request, mission=mission, firm=firm, partner=partner, **fields
    )


@pytest.mark.django_db
def test_the_next_mission_drops_the_uninterested_pair_and_puts_the_open_offer_first(setup):  # noqa: F811
    mission, _session, firms, partners = setup
    earlier = MissionFactory(
        title="Monaco 2025",
        start_date=timezone.localdate() - dt.timedelta(days=200),
        end_date=timezone.localdate() - dt.timedelta(days=198),
    )
    uninterested = _meeting(earlier, firms[0], partners[0], partner_interest=1)
    _meeting(earlier, firms[0], partners[2], outcome="samples", partner_interest=3)
    _meeting(earlier, firms[1], partners[0], outcome="contact", partner_interest=1)
    # The firm says "no interest" too (the outcome's menu on its B2B page offers it).
    owner = firms[0].memberships.get().user
    response = login(owner).post(
        reverse("missions:meeting_outcome", args=[uninterested.pk]), {"outcome": "no_interest"}
    )
    assert response.status_code == 302
    uninterested.refresh_from_db()
    assert uninterested.outcome == "no_interest"
    run = b2b.matchmaking_request(mission_id=mission.pk)
    b2b.matchmaking_run(run_id=run.pk)

    mine = list(MatchSuggestion.objects.filter(mission=mission, firm=firms[0]))
    assert partners[0].pk not in {s.partner_id for s in mine}
    assert mine[0].partner_id == partners[2].pk
    assert mine[0].follow_up is True
    # The other firms are matched with every partner as before (only the partner said no).
    assert MatchSuggestion.objects.filter(mission=mission, firm=firms[1]).count() == 3

    page = login(firms[0].memberships.get().user).get(reverse("missions:b2b", args=[mission.pk]))
    text = page.content.decode()
    assert "offerta aperta con questo partner dalla missione «Monaco 2025»" in text
    assert text.index(partners[2].name) < text.index(partners[1].name)
