"""An accepted mentoring pair sees only the contacts that the people agreed to show (issue 14):
the person who asked, the person who accepted, and colleagues listed in the directory."""

import pytest
from django.urls import reverse

from board.models import MentorshipRequest
from tests.factories import MembershipFactory, UserFactory, member
from tests.support.clients import login

pytestmark = pytest.mark.django_db


def colleague(firm, email, *, listed):
    return MembershipFactory(
        firm=firm, role="member", user=UserFactory(email=email, directory_consent=listed)
    ).user


def test_an_accepted_pair_sees_only_consented_contacts():
    mentor_owner = member(is_mentor=True)
    mentor_firm = mentor_owner.membership.firm
    colleague(mentor_firm, "mentore-riservato@example.it", listed=False)
    colleague(mentor_firm, "mentore-elenco@example.it", listed=True)
    asker = member()
    asker_firm = asker.membership.firm
    colleague(asker_firm, "richiedente-riservato@example.it", listed=False)
    colleague(asker_firm, "richiedente-elenco@example.it", listed=True)

    asking = login(asker)
    asking.post(
        reverse("board:mentorship_request", args=[mentor_firm.pk]),
        {"topic": "Fiere", "message": "Aiuto"},
    )
    page = login(mentor_owner).get(reverse("board:mentorship")).content.decode()
    assert asker.email not in page  # nothing before acceptance
    request = MentorshipRequest.objects.get()
    login(mentor_owner).post(
        reverse("board:mentorship_decide", args=[request.pk]), {"answer": "yes"}
    )

    # The newcomer sees who accepted and the listed colleague, never the unlisted one.
    seen_by_asker = asking.get(reverse("board:mentorship")).content.decode()
    assert mentor_owner.email in seen_by_asker
    assert "mentore-elenco@example.it" in seen_by_asker
    assert "mentore-riservato@example.it" not in seen_by_asker
    # The mentor sees who asked and the listed colleague, never the unlisted one.
    seen_by_mentor = login(mentor_owner).get(reverse("board:mentorship")).content.decode()
    assert asker.email in seen_by_mentor
    assert "richiedente-elenco@example.it" in seen_by_mentor
    assert "richiedente-riservato@example.it" not in seen_by_mentor
