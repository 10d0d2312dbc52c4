"""Mentoring: a confirmation on answering, a contact card, no "Trova un mentore" for mentors."""

import pytest
from django.urls import reverse

from board.models import MentorshipRequest
from tests.factories import member
from tests.support.clients import login
from tests.support.html import main_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():
    mentor_owner = member(is_mentor=True, name="Officine Mentore S.r.l.")
    asker = member(name="Latteria Nuova S.r.l.")
    asker.first_name, asker.last_name = "Anna", "Rossi"
    asker.save()
    login(asker).post(
        reverse("board:mentorship_request", args=[mentor_owner.membership.firm.pk]),
        {"topic": "Fiere", "message": "Aiuto"},
    )
    return mentor_owner, asker, MentorshipRequest.objects.get()


def test_accepting_shows_a_confirmation(pair):
    mentor_owner, _asker, request = pair

    response = login(mentor_owner).post(
        reverse("board:mentorship_decide", args=[request.pk]), {"answer": "yes"}, follow=True
    )

    main = main_of(response.content.decode())
    assert "Hai accettato la richiesta di Latteria Nuova S.r.l." in main


def test_declining_shows_a_confirmation(pair):
    mentor_owner, _asker, request = pair

    response = login(mentor_owner).post(
        reverse("board:mentorship_decide", args=[request.pk]), {"answer": "no"}, follow=True
    )

    assert "Hai risposto «Non ora» a Latteria Nuova S.r.l." in main_of(response.content.decode())


def test_the_contact_is_a_card_with_name_firm_and_visible_email(pair):
    mentor_owner, asker, request = pair
    client = login(mentor_owner)
    client.post(reverse("board:mentorship_decide", args=[request.pk]), {"answer": "yes"})

    main = main_of(client.get(reverse("board:mentorship")).content.decode())

    card = main[main.index('class="contact-card"') :]
    card = card[: card.index("</div>")]
    assert "Anna Rossi" in card
    assert "Latteria Nuova S.r.l." in card
    # The address itself is visible (and a mailto link), not hidden behind the name.
    assert f'<a href="mailto:{asker.email}">{asker.email}</a>' in card


def test_a_mentor_firm_is_not_invited_to_find_a_mentor():
    mentor_owner = member(is_mentor=True)
    newcomer = member()

    mentor_page = main_of(login(mentor_owner).get(reverse("board:mentorship")).content.decode())
    newcomer_page = main_of(login(newcomer).get(reverse("board:mentorship")).content.decode())

    assert "Trova un mentore" not in mentor_page
    assert "Trova un mentore" in newcomer_page
