"""A staff account without two-factor authentication has none of its staff powers anywhere
(issue 14): not in the admin and the dashboard (tests/test_mfa.py), and not on the site either:
hidden posts and their files, draft missions, the staff-only buttons."""

import pytest
from django.urls import reverse

from board import services as board_services
from members.models import Membership
from missions.models import Mission
from tests.factories import (
    MissionFactory,
    StaffFactory,
    member,
    pdf_bytes,
    upload,
)
from tests.support.clients import login

pytestmark = pytest.mark.django_db


@pytest.fixture(params=[True, False], ids=["with_totp", "without_totp"])
def staff_case(request):
    """(client of a staff member, whether they have two-factor authentication active)."""
    return login(StaffFactory(totp=request.param)), request.param


def test_hidden_posts_and_their_files(staff_case, media_root):
    client, powers = staff_case
    author = member()
    post = board_services.post_create(
        author=author,
        kind="question",
        title="Post nascosto dalla moderazione",
        body="Testo",
        tags=[],
        files=[upload("listino.pdf", pdf_bytes(), "application/pdf")],
    )
    board_services.moderate(
        moderator=StaffFactory(), action="hide", reason="Pubblicità", posts=[post]
    )
    attachment = post.attachments.get()

    listing = client.get(reverse("board:list"))
    detail = client.get(reverse("board:detail", args=[post.pk]))
    download = client.get(reverse("board:attachment", args=[post.pk, attachment.pk]))

    if powers:
        assert "Post nascosto dalla moderazione" in listing.content.decode()
        assert (detail.status_code, download.status_code) == (200, 200)
    else:
        # Without a firm and without staff powers the board is closed to them altogether.
        assert "Post nascosto dalla moderazione" not in listing.content.decode()
        assert detail.status_code != 200
        assert download.status_code != 200


def test_draft_missions(staff_case):
    client, powers = staff_case
    draft = MissionFactory(status=Mission.Status.DRAFT, title="Bozza: Fiera di Lipsia")
    listing = client.get(reverse("missions:list"))
    detail = client.get(reverse("missions:detail", args=[draft.pk]))
    if powers:
        assert "Bozza: Fiera di Lipsia" in listing.content.decode()
        assert detail.status_code == 200
    else:
        assert "Bozza: Fiera di Lipsia" not in listing.content.decode()
        assert detail.status_code != 200


def test_staff_who_are_members_too_see_only_what_members_see_without_totp():
    """A staff account that also belongs to an approved firm keeps the member's view."""
    staff = StaffFactory(totp=False)
    firm_user = member()
    Membership.objects.create(user=staff, firm=firm_user.membership.firm)
    client = login(staff)
    MissionFactory(status=Mission.Status.DRAFT, title="Bozza: Fiera di Lipsia")
    post = board_services.post_create(
        author=firm_user, kind="question", title="Domanda nascosta", body="Testo", tags=[]
    )
    board_services.moderate(moderator=StaffFactory(), action="hide", reason="x", posts=[post])
    missions = client.get(reverse("missions:list"))
    board = client.get(reverse("board:list"))
    assert missions.status_code == board.status_code == 200
    assert "Bozza: Fiera di Lipsia" not in missions.content.decode()
    assert "Domanda nascosta" not in board.content.decode()
    assert client.get(reverse("board:detail", args=[post.pk])).status_code == 404


def test_the_answer_button_on_others_questions(staff_case):
    client, powers = staff_case
    asker, helper = member(), member()
    post = board_services.post_create(
        author=asker, kind="question", title="Campioni in Germania?", body="Dogana?", tags=[]
    )
    comment = board_services.comment_create(post=post, author=helper, body="Serve l'ATA.")
    page = client.get(reverse("board:detail", args=[post.pk]))
    marked = client.post(reverse("board:answered", args=[post.pk]), {"comment": comment.pk})
    post.refresh_from_db()
    if powers:
        assert "È la risposta" in page.content.decode()
        assert post.answer_id == comment.pk
    else:
        assert "È la risposta" not in page.content.decode()
        assert marked.status_code != 200 or "È la risposta" not in marked.content.decode()
        assert post.answer_id is None


def test_the_main_menu(staff_case):
    """The club's sections open to staff only with their powers; the admin link stays, as the way
    to activate two-factor authentication (the admin asks for it first)."""
    client, powers = staff_case
    page = client.get(reverse("my_firm")).content.decode()
    assert (reverse("board:list") in page) is powers
    assert reverse("admin:index") in page


def test_the_rule_is_checked_once_per_request(django_assert_num_queries):
    from core.staff import has_staff_powers

    staff = StaffFactory()
    with django_assert_num_queries(1):
        assert has_staff_powers(staff)
        assert has_staff_powers(staff)
    assert not has_staff_powers(StaffFactory(totp=False))
    assert not has_staff_powers(member())
