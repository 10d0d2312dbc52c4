"""The board's part of the person's data: posts, attachments, comments, follows, reports and
mentoring requests; and the firm's posts and mentoring requests.

Registered with core.privacy from BoardConfig.ready.
"""

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from board.models import (
    Attachment,
    Comment,
    Follow,
    MentorshipRequest,
    ModerationAction,
    Post,
    Report,
)
from core import uploads
from core.privacy import Contributor, Erasure, ErasureStep, KeptRecord, iso
from members.models import Firm, User


def _post(post: Post) -> dict[str, Any]:
    return {
        "id": post.pk,
        "kind": post.get_kind_display(),
        "title": post.title,
        "body": post.body,
        "firm": post.author_firm.name if post.author_firm else None,
        "author": (post.author.get_full_name() or post.author.email) if post.author else None,
        "tags": [tag.name for tag in post.tags.all()],
        "mission": post.mission.title if post.mission else None,
        "hidden": post.is_hidden,
        "deleted_at": iso(post.deleted_at),
        "created_at": iso(post.created_at),
        "updated_at": iso(post.updated_at),
    }


def _mentorship(request: MentorshipRequest) -> dict[str, Any]:
    return {
        "requester": request.requester.name,
        "mentor": request.mentor.name,
        "topic": request.topic,
        "message": request.message,
        "status": request.get_status_display(),
        "created_at": iso(request.created_at),
        "decided_at": iso(request.decided_at),
    }


def export_person(user: User) -> dict[str, Any]:
    return {
        "posts": [
            _post(p)
            for p in Post.objects.filter(author=user)
            .select_related("author", "author_firm", "mission")
            .prefetch_related("tags")
            .order_by("pk")
        ],
        # The files themselves are downloadable from their posts; the export lists them.
        "attachments": [
            {
                "post": a.post.title,
                "name": a.original_name,
                "type": a.get_content_type_display(),
                "size": a.size,
                "created_at": iso(a.created_at),
            }
            for a in Attachment.objects.filter(uploaded_by=user)
            .select_related("post")
            .order_by("pk")
        ],
        "comments": [
            {
                "post": c.post.title,
                "body": c.body,
                "hidden": c.is_hidden,
                "created_at": iso(c.created_at),
            }
            for c in Comment.objects.filter(author=user).select_related("post").order_by("pk")
        ],
        "follows": [
            {
                "tag": f.tag.name if f.tag else None,
                "post": f.post.title if f.post else None,
                "mentor": f.mentor.name if f.mentor else None,
                "created_at": iso(f.created_at),
            }
            for f in Follow.objects.filter(user=user)
            .select_related("tag", "post", "mentor")
            .order_by("pk")
        ],
        "reports": [
            {
                "post": r.post.title if r.post else None,
                "comment": r.comment.body if r.comment else None,
                "reason": r.reason,
                "created_at": iso(r.created_at),
                "resolved_at": iso(r.resolved_at),
            }
            for r in Report.objects.filter(reporter=user)
            .select_related("post", "comment")
            .order_by("pk")
        ],
        "mentorship_requests": [
            _mentorship(r)
            for r in MentorshipRequest.objects.filter(requested_by=user)
            .select_related("requester", "mentor")
            .order_by("pk")
        ],
    }


def export_firm(firm: Firm) -> dict[str, Any]:
    mentorships = (
        MentorshipRequest.objects.filter(Q(requester=firm) | Q(mentor=firm))
        .select_related("requester", "mentor")
        .order_by("pk")
    )
    posts = (
        Post.objects.filter(author_firm=firm)
        .select_related("author", "author_firm", "mission")
        .prefetch_related("tags")
        .order_by("pk")
    )
    return {
        "mentorship_requests": [_mentorship(r) for r in mentorships],
        "posts": [_post(p) for p in posts],
    }


def _delete(erasure: Erasure) -> dict[str, int]:
    # The person's attachments go, rows and files, although their posts stay (UNLINK): a file's
    # content (a CV, a signed letter, a photo) cannot be scrubbed of the person the way a row
    # can, and its original name often carries the name. The files are deleted once the
    # erasure's transaction commits.
    attachments = Attachment.objects.filter(uploaded_by=erasure.user)
    uploads.delete_on_commit(*attachments.values_list("file", flat=True))
    return {
        "attachments": attachments.delete()[0],
        "follows": Follow.objects.filter(user=erasure.user).delete()[0],
    }


def _unlink(erasure: Erasure) -> dict[str, int]:
    # Queryset updates: they write no history rows (Post's history excludes the author anyway).
    user = erasure.user
    return {
        "posts": Post.objects.filter(author=user).update(author=None),
        "comments": Comment.objects.filter(author=user).update(author=None),
        "reports": Report.objects.filter(reporter=user).update(reporter=None),
        "moderation_actions": ModerationAction.objects.filter(moderator=user).update(
            moderator=None
        ),
        "mentorship_requests": MentorshipRequest.objects.filter(requested_by=user).update(
            requested_by=None
        ),
        "mentorship_decisions": MentorshipRequest.objects.filter(decided_by=user).update(
            decided_by=None
        ),
    }


CONTRIBUTOR = Contributor(
    app_label="board",
    order=40,
    export_person=export_person,
    export_firm=export_firm,
    erasure={ErasureStep.DELETE: _delete, ErasureStep.UNLINK: _unlink},
    kept_records=(
        # The firm's records of every app: the board is the highest app that holds some.
        KeptRecord(
            "firm_records",
            _(
                "L'impresa, le sue richieste di incontro e di affiancamento, i post e i commenti "
                "in bacheca, senza il tuo nome"
            ),
            _(
                "Appartengono all'impresa, non a te: restano attribuiti all'impresa. I post e i "
                "commenti restano come li hai scritti; i file che hai allegato ai post sono "
                "cancellati."
            ),
        ),
        KeptRecord(
            "reports",
            _("Le segnalazioni in bacheca, senza il tuo nome"),
            _("Servono alla moderazione della bacheca."),
        ),
    ),
    exported={
        "board.Attachment",
        "board.Comment",
        "board.Follow",
        "board.MentorshipRequest",
        "board.Post",
        "board.Report",
    },
    not_exported={
        "board.HistoricalPost": "The audit trail of posts; their current state is exported.",
        "board.MentorProfile": "The mentor firm's card (markets, expertise), shown on the board; "
        "it is about the firm and names no person.",
        "board.ModerationAction": "The Club's record of its moderation decisions, not data the "
        "moderator gave about themselves.",
    },
    erased={
        "board.Attachment",  # deleted, files included
        "board.Comment",  # author unlinked; the comment stays the firm's
        "board.Follow",  # deleted
        "board.MentorshipRequest",  # requested_by unlinked; the request is the firm's
        "board.ModerationAction",  # moderator unlinked
        "board.Post",  # author unlinked; the post stays the firm's
        "board.Report",  # reporter unlinked
    },
    kept={
        "board.HistoricalPost": "The audit trail of posts; it does not record the author, and "
        "who made each change is cleared by the privacy app's history step.",
        "board.MentorProfile": "A record of the firm's, linked to the firm only: it names no "
        "person.",
    },
)
