"""Moderation keeps its evidence (issue 14): a moderated post stays as it was, nobody comments on
a hidden post, and a deleted post leaves a tombstone so its reports and moderation survive."""

import pytest
from django.urls import reverse

from board import services
from board.models import Comment, ModerationAction, Post, Report
from notifications.models import Notification
from tests.factories import StaffFactory, member
from tests.support.clients import login

pytestmark = pytest.mark.django_db


def question(author, title="Come spedire campioni?", body="Serve la dogana?"):
    return services.post_create(author=author, kind="question", title=title, body=body, tags=[])


@pytest.mark.parametrize("action", ["hide", "lock"])
def test_the_author_of_a_moderated_post_can_neither_edit_nor_delete_it(action):
    author = member()
    post = question(author, title="Titolo originale", body="Testo originale")
    services.moderate(moderator=StaffFactory(), action=action, reason="offensivo", posts=[post])
    c = login(author)

    response = c.post(
        reverse("board:edit", args=[post.pk]), {"title": "Ripulito", "body": "Niente"}, follow=True
    )
    assert "non si può più modificare" in response.content.decode()
    response = c.post(reverse("board:delete", args=[post.pk]), follow=True)
    assert "non si può più modificare" in response.content.decode()

    post.refresh_from_db()
    assert (post.title, post.body, post.deleted_at) == ("Titolo originale", "Testo originale", None)
    with pytest.raises(services.PostModerated):
        services.post_update(post_id=post.pk, user=author, title="x", body="y", tags=[])
    with pytest.raises(services.PostModerated):
        services.post_delete(post_id=post.pk, user=author)
    # The detail page offers neither action.
    page = c.get(reverse("board:detail", args=[post.pk])).content.decode()
    assert reverse("board:edit", args=[post.pk]) not in page
    assert reverse("board:delete", args=[post.pk]) not in page


def test_nobody_comments_on_a_hidden_post_and_it_notifies_no_one():
    author, follower = member(), member()
    post = question(author)
    login(follower).post(reverse("board:follow"), {"target": f"post:{post.pk}"})
    services.moderate(moderator=StaffFactory(), action="hide", reason="spam", posts=[post])
    Notification.objects.all().delete()

    # Neither the author (who still sees it) nor staff can comment.
    response = login(author).post(
        reverse("board:comment", args=[post.pk]), {"body": "Eccomi"}, follow=True
    )
    assert "nascosto" in response.content.decode()
    with pytest.raises(services.PostHidden):
        services.comment_create(post=post, author=StaffFactory(), body="nota")
    assert not Comment.objects.exists()
    assert not Notification.objects.exists()
    assert 'name="body"' not in login(author).get(post.get_absolute_url()).content.decode()


def test_a_moderated_comment_stays_as_it_was():
    post = question(member())
    commenter = member()
    comment = services.comment_create(post=post, author=commenter, body="Testo offensivo")
    services.moderate(moderator=StaffFactory(), action="hide", reason="insulti", comments=[comment])
    c = login(commenter)
    c.post(reverse("board:comment_edit", args=[comment.pk]), {"body": "Pulito"})
    c.post(reverse("board:comment_delete", args=[comment.pk]))
    comment.refresh_from_db()
    assert comment.body == "Testo offensivo"
    assert ModerationAction.objects.get(comment=comment).reason == "insulti"


def test_deleting_a_post_leaves_a_tombstone_with_its_reports_and_moderation():
    author = member()
    post = question(author, title="Offerta imperdibile")
    services.comment_create(post=post, author=member(), body="Commento")
    reader = login(member())
    reader.post(reverse("board:report", args=[post.pk]), {"reason": "Pubblicità"})
    services.moderate(moderator=StaffFactory(), action="pin", reason="utile", posts=[post])

    response = login(author).post(reverse("board:delete", args=[post.pk]), {"confirm": "yes"})
    assert response.status_code == 302

    tombstone = Post.objects.get(pk=post.pk)
    assert tombstone.deleted_at is not None
    assert Report.objects.get().post == tombstone
    assert ModerationAction.objects.get(post=tombstone).reason == "utile"
    assert Comment.objects.filter(post=tombstone).count() == 1
    # Gone from every page, for everyone: list, pinned posts, detail, comments, staff included.
    for client in (reader, login(author), login(StaffFactory())):
        assert "Offerta imperdibile" not in client.get(reverse("board:list")).content.decode()
        assert client.get(reverse("board:detail", args=[post.pk])).status_code == 404
    assert reader.post(reverse("board:comment", args=[post.pk]), {"body": "x"}).status_code == 404
    # What the post still had to tell is withdrawn (the commenter's reply to the author).
    assert not Notification.objects.filter(object_key__startswith="comment:").exists()
    with pytest.raises(Post.DoesNotExist):
        services.comment_create(post=post, author=member(), body="x")


def test_a_comment_count_out_of_step_never_goes_negative():
    """A count that drifted (a bulk load, a staff fix) does not turn deleting into a 500."""
    post = question(member())
    commenter = member()
    comment = services.comment_create(post=post, author=commenter, body="Uno")
    Post.objects.filter(pk=post.pk).update(comment_count=0)
    response = login(commenter).post(
        reverse("board:comment_delete", args=[comment.pk]), {"confirm": "yes"}
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.comment_count == 0
    assert not Comment.objects.exists()


def test_the_database_refuses_a_negative_comment_count():
    from django.db import IntegrityError, transaction

    post = question(member())
    with pytest.raises(IntegrityError, match="comment_count"):
        with transaction.atomic():
            Post.objects.filter(pk=post.pk).update(comment_count=-1)


def test_hiding_a_post_withdraws_what_nobody_received_yet(mailoutbox):
    """A follower's daily digest would otherwise carry the hidden post's title the next day."""
    from board.models import Tag
    from notifications.services import digests_send

    logistics = Tag.objects.get(slug="logistica")
    follower, reader = member(), member()
    services.follow_toggle(user=follower, tag=logistics)
    services.follow_toggle(user=reader, tag=logistics)
    post = services.post_create(
        author=member(), kind="question", title="Compra follower ora", body="spam", tags=[logistics]
    )
    read = Notification.objects.get(recipient=reader)
    read.read_at = read.created_at
    read.save(update_fields=["read_at"])

    services.moderate(moderator=StaffFactory(), action="hide", reason="spam", posts=[post])

    assert not Notification.objects.filter(recipient=follower).exists()
    # One the reader has already seen stays in their inbox, but is never emailed.
    assert Notification.objects.get(recipient=reader).email_status == "skipped"
    digests_send()
    assert not [m for m in mailoutbox if "Compra follower ora" in m.body + m.subject]
