"""The mentor board as members use it: reading rights, posting, replies, follows, mentoring."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from board import services
from board.models import (
    Comment,
    Follow,
    MentorProfile,
    MentorshipRequest,
    ModerationAction,
    Post,
    Report,
    Tag,
)
from core.fragment_cache import fragments
from members.models import Firm
from notifications.models import Notification
from tests.factories import MembershipFactory, StaffFactory, member
from tests.support.clients import login
from tests.support.html import main_of
from tests.support.urls import assert_public_path

pytestmark = pytest.mark.django_db


def tag(slug="logistica") -> Tag:
    return Tag.objects.get(slug=slug)


def mentor():
    return member(is_mentor=True, name="Officine Mentore S.r.l.")


def question(author, title="Come spedire campioni in Germania?", body="Serve la dogana?", tags=()):
    return services.post_create(
        author=author, kind="question", title=title, body=body, tags=list(tags)
    )


def test_only_members_of_approved_firms_and_staff_read_the_board(client):
    url = reverse("board:list")
    post = question(member())
    detail = reverse("board:detail", args=[post.pk])
    assert client.get(url)["Location"].startswith(reverse("account_login"))
    pending = login(member(status=Firm.Status.PENDING))
    assert pending.get(url)["Location"] == reverse("my_firm")
    assert pending.get(detail)["Location"] == reverse("my_firm")
    assert login(member()).get(detail).status_code == 200
    assert login(StaffFactory()).get(detail).status_code == 200


def test_hidden_posts_are_seen_only_by_author_and_staff():
    author = member()
    post = question(author, title="Post nascosto")
    detail = reverse("board:detail", args=[post.pk])
    services.moderate(moderator=StaffFactory(), action="hide", reason="spam", posts=[post])
    other = login(member())
    assert other.get(detail).status_code == 404
    assert "Post nascosto" not in other.get(reverse("board:list")).content.decode()
    assert login(author).get(detail).status_code == 200
    assert login(StaffFactory()).get(detail).status_code == 200
    assert ModerationAction.objects.get().reason == "spam"


def test_experiences_are_for_mentors_questions_for_everyone():
    with pytest.raises(services.NotAMentor):
        services.post_create(author=member(), kind="experience", title="x", body="y", tags=[])
    post = services.post_create(
        author=mentor(), kind="experience", title="Fiere", body="**ok**", tags=[]
    )
    assert (
        post.body_html == "<p><strong>ok</strong></p>\n" or "<strong>ok</strong>" in post.body_html
    )
    response = login(member()).post(
        reverse("board:create") + "?tipo=experience",
        {"title": "t", "body": "b", "kind": "experience"},
    )
    assert Post.objects.get(title="t").kind == "question"  # a non-mentor's post becomes a question
    assert response.status_code == 302


def test_editing_someone_elses_post_is_impossible():
    post = question(member(), title="Originale")
    intruder = member()
    with pytest.raises(PermissionDenied):
        services.post_update(post_id=post.pk, user=intruder, title="Hack", body="x", tags=[])
    c = login(intruder)
    edit = reverse("board:edit", args=[post.pk])
    assert c.post(edit, {"title": "Hack", "body": "x"}).status_code == 404
    assert c.post(reverse("board:delete", args=[post.pk])).status_code == 404
    post.refresh_from_db()
    assert post.title == "Originale"


def test_bad_post_input_is_a_form_error_and_stores_nothing():
    c = login(member())
    response = c.post(reverse("board:create") + "?tipo=question", {"title": "", "body": ""})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"title", "body"}
    assert not Post.objects.exists()


def test_comments_replies_and_notifications():
    author = member()
    follower = member()
    post = question(author)
    Follow.objects.create(user=follower, post=post)
    commenter = member()
    top = services.comment_create(post=post, author=commenter, body="Sì, serve l'EORI")
    reply = services.comment_create(post=post, author=author, body="Grazie", parent=top)
    deep = services.comment_create(post=post, author=follower, body="Anche a me", parent=reply)
    assert deep.parent == top  # one level of threading
    post.refresh_from_db()
    assert post.comment_count == 3
    kinds = set(Notification.objects.values_list("recipient_id", "kind"))
    assert (author.pk, "board_reply") in kinds
    assert (commenter.pk, "board_reply") in kinds  # a reply to their comment
    assert (follower.pk, "board_followed_reply") in kinds


def test_locked_posts_refuse_comments():
    post = question(member())
    services.moderate(moderator=StaffFactory(), action="lock", reason="chiusa", posts=[post])
    with pytest.raises(services.PostLocked):
        services.comment_create(post=post, author=member(), body="tardi")
    c = login(member())
    response = c.post(reverse("board:comment", args=[post.pk]), {"body": "tardi"}, follow=True)
    assert "I commenti a questo post sono chiusi." in response.content.decode()
    assert not Comment.objects.exists()


def test_question_marked_answered_by_author_or_staff_only():
    author = member()
    post = question(author)
    comment = services.comment_create(post=post, author=member(), body="Risposta")
    with pytest.raises(PermissionDenied):
        services.question_mark_answered(post_id=post.pk, comment_id=comment.pk, user=member())
    login(author).post(reverse("board:answered", args=[post.pk]), {"comment": comment.pk})
    post.refresh_from_db()
    assert post.answer == comment
    unanswered = login(member()).get(reverse("board:list"), {"unanswered": "on"})
    assert post not in unanswered.context["posts"]


def test_following_a_tag_brings_new_posts():
    reader = member()
    login(reader).post(reverse("board:follow"), {"target": f"tag:{tag('fiere').pk}"})
    question(member(), title="Quale fiera a Colonia?", tags=[tag("fiere")])
    question(member(), title="Altro", tags=[tag("logistica")])
    titles = [n.context["title"] for n in Notification.objects.filter(recipient=reader)]
    assert titles == ["Quale fiera a Colonia?"]
    login(reader).post(reverse("board:follow"), {"target": f"tag:{tag('fiere').pk}"})  # unfollow
    assert not Follow.objects.filter(user=reader).exists()


def test_full_text_search_with_italian_and_german_stemming():
    url = reverse("board:list")
    author = member()
    question(author, title="Esportazioni di granito", body="Cerchiamo importatori")
    question(author, title="Natursteinfassaden in Köln", body="Wer kennt Händler für Fassaden?")
    question(author, title="Pagamenti", body="Lettera di credito")
    c = login(member())
    assert [p.title for p in c.get(url, {"q": "esportare"}).context["posts"]] == [
        "Esportazioni di granito"
    ]
    assert [p.title for p in c.get(url, {"q": "importatore"}).context["posts"]] == [
        "Esportazioni di granito"
    ]
    assert [p.title for p in c.get(url, {"q": "Fassade"}).context["posts"]] == [
        "Natursteinfassaden in Köln"
    ]


def test_keyset_pagination_walks_every_post_once():
    url = reverse("board:list")
    author = member()
    for n in range(45):
        question(author, title=f"Domanda {n:02d}")
    c = login(member())
    seen, params = [], {}
    for _ in range(5):
        response = c.get(url, params)
        seen += [p.title for p in response.context["posts"]]
        cursor = response.context["next_cursor"]
        if not cursor:
            break
        params = {"dopo": cursor}
    assert len(seen) == 45
    assert len(set(seen)) == 45
    assert seen[0] == "Domanda 44"
    assert c.get(url, {"dopo": "garbage"}).status_code == 200


@pytest.mark.parametrize("count", [1, 50])
def test_board_list_query_count_does_not_grow(count, django_assert_num_queries):
    url = reverse("board:list")
    author = member()
    for n in range(count):
        question(author, title=f"Q{n}", tags=[tag("logistica"), tag("fiere")])
    c = login(member())
    c.get(url)
    fragments().clear()
    # Cold fragment cache (core/fragment_cache.py): user, membership, bell, posts+firms,
    # pinned, tags of the cards, filter form tag choices (3)
    with django_assert_num_queries(10):
        cold_response = c.get(url)
    # Warm: the cards and the filter form come from Redis, the same HTML.
    with django_assert_num_queries(2):
        warm_response = c.get(url)
    assert (cold_response.status_code, warm_response.status_code) == (200, 200)
    cold, warm = cold_response.content.decode(), warm_response.content.decode()
    assert main_of(warm) == main_of(cold)  # the header's CSRF token is masked anew
    assert f"Q{count - 1}" in warm  # the newest question heads the list
    assert cold.count('<span class="badge">Logistica</span>') == min(count, 20)


def test_post_with_50_comments_in_constant_queries(django_assert_num_queries):
    post = question(member())
    people = [member() for _ in range(5)]
    for n in range(25):
        top = services.comment_create(post=post, author=people[n % 5], body=f"c{n}")
        services.comment_create(post=post, author=people[(n + 1) % 5], body=f"r{n}", parent=top)
    c = login(member())
    url = reverse("board:detail", args=[post.pk])
    c.get(url)
    # user, membership, bell, post (whether followed, whether with files: none, so no query
    # for them), tags, comments with their replies
    with django_assert_num_queries(3):
        response = c.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('class="reply"') == 25


def test_preview_is_sanitised():
    c = login(member())
    html = c.post(
        reverse("board:preview"), {"body": "**ok** <script>alert(1)</script>"}
    ).content.decode()
    assert "<strong>ok</strong>" in html
    assert "<script" not in html


def test_report_and_moderation_resolve_it():
    post = question(member())
    c = login(member())
    c.post(reverse("board:report", args=[post.pk]), {"reason": "Pubblicità"})
    report = Report.objects.get()
    assert report.post == post
    staff = StaffFactory()
    staff_client = login(staff)
    response = staff_client.post(
        reverse("admin:board_post_changelist"),
        {"action": "hide", "_selected_action": [post.pk], "reason": "Pubblicità non richiesta"},
    )
    assert response.status_code == 302
    post.refresh_from_db()
    report.refresh_from_db()
    assert post.is_hidden
    assert report.resolved_at is not None
    assert ModerationAction.objects.get().moderator == staff


def test_moderation_without_a_reason_asks_for_one():
    post = question(member())
    response = login(StaffFactory()).post(
        reverse("admin:board_post_changelist"), {"action": "pin", "_selected_action": [post.pk]}
    )
    assert response.status_code == 200
    assert "Motivo" in response.content.decode()
    post.refresh_from_db()
    assert not post.is_pinned


def test_mentoring_request_accept_up_to_capacity_and_contacts():
    mentor_user = mentor()
    mentor_firm = mentor_user.membership.firm
    MentorProfile.objects.create(firm=mentor_firm, max_open_requests=1)
    first, second = member(), member()
    ask = reverse("board:mentorship_request", args=[mentor_firm.pk])
    c1 = login(first)
    c1.post(
        ask,
        {"topic": "Fiere", "message": "Aiuto"},
    )
    login(second).post(
        ask,
        {"topic": "IVA", "message": "Aiuto"},
    )
    assert (
        Notification.objects.filter(recipient=mentor_user, kind="mentorship_requested").count() == 2
    )
    page = c1.get(reverse("board:mentorship")).content.decode()
    assert mentor_user.email not in page  # contacts only once accepted

    r1, r2 = MentorshipRequest.objects.order_by("pk")
    m = login(mentor_user)
    m.post(reverse("board:mentorship_decide", args=[r1.pk]), {"answer": "yes"})
    response = m.post(
        reverse("board:mentorship_decide", args=[r2.pk]), {"answer": "yes"}, follow=True
    )
    assert "Il mentore ha raggiunto" in response.content.decode()
    r1.refresh_from_db()
    r2.refresh_from_db()
    assert (r1.status, r2.status) == ("accepted", "pending")
    assert mentor_user.email in c1.get(reverse("board:mentorship")).content.decode()
    assert Notification.objects.filter(recipient=first, kind="mentorship_accepted").exists()


def test_mentoring_requests_cannot_be_answered_by_others():
    mentor_firm = mentor().membership.firm
    request = services.mentorship_request_create(
        requester=member().membership.firm,
        user=member(),
        mentor=mentor_firm,
        topic="x",
        message="y",
    )
    intruder = MembershipFactory(firm__is_mentor=True).user
    assert (
        login(intruder)
        .post(reverse("board:mentorship_decide", args=[request.pk]), {"answer": "yes"})
        .status_code
        == 404
    )
    request.refresh_from_db()
    assert request.status == "pending"


# The one test of this app that writes paths as literals, on purpose: people bookmark the board and
# notification mails link to its posts. Every other test builds its URLs with reverse().
@pytest.mark.parametrize(
    ("name", "args", "path"),
    [
        ("board:list", [], "/bacheca/"),
        ("board:detail", [7], "/bacheca/7/"),
    ],
)
def test_public_paths_stay_as_they_are(name, args, path):
    assert_public_path(name, path, *args)


def test_the_post_page_says_whether_the_reader_follows_it():
    post = question(member())
    reader = member()
    url = reverse("board:detail", args=[post.pk])
    assert "Segui questo post" in login(reader).get(url).content.decode()
    Follow.objects.create(user=reader, post=post)
    assert "Smetti di seguire" in login(reader).get(url).content.decode()
    assert "Segui questo post" in login(member()).get(url).content.decode()  # someone else
