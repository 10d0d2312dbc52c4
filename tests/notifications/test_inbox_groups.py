"""The inbox: no odd "(—)" in the texts, and a filter by group (missions, board, …)."""

import pytest
from django.urls import reverse

from board import services as board_services
from board.models import Follow, Tag
from notifications import services
from tests.factories import MembershipFactory, member
from tests.support.clients import login
from tests.support.html import main_of

pytestmark = pytest.mark.django_db


def test_a_post_without_topics_reads_without_an_empty_bracket(owner):
    mentor = member(is_mentor=True, name="Officine Mentore S.r.l.")
    Follow.objects.create(user=owner, mentor=mentor.membership.firm)
    board_services.post_create(
        author=mentor, kind="experience", title="Fiere in Germania", body="Come", tags=[]
    )

    main = main_of(login(owner).get(reverse("notifications:inbox")).content.decode())

    assert "Officine Mentore S.r.l. ha pubblicato «Fiere in Germania»." in main
    assert "(—)" not in main


def test_a_post_with_topics_names_them(owner):
    tag = Tag.objects.create(name="Fiere", slug="fiere")
    Follow.objects.create(user=owner, tag=tag)
    author = MembershipFactory().user
    board_services.post_create(
        author=author, kind="question", title="Quale fiera?", body="?", tags=[tag]
    )

    main = main_of(login(owner).get(reverse("notifications:inbox")).content.decode())

    assert "ha pubblicato «Quale fiera?» (Fiere)." in main


def _mission_and_board_notices(user):
    services.notify(
        recipients=[user],
        kind="mission_published",
        object_key="mission:1",
        context={"mission": "Missione a Colonia", "dates": "1–3 marzo"},
    )
    for n in range(3):
        services.notify(
            recipients=[user],
            kind="board_followed_reply",
            object_key=f"comment:{n}",
            context={"title": f"Post seguito {n}", "author": "Qualcuno", "excerpt": "…"},
        )


def test_the_inbox_filters_mission_notices_from_board_follows(owner):
    _mission_and_board_notices(owner)
    client = login(owner)

    everything = main_of(client.get(reverse("notifications:inbox")).content.decode())
    missions = main_of(
        client.get(reverse("notifications:inbox"), {"group": "missions"}).content.decode()
    )
    board = main_of(client.get(reverse("notifications:inbox"), {"group": "board"}).content.decode())

    assert "Missione a Colonia" in everything
    assert "Post seguito 2" in everything
    assert "Missione a Colonia" in missions
    assert "Post seguito" not in missions
    assert "Post seguito 2" in board
    assert "Missione a Colonia" not in board
    # The filter is a GET form with the group chosen.
    assert 'method="get"' in missions
    assert '<option value="missions" selected>' in missions


def test_a_bad_filter_value_shows_everything_with_a_message(owner):
    _mission_and_board_notices(owner)

    response = login(owner).get(reverse("notifications:inbox"), {"group": "<script>", "page": "x"})

    main = main_of(response.content.decode())
    assert response.status_code == 200
    assert "Filtro non valido" in main
    assert "Missione a Colonia" in main
    assert "Post seguito 2" in main
    assert "<script>" not in main


def test_every_kind_is_in_one_inbox_group():
    from notifications import registry

    grouped = [slug for group in registry.groups() for slug in group.kinds]

    assert sorted(grouped) == sorted(kind.slug for kind in registry.kinds())
