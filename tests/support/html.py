"""Small helpers for asserting on rendered pages."""

import re


def main_of(html: str) -> str:
    """The page's <main> element: what differs from page to page (the header holds the logout
    form, whose CSRF token is masked anew at every response)."""
    match = re.search(r"<main\b.*?</main>", html, re.S)
    assert match, "no <main> in the page"
    return match.group(0)
