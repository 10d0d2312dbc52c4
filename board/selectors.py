"""Reads of the board: visibility, filters and keyset pagination."""

from datetime import UTC, datetime
from typing import TypedDict

from django.db.models import F, Prefetch, Q, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleLessThan
from django.http import QueryDict

from board.filters import PostFilter
from board.models import Attachment, Comment, Follow, Post
from members.models import User

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


def visible_posts(*, user: User) -> QuerySet[Post]:
    """Hidden posts are visible only to their author and to staff."""
    if user.is_staff:
        return Post.objects.all()
    return Post.objects.filter(Q(is_hidden=False) | Q(author=user))


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


def post_detail(*, user: User, post_id: int) -> Post:
    """A post with its comments and replies in a fixed number of queries.

    Raises Post.DoesNotExist when the user may not see it."""
    comment_filter = Q() if user.is_staff else Q(is_hidden=False) | Q(author=user)
    replies = Comment.objects.filter(comment_filter).select_related("author", "author_firm")
    comments = (
        Comment.objects.filter(comment_filter, parent__isnull=True)
        .select_related("author", "author_firm")
        .prefetch_related(Prefetch("replies", queryset=replies, to_attr="visible_replies"))
    )
    post = (
        visible_posts(user=user)
        .select_related("author", "author_firm__mentor_profile", "mission")
        .prefetch_related(
            "tags",
            "attachments",
            Prefetch("comments", queryset=comments, to_attr="top_comments"),
        )
        .get(pk=post_id)
    )
    follows = Follow.objects.filter(user=user)
    post.followed = follows.filter(post=post).exists()
    return post


def attachment_for_user(*, user: User, post_id: int, attachment_id: int) -> Attachment:
    """An attachment of a post the user may see (visible_posts), in one query.

    Raises Attachment.DoesNotExist otherwise: hidden posts' files stay with their author and
    staff, exactly like the post."""
    return Attachment.objects.get(
        pk=attachment_id, post_id=post_id, post__in=visible_posts(user=user)
    )
