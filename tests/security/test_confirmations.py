"""Destructive actions ask first: the first POST shows what will be lost and changes nothing;
only the confirmation page's own POST (`confirm=yes`) acts."""

import pytest
from django.urls import reverse

from board import services as board_services
from board.models import Comment
from members.models import Membership, User
from missions.models import Application
from tests.factories import ApplicationFactory, MembershipFactory, MissionFactory
from tests.support.clients import login

pytestmark = pytest.mark.django_db


def _asks_then_acts(client, url, data, *, question, unchanged, changed):
    first = client.post(url, data)
    assert first.status_code == 200
    page = first.content.decode()
    assert question in page
    assert 'name="confirm" value="yes"' in page
    assert unchanged()
    second = client.post(url, {**data, "confirm": "yes"})
    assert second.status_code == 302
    assert changed()


def test_withdrawing_a_confirmed_seat_asks_first(owner):
    application = ApplicationFactory(
        mission=MissionFactory(title="Colonia pietra"), firm=owner.membership.firm
    )

    def status():
        return Application.objects.get(pk=application.pk).status

    _asks_then_acts(
        login(owner),
        reverse("missions:withdraw", args=[application.pk]),
        {},
        question="Ritirare la candidatura a «Colonia pietra»?",
        unchanged=lambda: status() == Application.Status.CONFIRMED,
        changed=lambda: status() == Application.Status.WITHDRAWN,
    )
    page = login(owner).post(reverse("missions:withdraw", args=[application.pk])).content
    assert "non potrai" in page.decode()


def _board(user) -> str:
    return login(user).get(reverse("board:list")).content.decode()


def test_deleting_a_post_asks_first(owner):
    post = board_services.post_create(
        author=owner, kind="question", title="Dogana", body="Testo", tags=[]
    )
    _asks_then_acts(
        login(owner),
        reverse("board:delete", args=[post.pk]),
        {},
        question="Eliminare il post «Dogana»?",
        # What the board shows, so the test holds whether a deleted post leaves a tombstone.
        unchanged=lambda: "Dogana" in _board(owner),
        changed=lambda: "Dogana" not in _board(owner),
    )


def test_deleting_a_comment_asks_first(owner):
    post = board_services.post_create(
        author=owner, kind="question", title="Dogana", body="Testo", tags=[]
    )
    comment = board_services.comment_create(post=post, author=owner, body="Un commento")
    _asks_then_acts(
        login(owner),
        reverse("board:comment_delete", args=[comment.pk]),
        {},
        question="Eliminare il commento?",
        unchanged=lambda: Comment.objects.filter(pk=comment.pk).exists(),
        changed=lambda: not Comment.objects.filter(pk=comment.pk).exists(),
    )


def test_removing_a_colleague_asks_first(owner):
    colleague = MembershipFactory(firm=owner.membership.firm, role=Membership.Role.MEMBER)
    _asks_then_acts(
        login(owner),
        reverse("members:team_remove"),
        {"membership": colleague.pk},
        question="Sì, rimuovi dall&#x27;impresa",
        unchanged=lambda: Membership.objects.filter(pk=colleague.pk).exists(),
        changed=lambda: not Membership.objects.filter(pk=colleague.pk).exists(),
    )


def test_removing_someone_of_another_firm_shows_no_confirmation(owner):
    stranger = MembershipFactory()
    response = login(owner).post(reverse("members:team_remove"), {"membership": stranger.pk})
    assert response.status_code == 404


def test_erasing_the_account_needs_email_and_password(owner):
    response = login(owner).post(reverse("privacy:erase"), {"confirm": "yes"})
    assert response.status_code == 200
    assert User.objects.filter(pk=owner.pk, email=owner.email).exists()
