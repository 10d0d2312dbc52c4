"""A post's comments are cached cards (board.views.post_detail, core.fragment_cache): each viewer
sees only what they may do, with their own CSRF token, and every change shows on the next page."""

import re

import pytest
from django.urls import reverse

from board import services
from members.models import Firm
from tests.factories import StaffFactory, member
from tests.support.clients import login
from tests.support.html import main_of

pytestmark = pytest.mark.django_db

CHOOSE = "È la risposta"


def thread():
    """A question, a comment by `commenter` and a reply by `replier`."""
    author, commenter, replier = member(), member(), member()
    post = services.post_create(
        author=author, kind="question", title="Dogana per i campioni?", body="Serve?", tags=[]
    )
    top = services.comment_create(post=post, author=commenter, body="Serve l'EORI")
    reply = services.comment_create(post=post, author=replier, body="Confermo", parent=top)
    return post, author, commenter, replier, top, reply


def page(user, post) -> str:
    return main_of(login(user).get(reverse("board:detail", args=[post.pk])).content.decode())


def edit_links(html: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'href="/bacheca/commenti/(\d+)/modifica/"', html)}


def test_each_viewer_sees_only_what_they_may_do():
    post, author, commenter, replier, top, reply = thread()
    other, staff = member(), StaffFactory()
    # The same cards, cached by the first viewer, for each of the others.
    for _ in range(2):
        assert CHOOSE not in page(other, post)
        assert edit_links(page(other, post)) == set()
        assert CHOOSE in page(author, post)
        assert CHOOSE in page(staff, post)
        assert edit_links(page(commenter, post)) == {top.pk}
        assert edit_links(page(replier, post)) == {reply.pk}
        assert reverse("board:comment_delete", args=[top.pk]) in page(commenter, post)
        assert reverse("board:comment_delete", args=[top.pk]) not in page(replier, post)


def test_the_cards_forms_carry_the_viewers_own_csrf_token():
    post, _author, commenter, _replier, top, _reply = thread()
    page(member(), post)  # cached by someone else
    client = login(commenter, enforce_csrf_checks=True)
    html = client.get(reverse("board:detail", args=[post.pk])).content.decode()
    assert "cardcsrf" not in html  # the cached placeholder never reaches a page
    reply_form = re.search(f'<input type="hidden" name="parent" value="{top.pk}">', html)
    assert reply_form
    token = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html[: reply_form.start()])
    response = client.post(
        reverse("board:comment", args=[post.pk]),
        {"csrfmiddlewaretoken": token[-1], "parent": top.pk, "body": "Anche l'INTRASTAT"},
    )
    assert response.status_code == 302
    assert "INTRASTAT" in page(commenter, post)


def test_every_change_shows_on_the_next_page():
    post, author, commenter, replier, top, reply = thread()
    reader = member()
    assert "EORI" in page(reader, post)

    services.comment_update(comment_id=top.pk, user=commenter, body="Serve il codice EORI")
    assert "Serve il codice EORI" in page(reader, post)

    services.comment_create(post=post, author=author, body="Grazie a tutti", parent=top)
    assert "Grazie a tutti" in page(reader, post)

    services.question_mark_answered(post_id=post.pk, comment_id=top.pk, user=author)
    assert "Risposta scelta" in page(reader, post)
    assert CHOOSE not in page(author, post)  # the answer is chosen already

    Firm.objects.filter(pk=replier.membership.firm_id).update(name="Spedizioni Alpine S.r.l.")
    assert "Spedizioni Alpine S.r.l." in page(reader, post)

    staff = StaffFactory()
    services.moderate(moderator=staff, action="lock", reason="chiusa", posts=[post])
    assert "La tua risposta" not in page(reader, post)
    assert edit_links(page(commenter, post)) == set()

    services.moderate(moderator=staff, action="hide", reason="fuori tema", comments=[reply])
    assert "Confermo" not in page(reader, post)
    assert "Confermo" in page(staff, post)  # staff still read it
