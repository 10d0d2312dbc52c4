"""Writes of the board. Object-level checks live here: views cannot forget them."""

from collections.abc import Iterable, Sequence

from django.conf import settings
from django.contrib.postgres.search import SearchVector
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from board import markdown
from board import notification_kinds as kinds
from board.models import (
    Attachment,
    Comment,
    Follow,
    MentorProfile,
    MentorshipRequest,
    ModerationAction,
    Post,
    Report,
    Tag,
)
from core import uploads
from core.errors import DomainError
from core.staff import has_staff_powers
from members.access import get_membership
from members.models import Firm, User
from members.recipients import notify_firm
from missions.models import Mission
from notifications.services import notifications_withdraw, notify


class BoardError(DomainError):
    message = _("Operazione non consentita.")

    def __str__(self) -> str:
        return str(self.message)


class NotAMentor(BoardError):
    message = _("Solo le imprese mentori pubblicano esperienze; puoi pubblicare una domanda.")


class PostLocked(BoardError):
    message = _("I commenti a questo post sono chiusi.")


class PostHidden(BoardError):
    message = _("Il post è nascosto dai moderatori: non si può commentare.")


class PostModerated(BoardError):
    message = _(
        "Questo post è stato moderato: non si può più modificare né eliminare. "
        "Per chiarimenti scrivi alla Camera di Commercio."
    )


class CommentModerated(BoardError):
    message = _(
        "Questo commento o il suo post è stato moderato: non si può più modificare né eliminare."
    )


class MentorFull(BoardError):
    message = _("Il mentore ha raggiunto il numero di affiancamenti che può seguire.")


class AlreadyAsked(BoardError):
    message = _("Avete già una richiesta aperta con questo mentore.")


MAX_ATTACHMENTS = 3
# The largest file the portal accepts at all (the upload handler's cap, core/uploads.py).
ATTACHMENT_MAX_BYTES = settings.UPLOAD_HARD_LIMIT
ATTACHMENT_IMAGE_FORMATS = ["PNG", "JPEG"]  # Pillow's names; PDFs are recognised by their bytes


class TooManyAttachments(BoardError):
    message = _("Un post può avere al massimo %(max)d allegati.")

    def __str__(self) -> str:
        return str(self.message) % {"max": MAX_ATTACHMENTS}


def _firm_of(user: User) -> Firm | None:
    # The membership cached on the user for this request (members.access), not a new query.
    membership = get_membership(user)
    return membership.firm if membership else None


def _update_search(post_id: int) -> None:
    # Italian and German stemming: posts are written in either language.
    text = (
        SearchVector("title", weight="A", config="italian")
        + SearchVector("body", weight="B", config="italian")
        + SearchVector("title", weight="A", config="german")
        + SearchVector("body", weight="B", config="german")
    )
    Post.objects.filter(pk=post_id).update(search=text)


def _excerpt(text: str) -> str:
    return Truncator(markdown.plain_text(text)).chars(160)


def _member_users(ids: Iterable[int]) -> list[int]:
    """Of these users, those who can read the board (active members of approved firms, staff)."""
    return list(
        User.objects.filter(pk__in=ids, is_active=True)
        .filter(Q(membership__firm__status=Firm.Status.APPROVED) | Q(is_staff=True))
        .values_list("pk", flat=True)
    )


# --- Attachments: checked and written before the transaction, removed again if it fails --------


def _check_attachment(upload: "UploadedFile[bytes]") -> uploads.CheckedFile:
    """A PDF as it is, or a PNG/JPEG decoded and re-encoded; raises uploads.UploadRejected."""
    name = uploads.clean_name(upload.name)
    data = uploads.read_upload(upload, max_bytes=ATTACHMENT_MAX_BYTES)
    if data.startswith(b"%PDF-"):
        if not uploads.is_pdf(data):
            raise uploads.DamagedFile(name)  # cut short: no end-of-file marker
        content_type, extension = uploads.PDF_TYPE
    else:
        image = uploads.open_image(
            data, formats=ATTACHMENT_IMAGE_FORMATS, name=name, allowed="PDF, PNG, JPEG"
        )
        image_format = image.format
        if image_format is None:  # never: open_image() returns only images of `formats`
            raise uploads.UnsupportedFileType(name, allowed="PDF, PNG, JPEG")
        content_type, extension = uploads.IMAGE_TYPES[image_format]
        data, _size = uploads.reencode_image(image, format=image_format, name=name)
    return uploads.CheckedFile(
        data=data,
        content_type=content_type,
        extension=extension,
        display_name=uploads.display_name(upload.name, extension),
    )


def _store_attachments(
    files: Sequence["UploadedFile[bytes]"],
) -> list[tuple[uploads.CheckedFile, str]]:
    """Check every file first (one bad file stores nothing), then write them all."""
    checked = [_check_attachment(upload) for upload in files]
    stored: list[tuple[uploads.CheckedFile, str]] = []
    try:
        for item in checked:
            name = uploads.store(folder="attachments", extension=item.extension, data=item.data)
            stored.append((item, name))
    except BaseException:
        _discard(stored)
        raise
    return stored


def _discard(stored: list[tuple[uploads.CheckedFile, str]]) -> None:
    for _item, name in stored:
        uploads.delete_quietly(name)


def _attach(post: Post, stored: list[tuple[uploads.CheckedFile, str]], user: User) -> None:
    """Create the rows of files already stored. Caller must hold the lock on `post` (or have
    just created it), so that two requests cannot both pass the MAX_ATTACHMENTS check."""
    if not stored:
        return
    if Attachment.objects.filter(post=post).count() + len(stored) > MAX_ATTACHMENTS:
        raise TooManyAttachments
    Attachment.objects.bulk_create(
        Attachment(
            post=post,
            file=name,
            original_name=item.display_name,
            content_type=item.content_type,
            size=item.size,
            uploaded_by=user,
        )
        for item, name in stored
    )


def post_create(
    *,
    author: User,
    kind: str,
    title: str,
    body: str,
    tags: list[Tag],
    mission: Mission | None = None,
    files: Sequence["UploadedFile[bytes]"] = (),
) -> Post:
    """Publish a post, with up to MAX_ATTACHMENTS files. Experiences are for mentor firms;
    followers of its tags and of the author's firm are notified (in-app, and email or digest by
    their preferences). A rejected file (uploads.UploadRejected, TooManyAttachments) publishes
    nothing and leaves no file behind."""
    firm = _firm_of(author)
    if kind == Post.Kind.EXPERIENCE and not (firm and firm.is_mentor):
        raise NotAMentor
    if len(files) > MAX_ATTACHMENTS:
        raise TooManyAttachments
    stored = _store_attachments(files)
    try:
        post = _post_create(
            author=author,
            firm=firm,
            kind=kind,
            title=title,
            body=body,
            tags=tags,
            mission=mission,
            stored=stored,
        )
    except BaseException:
        _discard(stored)
        raise
    return post


def _post_create(
    *,
    author: User,
    firm: Firm | None,
    kind: str,
    title: str,
    body: str,
    tags: list[Tag],
    mission: Mission | None,
    stored: list[tuple[uploads.CheckedFile, str]],
) -> Post:
    with transaction.atomic():
        post = Post.objects.create(
            kind=kind,
            title=title,
            body=body,
            body_html=markdown.render(body),
            author=author,
            author_firm=firm,
            mission=mission,
        )
        post.tags.set(tags)
        _update_search(post.pk)
        followers = Follow.objects.filter(
            Q(tag__in=tags) | Q(mentor=firm) if firm else Q(tag__in=tags)
        ).exclude(user=author)
        recipients = _member_users(followers.values_list("user_id", flat=True))
        notify(
            recipients=recipients,
            kind=kinds.BOARD_NEW_POST.slug,
            object_key=f"post:{post.pk}",
            context={
                "title": title,
                "author": firm.name if firm else author.get_full_name(),
                "in_topics": kinds.in_topics([t.name for t in tags]),
            },
            url=post.get_absolute_url(),
        )
        Follow.objects.get_or_create(user=author, post=post)
        _attach(post, stored, author)  # a new post: nobody else can attach to it yet
    return post


def _own_post(post_id: int, user: User, *, lock: bool = False) -> Post:
    """The author's post, to change. Raises Post.DoesNotExist (404) if not visible or deleted,
    PermissionDenied (403) if not the author, PostModerated once moderators hid or locked it
    (what they judged stays as it was: the evidence of their decision).

    With `lock`, the post row is locked: it serialises changes to its attachments and its
    moderation (moderate() saves the row, so it waits for this transaction, or this one waits
    for it and then sees the new flags)."""
    posts = Post.objects.select_for_update(no_key=True) if lock else Post.objects
    post = posts.get(pk=post_id, deleted_at__isnull=True)
    if post.is_hidden and post.author_id != user.pk and not has_staff_powers(user):
        raise Post.DoesNotExist
    if post.author_id != user.pk:
        raise PermissionDenied
    post_check_not_moderated(post)
    return post


def post_check_not_moderated(post: Post) -> None:
    """Raise PostModerated once moderators hid or locked the post: its author can no longer
    change or delete it. Views call it before asking "are you sure?"; the services again under
    the post's lock."""
    if post.is_hidden or post.is_locked:
        raise PostModerated


def comment_check_not_moderated(comment: Comment) -> None:
    """Raise CommentModerated once the comment or its post was hidden or locked: the author can
    no longer change or delete it. `comment.post` must be loaded."""
    if comment.is_hidden or comment.post.is_hidden or comment.post.is_locked:
        raise CommentModerated


def post_update(
    *,
    post_id: int,
    user: User,
    title: str,
    body: str,
    tags: list[Tag],
    files: Sequence["UploadedFile[bytes]"] = (),
) -> Post:
    """Edit a post and add `files` to its attachments (MAX_ATTACHMENTS in all). A rejected file
    (uploads.UploadRejected, TooManyAttachments) saves none of the edit and leaves no file."""
    # Early, before reading the files; checked again under the lock below.
    if files and Attachment.objects.filter(post_id=post_id).count() + len(files) > MAX_ATTACHMENTS:
        raise TooManyAttachments
    stored = _store_attachments(files)
    try:
        with transaction.atomic():
            post = _own_post(post_id, user, lock=True)
            post.title, post.body, post.body_html = title, body, markdown.render(body)
            post.save(update_fields=["title", "body", "body_html", "updated_at"])
            post.tags.set(tags)
            _update_search(post.pk)
            _attach(post, stored, user)
    except BaseException:
        _discard(stored)
        raise
    return post


def attachment_remove(*, post_id: int, attachment_id: int, user: User) -> Post:
    """The author removes one attachment; the file is deleted after the commit.

    Raises Attachment.DoesNotExist when the attachment is not on this post."""
    with transaction.atomic():
        post = _own_post(post_id, user, lock=True)
        attachment = Attachment.objects.get(pk=attachment_id, post=post)
        attachment.delete()
        uploads.delete_on_commit(attachment.file.name or "")
    return post


def post_delete(*, post_id: int, user: User) -> Post:
    """The author deletes their post: it leaves a tombstone. The row stays, with its comments,
    attachments, reports and moderation log, so that moderators keep the evidence; no page shows
    it any more (selectors.visible_posts), nobody can comment on it, nothing notifies about it.
    A hidden or locked post cannot be deleted by its author (PostModerated)."""
    with transaction.atomic():
        post = _own_post(post_id, user, lock=True)
        post.deleted_at = timezone.now()
        post.is_pinned = False
        # Saved, not updated: the audit trail records the deletion.
        post.save(update_fields=["deleted_at", "is_pinned", "updated_at"])
        _withdraw_post_notifications(post)
    return post


def _withdraw_post_notifications(post: Post) -> None:
    """What a post that is gone from view (hidden, deleted) would still tell anyone: its
    announcement and its comments' replies, not yet received (notifications_withdraw)."""
    comment_ids = Comment.objects.filter(post=post).values_list("pk", flat=True)
    notifications_withdraw(
        object_keys=[f"post:{post.pk}", *(f"comment:{pk}" for pk in comment_ids)]
    )


def posts_delete(*, posts: QuerySet[Post]) -> int:
    """Staff (admin): purge posts for good, with their comments, attachments (files included),
    reports and moderation log. For what the law requires gone (illegal content, an erasure
    order); moderation otherwise hides a post, and an author's deletion leaves a tombstone."""
    with transaction.atomic():
        return _delete_posts(posts)


def _delete_posts(posts: QuerySet[Post]) -> int:
    # The rows cascade; their files are ours to delete, once the deletion has committed.
    ids = list(posts.values_list("pk", flat=True))  # plain ids: the admin's queryset is annotated
    names = list(Attachment.objects.filter(post_id__in=ids).values_list("file", flat=True))
    deleted = Post.objects.filter(pk__in=ids).delete()[1].get(Post._meta.label, 0)
    uploads.delete_on_commit(*names)
    return deleted


def comment_create(
    *, post: Post, author: User, body: str, parent: Comment | None = None
) -> Comment:
    """Comment a post or reply to a comment (replies to replies attach to the top comment).

    Nobody comments on a deleted post (Post.DoesNotExist), a hidden one (PostHidden: not even
    its author or staff, so a hidden post notifies no one) or a locked one (PostLocked).
    The body is rendered and the author's firm read before the post is locked."""
    body_html = markdown.render(body)
    author_firm = _firm_of(author)
    with transaction.atomic():
        post = (
            Post.objects.select_for_update(no_key=True)
            .only("title", "author_id", "is_hidden", "is_locked")
            .get(pk=post.pk, deleted_at__isnull=True)
        )
        if post.is_hidden:
            raise PostHidden
        if post.is_locked:
            raise PostLocked
        if parent is not None:
            if parent.post_id != post.pk:
                raise BoardError
            parent = parent.parent or parent
        comment = Comment.objects.create(
            post=post,
            parent=parent,
            author=author,
            author_firm=author_firm,
            body=body,
            body_html=body_html,
        )
        Post.objects.filter(pk=post.pk).update(
            comment_count=F("comment_count") + 1, last_activity_at=timezone.now()
        )
        context = {
            "title": post.title,
            "author": author_firm.name if author_firm else author.get_full_name(),
            "excerpt": _excerpt(body),
        }
        direct = {
            user_id
            for user_id in (post.author_id, parent.author_id if parent else None)
            if user_id is not None and user_id != author.pk
        }
        direct_ids = _member_users(direct)
        notify(
            recipients=direct_ids,
            kind=kinds.BOARD_REPLY.slug,
            object_key=f"comment:{comment.pk}",
            context=context,
            url=f"{post.get_absolute_url()}#comment-{comment.pk}",
        )
        followers = Follow.objects.filter(post=post).exclude(user_id__in=[author.pk, *direct_ids])
        notify(
            recipients=_member_users(followers.values_list("user_id", flat=True)),
            kind=kinds.BOARD_FOLLOWED_REPLY.slug,
            object_key=f"comment:{comment.pk}",
            context=context,
            url=f"{post.get_absolute_url()}#comment-{comment.pk}",
        )
    return comment


def _own_comment(comment_id: int, user: User) -> Comment:
    """The author's comment, to change, with its post locked (the caller holds a transaction).

    Raises Comment.DoesNotExist when it or its post is gone, PermissionDenied if not the author,
    CommentModerated once the comment or its post was hidden or locked by moderators."""
    post_id = Comment.objects.values_list("post_id", flat=True).get(pk=comment_id)
    # The post first, then the comment: the order of comment_create and moderate().
    post = Post.objects.select_for_update(no_key=True).filter(pk=post_id).first()
    if post is None or post.deleted_at is not None:
        raise Comment.DoesNotExist
    comment = Comment.objects.select_for_update(no_key=True).get(pk=comment_id)
    if comment.author_id != user.pk:
        raise PermissionDenied
    comment.post = post
    comment_check_not_moderated(comment)
    return comment


def comment_update(*, comment_id: int, user: User, body: str) -> Comment:
    with transaction.atomic():
        comment = _own_comment(comment_id, user)
        comment.body, comment.body_html = body, markdown.render(body)
        comment.save(update_fields=["body", "body_html", "updated_at"])
    return comment


def comment_delete(*, comment_id: int, user: User) -> Post:
    """Delete a comment with its replies. The post's count is counted again under the post's
    lock, so a count out of step (a bulk load, a past bug) heals instead of going negative."""
    with transaction.atomic():
        comment = _own_comment(comment_id, user)
        post = comment.post
        comment.delete()
        Post.objects.filter(pk=post.pk).update(
            comment_count=Comment.objects.filter(post=post).count()
        )
    return post


def question_mark_answered(*, post_id: int, comment_id: int | None, user: User) -> Post:
    """The question's author (or staff) points at the comment that answered it."""
    post = Post.objects.get(pk=post_id, kind=Post.Kind.QUESTION, deleted_at__isnull=True)
    if post.author_id != user.pk and not has_staff_powers(user):
        raise PermissionDenied
    if comment_id is not None:
        Comment.objects.get(pk=comment_id, post=post)
    post.answer_id = comment_id
    post.save(update_fields=["answer", "updated_at"])
    return post


def follow_toggle(
    *, user: User, tag: Tag | None = None, post: Post | None = None, mentor: Firm | None = None
) -> bool:
    """Follow or unfollow one target; returns True when now following."""
    target = {"tag": tag, "post": post, "mentor": mentor}
    target = {k: v for k, v in target.items() if v is not None}
    if len(target) != 1:
        raise BoardError
    deleted, _ = Follow.objects.filter(user=user, **target).delete()
    if deleted:
        return False
    try:
        Follow.objects.create(user=user, **target)
    except IntegrityError:
        pass  # a double click: already following
    return True


def report_create(
    *, reporter: User, reason: str, post: Post | None = None, comment: Comment | None = None
) -> Report:
    return Report.objects.create(reporter=reporter, reason=reason, post=post, comment=comment)


def moderate(
    *,
    moderator: User,
    action: str,
    reason: str,
    posts: Iterable[Post] = (),
    comments: Iterable[Comment] = (),
) -> int:
    """Staff: hide/show posts or comments, pin/unpin, lock/unlock posts; the reason is logged.

    Hiding withdraws what the hidden post (and its comments) or comment would still tell
    anyone: unsent emails, digest items, unread inbox items (a hidden post notifies no one)."""
    changes = {
        "hide": {"is_hidden": True},
        "show": {"is_hidden": False},
        "pin": {"is_pinned": True},
        "unpin": {"is_pinned": False},
        "lock": {"is_locked": True},
        "unlock": {"is_locked": False},
    }[action]
    if not reason.strip():
        raise BoardError
    with transaction.atomic():
        count = 0
        for post in posts:
            # Locked: an author's edit or deletion in flight finishes first, or sees the flags.
            post = Post.objects.select_for_update(no_key=True).get(pk=post.pk)
            for field, value in changes.items():
                setattr(post, field, value)
            post.save(update_fields=list(changes))  # saved, not updated: the audit trail sees it
            ModerationAction.objects.create(
                post=post, action=action, reason=reason, moderator=moderator
            )
            Report.objects.filter(post=post, resolved_at__isnull=True).update(
                resolved_at=timezone.now()
            )
            if action == "hide":
                _withdraw_post_notifications(post)
            count += 1
        if action in ("hide", "show"):
            for comment in comments:
                Comment.objects.filter(pk=comment.pk).update(**changes)
                ModerationAction.objects.create(
                    comment=comment, action=action, reason=reason, moderator=moderator
                )
                Report.objects.filter(comment=comment, resolved_at__isnull=True).update(
                    resolved_at=timezone.now()
                )
                if action == "hide":
                    notifications_withdraw(object_keys=[f"comment:{comment.pk}"])
                count += 1
    return count


# --- Mentoring ---------------------------------------------------------------------------------


def mentorship_request_create(
    *, requester: Firm, user: User, mentor: Firm, topic: str, message: str
) -> MentorshipRequest:
    if not mentor.is_mentor or mentor.status != Firm.Status.APPROVED or mentor == requester:
        raise BoardError
    try:
        with transaction.atomic():
            request = MentorshipRequest.objects.create(
                requester=requester, requested_by=user, mentor=mentor, topic=topic, message=message
            )
            notify_firm(
                firm=mentor,
                kind=kinds.MENTORSHIP_REQUESTED.slug,
                object_key=f"mentorship:{request.pk}",
                context={"firm": requester.name, "topic": topic},
                url=reverse("board:mentorship"),
            )
    except IntegrityError:
        raise AlreadyAsked from None
    return request


def mentorship_decide(
    *, request_id: int, mentor: Firm, accept: bool, decided_by: User | None = None
) -> MentorshipRequest:
    """The mentor firm answers; it takes at most `max_open_requests` accepted ones.

    `decided_by`, the person who answers, becomes the mentor's contact shown to the requester
    once accepted (the page says so beside the button)."""
    with transaction.atomic():
        # The mentor's profile row serialises its decisions, so the capacity holds.
        profile, _created = MentorProfile.objects.get_or_create(firm=mentor)
        profile = MentorProfile.objects.select_for_update().get(pk=profile.pk)
        request = MentorshipRequest.objects.select_for_update().get(
            pk=request_id, mentor=mentor, status=MentorshipRequest.Status.PENDING
        )
        if accept:
            taken = MentorshipRequest.objects.filter(
                mentor=mentor, status=MentorshipRequest.Status.ACCEPTED
            ).count()
            if taken >= profile.max_open_requests:
                raise MentorFull
        request.status = (
            MentorshipRequest.Status.ACCEPTED if accept else MentorshipRequest.Status.DECLINED
        )
        request.decided_at, request.decided_by = timezone.now(), decided_by
        request.save(update_fields=["status", "decided_at", "decided_by"])
        notify_firm(
            firm=request.requester,
            kind=(kinds.MENTORSHIP_ACCEPTED if accept else kinds.MENTORSHIP_DECLINED).slug,
            object_key=f"mentorship:{request.pk}",
            context={"mentor": mentor.name, "topic": request.topic},
            url=reverse("board:mentorship"),
        )
    return request


def mentor_load() -> dict[int, int]:
    """Accepted mentoring requests per mentor firm (for the mentors page)."""
    return dict(
        MentorshipRequest.objects.filter(status=MentorshipRequest.Status.ACCEPTED)
        .values_list("mentor_id")
        .annotate(n=Count("pk"))
    )
