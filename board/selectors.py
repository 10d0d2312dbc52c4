"""Reads of the board: visibility, filters and keyset pagination."""

from collections import defaultdict
from datetime import UTC, datetime
from typing import TypedDict

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleLessThan
from django.http import QueryDict

from board.filters import PostFilter
from board.models import Attachment, Comment, Follow, MentorshipRequest, Post
from core.staff import has_staff_powers
from members.models import Firm, Membership, User

PAGE_SIZE = 20
ORDERS = {"recenti": "created_at", "attivi": "last_activity_at"}


class BoardPage(TypedDict):
    """The context of the board's list page."""

    filter: PostFilter
    posts: list[Post]
    pinned: list[Post]
    order: str
    next_cursor: str | None
    query: str
    is_first_page: bool


def visible_posts(*, user: User, include_deleted: bool = False) -> QuerySet[Post]:
    """Hidden posts are visible only to their author and to staff (with their powers: 2FA).
    Deleted posts (tombstones, services.post_delete) to nobody: `include_deleted` lets staff reach
    them, for the files that moderators keep as evidence (linked from the admin)."""
    posts = Post.objects.all() if include_deleted else Post.objects.filter(deleted_at__isnull=True)
    if has_staff_powers(user):
        return posts
    return posts.filter(Q(is_hidden=False) | Q(author=user), deleted_at__isnull=True)


def _cursor(post: Post, field: str) -> str:
    return f"{getattr(post, field).isoformat()}_{post.pk}"


# The largest primary key PostgreSQL's bigint holds.
_MAX_PK = 2**63 - 1


def _parse_cursor(value: str | None) -> tuple[datetime, int] | None:
    """The (moment, id) of a cursor written by `_cursor`, or None for anything else.

    A cursor comes back from the address bar, so it is checked as input: an aware moment that
    PostgreSQL can store in UTC (no year 0 or 10000 once the offset is applied) and an id in
    bigint range, in ASCII digits. A bad cursor starts again from the first page.
    """
    try:
        moment_text, pk_text = (value or "").rsplit("_", 1)
        moment = datetime.fromisoformat(moment_text)
        if moment.tzinfo is None:
            return None
        moment = moment.astimezone(UTC)
    except (ValueError, OverflowError):
        return None
    if not (pk_text.isascii() and pk_text.isdigit() and 0 < int(pk_text) <= _MAX_PK):
        return None
    return moment, int(pk_text)


def board_page(*, user: User, params: QueryDict) -> BoardPage:
    """One page of the board. Keyset pagination ("dopo" = the last row seen): a deep page costs
    the same as the first, since PostgreSQL walks the (date, id) index from the cursor."""
    post_filter = PostFilter(params, queryset=visible_posts(user=user))
    order = params.get("ordine", "")
    if order not in ORDERS:
        order = "recenti"
    field = ORDERS[order]
    # Tags are prefetched by the view for the cards not in the fragment cache
    # (core/fragment_cache.py).
    queryset = post_filter.qs.select_related("author_firm")
    cursor = _parse_cursor(params.get("dopo"))
    if cursor:
        # A row comparison, so PostgreSQL starts the (date, id) index scan at the cursor instead
        # of walking from the newest post and discarding every row before it.
        # (Django's tuple lookups, the ones behind composite primary keys; no raw SQL.)
        queryset = queryset.filter(TupleLessThan(Tuple(F(field), F("pk")), cursor))
    rows = list(queryset.order_by(f"-{field}", "-pk")[: PAGE_SIZE + 1])
    has_next = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    pinned: list[Post] = []
    if not cursor and not params.get("q"):
        pinned = list(
            visible_posts(user=user).filter(is_pinned=True).select_related("author_firm")[:5]
        )
    query = params.copy()
    query.pop("dopo", None)
    return {
        "filter": post_filter,
        "posts": rows,
        "pinned": pinned,
        "order": order,
        "next_cursor": _cursor(rows[-1], field) if has_next else None,
        "query": query.urlencode(),
        "is_first_page": cursor is None,
    }


# What a comment's card shows (templates/board/_comment.html), not the authors' whole rows: a
# thread has hundreds of comments.
COMMENT_FIELDS = (
    "post_id",
    "parent_id",
    "body_html",
    "is_hidden",
    "created_at",
    "updated_at",
    "author__first_name",
    "author__last_name",
    "author_firm__name",
    "author_firm__is_mentor",
)


def post_detail(*, user: User, post_id: int) -> Post:
    """A post with its comments and replies in a fixed number of queries: the post (with whether
    the user follows it and whether it has files: the page reads the files only then), its
    tags, and every comment the user may see, put in threads here (one level of replies).

    Raises Post.DoesNotExist when the user may not see it."""
    comment_filter = Q() if has_staff_powers(user) else Q(is_hidden=False) | Q(author=user)
    post = (
        visible_posts(user=user)
        .select_related("author", "author_firm__mentor_profile", "mission")
        .annotate(
            reader_follows=Exists(Follow.objects.filter(user=user, post=OuterRef("pk"))),
            has_attachments=Exists(Attachment.objects.filter(post=OuterRef("pk"))),
        )
        .prefetch_related("tags")
        .get(pk=post_id)
    )
    comments = list(
        Comment.objects.filter(comment_filter, post=post)
        .select_related("author", "author_firm")
        .only(*COMMENT_FIELDS)
    )  # Comment.Meta.ordering: oldest first, replies too
    replies: defaultdict[int, list[Comment]] = defaultdict(list)
    for comment in comments:
        if comment.parent_id is not None:
            replies[comment.parent_id].append(comment)
    top = [comment for comment in comments if comment.parent_id is None]
    for comment in top:  # a reply whose comment the user may not see is not shown either
        comment.visible_replies = replies[comment.pk]  # type: ignore[attr-defined]
    post.top_comments = top  # type: ignore[attr-defined]
    post.followed = post.reader_follows
    return post


def attachment_for_user(*, user: User, post_id: int, attachment_id: int) -> Attachment:
    """An attachment of a post the user may see (visible_posts), in one query.

    Raises Attachment.DoesNotExist otherwise: hidden posts' files stay with their author and
    staff, exactly like the post; a deleted post's files with staff only."""
    return Attachment.objects.get(
        pk=attachment_id,
        post_id=post_id,
        post__in=visible_posts(user=user, include_deleted=True),
    )


def _contacts(person: User | None, firm: Firm) -> list[User]:
    """The people of `firm` that the other side of an accepted pair may contact: `person` (who
    asked, or who accepted: they chose to take part, and the pages say so), if still active
    in the firm, and the colleagues who agreed to be listed in the directory."""
    contacts: list[User] = []
    if person is not None and person.is_active:
        try:
            if person.membership.firm_id == firm.pk:
                contacts.append(person)
        except Membership.DoesNotExist:
            pass  # left the firm since
    listed: list[Membership] = getattr(firm, "listed_people", [])
    contacts += [m.user for m in listed if m.user_id != (person.pk if person else None)]
    return contacts


def mentorship_requests(*, firm: Firm) -> tuple[list[MentorshipRequest], list[MentorshipRequest]]:
    """The firm's mentoring requests, received and sent, in a fixed number of queries; each
    accepted one carries `contacts` (_contacts), the others none."""
    listed = Membership.objects.filter(
        user__directory_consent=True, user__is_active=True
    ).select_related("user")
    requests = MentorshipRequest.objects.select_related(
        "requester", "mentor", "requested_by__membership", "decided_by__membership"
    )
    incoming = list(
        requests.filter(mentor=firm).prefetch_related(
            Prefetch("requester__memberships", queryset=listed, to_attr="listed_people")
        )
    )
    outgoing = list(
        requests.filter(requester=firm).prefetch_related(
            Prefetch("mentor__memberships", queryset=listed, to_attr="listed_people")
        )
    )
    accepted = MentorshipRequest.Status.ACCEPTED
    for request in incoming:
        request.contacts = (
            _contacts(request.requested_by, request.requester) if request.status == accepted else []
        )
    for request in outgoing:
        request.contacts = (
            _contacts(request.decided_by, request.mentor) if request.status == accepted else []
        )
    return incoming, outgoing
