"""The mentor candidates of the personal path: every approved mentor firm with what it can cover,
one table shared by every firm, kept in Redis.

The path ranks the mentors for a firm's gaps (checkup/path.py, `_mentors`). Reading the mentors
with their board topics for every page view cost a join of the mentors' posts and tags, growing
with the club (43 of the result page's 66 ms of database time at full scale). Here the table is
built once, from two narrow queries (the mentors' columns; the DISTINCT topics of their visible
experience posts), in the reader's language (sector names), and each row carries the bitmask of
the gap codes it covers whatever the reader's sector (`static_mask`): ranking it is a loop of
integer operations. The ranking itself depends only on the reader's sector and set of gaps, so
its first rows are kept too (`top_mentors`): a page reads a few rows, whatever the club's size,
and does no query for its mentors.

Freshness: the table is kept under a version (checkup/versioned.py), bumped after the commit of
any save or delete of a firm, a mentor profile, an experience post, a post's tags, a tag or a
sector (`watch_mentor_data`, connected in CheckupConfig.ready). A firm's save that names its
`update_fields` bumps only when one of the fields read here changed. The table also expires (the
cache's TIMEOUT), which bounds a missed bump; while Redis is unreachable it is built from the
database on every call and not kept.
"""

from typing import Any, NamedTuple

from django.db.models import Model
from django.utils.translation import get_language

from board.models import MentorProfile, Post, Tag
from checkup.versioned import Version, cached
from members.models import Firm, Sector

VERSION = Version("checkup-mentors-version")

SAME_SECTOR = "same_sector"
EXPORTS_TO_GERMANY = "exports_to_germany"
SPEAKS_GERMAN = "speaks_german"
# What a mentor must have to cover a gap (see checkup/path.py's docstring).
MENTOR_RULES: dict[str, tuple[str, ...]] = {
    "market": (EXPORTS_TO_GERMANY,),
    "languages": (SPEAKS_GERMAN,),
    "experience": (SAME_SECTOR,),
    "product": (SAME_SECTOR,),
    "organisation": (SAME_SECTOR,),
    "finance": (SAME_SECTOR,),
    "pricing": (EXPORTS_TO_GERMANY,),
    "digital": (EXPORTS_TO_GERMANY,),
}
# Words in a board topic's name that mean it covers a gap's theme.
TOPIC_WORDS: dict[str, tuple[str, ...]] = {
    "market": ("germania", "mercato", "fiere", "distribu"),
    "pricing": ("incoterm", "prezz", "logistic", "dogan"),
    "product": ("certific", "marcatura", "etichett", "normativ"),
    "languages": ("lingu", "tedesco"),
    "digital": ("digital", "web", "e-commerce", "marketing"),
    "finance": ("finanz", "credito", "assicura", "pagament"),
    "organisation": ("organizz", "export manager", "personale"),
    "experience": ("esperienz", "primo ordine"),
}
# One bit per gap code a mentor can cover; codes outside these are never covered.
CODE_BITS: dict[str, int] = {
    code: 1 << n for n, code in enumerate(sorted({*MENTOR_RULES, *TOPIC_WORDS}))
}
# The codes a mentor of the reader's own sector covers for that alone.
SAME_SECTOR_MASK = sum(
    bit for code, bit in CODE_BITS.items() if SAME_SECTOR in MENTOR_RULES.get(code, ())
)

# What a firm's save may change here; any other field leaves the table as it is.
FIRM_FIELDS = frozenset(
    {"name", "sector", "sector_id", "status", "is_mentor", "target_markets", "languages"}
)
POST_FIELDS = frozenset({"kind", "is_hidden", "deleted_at", "author_firm", "author_firm_id"})


class MentorCandidate(NamedTuple):
    pk: int
    name: str
    sector_id: int | None
    sector: str  # str() of the sector in the table's language, as the reasons print it
    exports_to_germany: bool
    speaks_german: bool
    topics: tuple[str, ...]  # its experience posts' topics, in the database's order of names
    static_mask: int  # CODE_BITS covered without counting the sector


def topic_hits(topics: tuple[str, ...], code: str) -> list[str]:
    """The topics that name the theme of the gap `code`."""
    words = TOPIC_WORDS.get(code, ())
    return [t for t in topics if any(w in t.lower() for w in words)]


def facts(candidate: MentorCandidate, *, same_sector: bool) -> dict[str, bool]:
    return {
        SAME_SECTOR: same_sector,
        EXPORTS_TO_GERMANY: candidate.exports_to_germany,
        SPEAKS_GERMAN: candidate.speaks_german,
    }


def _exports_to_germany(target_markets: list[str] | None, profile_markets: str | None) -> bool:
    if Firm.Market.DE in (target_markets or []):
        return True
    markets = (profile_markets or "").lower()
    return any(word in markets for word in ("german", "deutsch", "germania"))


def _static_mask(exports: bool, speaks: bool, topics: tuple[str, ...]) -> int:
    known = {SAME_SECTOR: False, EXPORTS_TO_GERMANY: exports, SPEAKS_GERMAN: speaks}
    mask = 0
    for code, bit in CODE_BITS.items():
        if any(known[need] for need in MENTOR_RULES.get(code, ())) or topic_hits(topics, code):
            mask |= bit
    return mask


def build_table() -> list[MentorCandidate]:
    """The approved mentor firms by name (then pk), from the database: three queries (mentors,
    their topics, sector names), whatever the number of posts."""
    rows = list(
        Firm.objects.filter(status=Firm.Status.APPROVED, is_mentor=True)
        .order_by("name", "pk")
        .values_list(
            "pk", "name", "sector_id", "target_markets", "languages", "mentor_profile__markets"
        )
    )
    topics: dict[int, list[str]] = {}
    links = (
        Post.tags.through.objects.filter(
            post__author_firm__status=Firm.Status.APPROVED,
            post__author_firm__is_mentor=True,
            post__kind=Post.Kind.EXPERIENCE,
            post__is_hidden=False,
            post__deleted_at__isnull=True,
            tag__kind=Tag.Kind.TOPIC,
        )
        .values_list("post__author_firm_id", "tag__name")
        .distinct()
        .order_by("post__author_firm_id", "tag__name")
    )
    for firm_id, name in links:
        if name:
            topics.setdefault(firm_id, []).append(name)
    sector_ids = {row[2] for row in rows if row[2] is not None}
    sectors = {s.pk: str(s) for s in Sector.objects.filter(pk__in=sector_ids)} if sector_ids else {}
    table = []
    for pk, name, sector_id, markets, languages, profile_markets in rows:
        exports = _exports_to_germany(markets, profile_markets)
        speaks = Firm.Language.DE in (languages or [])
        firm_topics = tuple(topics.get(pk, ()))
        table.append(
            MentorCandidate(
                pk=pk,
                name=name,
                sector_id=sector_id,
                sector=sectors[sector_id] if sector_id is not None else str(None),
                exports_to_germany=exports,
                speaks_german=speaks,
                topics=firm_topics,
                static_mask=_static_mask(exports, speaks, firm_topics),
            )
        )
    return table


def gaps_mask(codes: list[str]) -> int:
    """The CODE_BITS of these gap codes."""
    mask = 0
    for code in codes:
        mask |= CODE_BITS.get(code, 0)
    return mask


def rank(
    table: list[MentorCandidate], *, sector_id: int | None, gaps: int, count: int
) -> list[MentorCandidate]:
    """The first `count` mentors covering at least one of the `gaps` (a gaps_mask): those of the
    sector `sector_id` first, then those covering more gaps, then by name (then pk: the sort is
    stable and the table is in (name, pk) order)."""
    ranked = []
    for mentor in table:
        same_sector = mentor.sector_id == sector_id
        covered = (mentor.static_mask | (SAME_SECTOR_MASK if same_sector else 0)) & gaps
        if covered:
            ranked.append(((not same_sector, -covered.bit_count(), mentor.name), mentor))
    ranked.sort(key=lambda pair: pair[0])
    return [mentor for _key, mentor in ranked[:count]]


def top_mentors(*, sector_id: int | None, gaps: int, count: int) -> list[MentorCandidate]:
    """`rank` of the table in the active language, kept in Redis per sector and set of gaps
    (a bounded set: sectors x 2^8 gap sets x languages), so a page reads only its few rows: two
    round trips (the version, the ranking), the table's only on a miss."""
    language = get_language() or ""

    def ranking() -> list[MentorCandidate]:
        table = cached(VERSION, f"checkup-mentors:{language}", build_table)
        return rank(table, sector_id=sector_id, gaps=gaps, count=count)

    return cached(VERSION, f"checkup-mentors-top:{language}:{sector_id}:{gaps}:{count}", ranking)


# --- What bumps the version ------------------------------------------------------------------


def _changed(kwargs: dict[str, Any], fields: frozenset[str]) -> bool:
    update_fields = kwargs.get("update_fields")
    return update_fields is None or not fields.isdisjoint(update_fields)


def _on_firm_saved(sender: object, instance: Firm, **kwargs: Any) -> None:
    if _changed(kwargs, FIRM_FIELDS):
        VERSION.bump()


def _on_post_saved(sender: object, instance: Post, **kwargs: Any) -> None:
    # Only experience posts give topics (a question's save leaves the table as it is).
    if instance.kind == Post.Kind.EXPERIENCE and _changed(kwargs, POST_FIELDS):
        VERSION.bump()


def _on_post_deleted(sender: object, instance: Post, **kwargs: Any) -> None:
    if instance.kind == Post.Kind.EXPERIENCE:
        VERSION.bump()


def _on_post_tags_changed(sender: object, instance: Model, action: str, **kwargs: Any) -> None:
    if not action.startswith("post_"):
        return
    if isinstance(instance, Post) and instance.kind != Post.Kind.EXPERIENCE:
        return
    VERSION.bump()


def _on_any_change(sender: object, **kwargs: Any) -> None:
    VERSION.bump()


def watch_mentor_data() -> None:
    """Bump the version on every committed change the table is built from (CheckupConfig.ready)."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    post_save.connect(_on_firm_saved, sender=Firm, weak=False)
    post_delete.connect(_on_any_change, sender=Firm, weak=False)
    post_save.connect(_on_post_saved, sender=Post, weak=False)
    post_delete.connect(_on_post_deleted, sender=Post, weak=False)
    m2m_changed.connect(_on_post_tags_changed, sender=Post.tags.through, weak=False)
    for model in (MentorProfile, Tag, Sector):
        post_save.connect(_on_any_change, sender=model, weak=False)
        post_delete.connect(_on_any_change, sender=model, weak=False)
