"""Small helpers for asserting on rendered pages."""

import re


def main_of(html: str) -> str:
    """The page's <main> element: what differs from page to page (the header holds the logout
    form, whose CSRF token is masked anew at every response)."""
    match = re.search(r"<main\b.*?</main>", html, re.S)
    assert match, "no <main> in the page"
    return match.group(0)


def cards(html: str) -> list[str]:
    """The list cards of a page (`<li class="card">…</li>`), in page order."""
    return re.findall(r'<li class="card">.*?</li>', html, re.S)


def card_of(html: str, text: str) -> str:
    """The one card that contains `text` (a firm's or a mission's name, …)."""
    found = [card for card in cards(html) if text in card]
    assert len(found) == 1, f"{len(found)} cards contain {text!r}"
    return found[0]
