"""Markdown rendering for mentor-board posts and comments.

Pure module (no Django imports, no I/O, deterministic): user-written Markdown goes in, safe
HTML comes out. Two independent layers protect the page:

1. markdown-it-py (CommonMark + tables + strikethrough) with ``html=False``: raw HTML in the
   source is *escaped* and shown as text, never passed through. Its link validator already
   refuses ``javascript:``, ``vbscript:``, ``file:`` and ``data:`` destinations.
2. nh3 (ammonia) cleans the result against the explicit allow-lists below, so even a bug or a
   future option change in the Markdown layer cannot smuggle in scripts, event handlers,
   ``style`` attributes, images or dangerous URL schemes.

Headings are shifted down one level (``#`` -> ``<h2>``, ``##`` -> ``<h3>``, ``###`` and
deeper -> ``<h4>``) so a post never outranks the page title. Images are not rendered at all
(a post must not make readers' browsers load third-party resources): ``![alt](url)`` is shown
as ``!`` followed by an ordinary link to ``url``.
"""

import html
import re

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

#: Tags that may appear in rendered output. Anything else is removed by nh3 (its text kept).
#: ``h1`` is deliberately absent: the renderer never emits it (see module docstring).
ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "p",
        "br",
        "hr",
        "h2",
        "h3",
        "h4",
        "strong",
        "em",
        "del",
        "s",
        "code",
        "pre",
        "blockquote",
        "ul",
        "ol",
        "li",
        "a",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    }
)

#: Attributes allowed per tag; every other attribute (``on*``, ``style``, ``class``, ``id``...)
#: is dropped. ``rel`` on links is not user-controllable: nh3 always sets it to ``LINK_REL``.
#: Values are further restricted by ``_filter_attribute``: ``th``/``td`` ``align`` must be
#: left/center/right and ``ol`` ``start`` must be a plain non-negative integer.
ALLOWED_ATTRIBUTES: dict[str, frozenset[str]] = {
    "a": frozenset({"href", "title"}),
    "ol": frozenset({"start"}),
    "th": frozenset({"align"}),
    "td": frozenset({"align"}),
}

#: The only URL schemes a link may use. Scheme-less (relative, ``#fragment``) URLs are kept.
URL_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto"})

#: ``rel`` forced onto every link: no SEO endorsement, no ``window.opener``, no referrer.
LINK_REL = "nofollow noopener noreferrer"

_ALIGN_VALUES = frozenset({"left", "center", "right"})
_ALIGN_STYLE = re.compile(r"text-align:(left|center|right)")
_DIGITS = re.compile(r"[0-9]{1,9}")
_URL_CONTROL = re.compile(r"[\x00-\x20\x7f-\x9f]")  # controls, space, DEL, C1 controls
_HEADING_TAGS = {1: "h2", 2: "h3"}  # everything deeper becomes h4


def _shift_headings(state: StateCore) -> None:
    """Core rule: h1 -> h2, h2 -> h3, h3..h6 -> h4."""
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            level = int(token.tag[1])
            token.tag = _HEADING_TAGS.get(level, "h4")


def _align_attribute(state: StateCore) -> None:
    """Core rule: table cells get ``align="..."`` instead of ``style="text-align:..."``.

    ``style`` is never allowed through the sanitizer, so alignment is carried by the
    (value-checked) ``align`` attribute instead.
    """
    for token in state.tokens:
        if token.type in ("th_open", "td_open"):
            style = token.attrs.pop("style", None)
            match = _ALIGN_STYLE.fullmatch(str(style)) if style is not None else None
            if match:
                token.attrs["align"] = match.group(1)


def _build_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.disable("image")
    md.core.ruler.push("board_shift_headings", _shift_headings)
    md.core.ruler.push("board_align_attribute", _align_attribute)
    return md


_md = _build_parser()


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Value checks for attributes nh3 cannot restrict on its own (None drops it)."""
    if attribute == "align":
        return value if value in _ALIGN_VALUES else None
    if tag == "ol" and attribute == "start":
        return value if _DIGITS.fullmatch(value) else None
    if attribute == "href" and _URL_CONTROL.search(value):
        # Browsers ignore some control characters in URLs; markdown-it percent-encodes them,
        # so a raw one can only come from hand-made HTML: drop the link target outright.
        return None
    return value


def _clean(unsafe_html: str) -> str:
    return nh3.clean(
        unsafe_html,
        tags=ALLOWED_TAGS,
        clean_content_tags=frozenset({"script", "style"}),
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_filter_attribute,
        strip_comments=True,
        link_rel=LINK_REL,
        url_schemes=URL_SCHEMES,
    )


_SURROGATES = re.compile("[\ud800-\udfff]")


def render(text: str) -> str:
    """Render user Markdown to sanitized HTML, safe to mark as safe in a template."""
    # Lone surrogates (possible via JSON "\\ud800" escapes) cannot be encoded for nh3.
    return _clean(_md.render(_SURROGATES.sub("\ufffd", text or "")))


_BLANK_LINES = re.compile(r"\n{3,}")


def plain_text(text: str) -> str:
    """The rendered text without any markup (search indexing, email previews).

    The result is PLAIN TEXT, not HTML: entities are unescaped, so a post that talks about
    ``<script>`` yields the characters ``<script>``. Escape it again wherever it ends up in
    HTML (Django's autoescaping does this); never mark it safe.
    """
    stripped = nh3.clean(render(text), tags=set(), strip_comments=True)
    lines = (line.rstrip() for line in html.unescape(stripped).splitlines())
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
