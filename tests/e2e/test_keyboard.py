"""Keyboard-only use: every key page, and two journeys done without the mouse.

The page test walks each key page (see club_pages.KEY_PAGES) with Tab: the first stop is a
working "skip to content" link, every visible enabled control is reached, and every stop shows
a focus indicator. The journeys use only Tab, Shift+Tab, Enter, Space, arrow keys and typing:
no click, no fill, no programmatic focus. Locators only check where the focus is.
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from board.models import Comment
from missions.models import Application
from tests.e2e.club_pages import KEY_PAGES, OWN_FIRM, build_club
from tests.e2e.conftest import PHONE
from tests.e2e.keyboard import choose_option, install_probe, is_focused, tab_to, walk
from tests.factories import PASSWORD
from tests.support.browser import log_in_any_language, log_in_staff


def check_skip_link(page: Page) -> None:
    """From the top of a freshly loaded page: Tab, then Enter on the skip link, then Tab."""
    page.keyboard.press("Tab")
    first = page.evaluate(
        """() => { const el = document.activeElement, r = el.getBoundingClientRect();
          return { tag: el.tagName, href: el.getAttribute('href'), text: el.textContent.trim(),
                   visible: r.width > 1 && r.height > 1 && r.left >= 0 && r.top >= 0 } }"""
    )
    assert first["tag"] == "A", f"first Tab stop: {first}"
    assert first["href"] == "#main", f"first Tab stop: {first}"
    assert first["visible"], f"the skip link is focused but not visible: {first}"
    assert first["text"], "the skip link has no text"
    page.keyboard.press("Enter")
    assert page.evaluate("() => location.hash") == "#main"
    # The next Tab goes on from the start of <main>: to its first control, or past it (the
    # footer, or round to the top) on a page whose main content has none.
    expected = page.evaluate(
        """() => {
          const main = document.getElementById('main');
          const after = (el) => main.contains(el)
            || (main.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING);
          // A table's scroll box (tabindex="0") is a Tab stop of its own.
          const focusable = 'a[href], button, input, select, textarea, [tabindex="0"]';
          const next = [...document.querySelectorAll(focusable)]
            .find((el) => after(el) && el.type !== 'hidden' && el.getClientRects().length);
          return next ? next.outerHTML.slice(0, 80) : null;
        }"""
    )
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.outerHTML.slice(0, 80)")
    if expected:
        assert focused == expected, f"after the skip link Tab went to {focused}, not {expected}"


# Desktop in both languages; a phone (390px) and the WCAG reflow width (320px) in Italian.
VIEWS = [
    pytest.param("it", None, id="it-desktop"),
    pytest.param("de", None, id="de-desktop"),
    pytest.param("it", PHONE, id="it-390"),
    pytest.param("it", 320, id="it-320"),
]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("language", "width"), VIEWS)
def test_every_key_page_can_be_used_with_the_keyboard_alone(
    language, width, live_server, new_page, subtests
):
    club = build_club()
    people: dict[str, Page] = {}

    def person(who: str) -> Page:
        if who not in people:
            page = new_page(language, width=width)
            if who == "member":
                log_in_any_language(page, club.owner.email)
            elif who == "staff":
                log_in_staff(page, club.staff.email)
            people[who] = page
        return people[who]

    for key_page in KEY_PAGES:
        with subtests.test(msg=key_page.name):
            page = person(key_page.who)
            response = page.goto(key_page.path(club))
            assert response is not None
            assert response.status == 200, f"{key_page.name}: HTTP {response.status}"
            check_skip_link(page)
            if key_page.state:
                key_page.state(page)
            result = walk(page)
            if result.problems():
                # One more round from where the first ended: on a loaded CI machine a stop was
                # seen missed once (the skip link, reached in every other run). A real gap is
                # missing from both rounds and fails below.
                result = walk(page)
            assert result.stops, "Tab reached nothing"
            assert not result.problems(), f"{key_page.name} ({page.url}):\n{result.problems()}"


@pytest.mark.django_db(transaction=True)
def test_firm_logs_in_and_applies_to_a_mission_with_the_keyboard_only(live_server, page, shot):
    club = build_club()
    keys = page.keyboard

    # Log in: Tab to the email field, type, Tab to the password, type, Enter submits.
    page.goto(reverse("account_login"))
    tab_to(page, page.get_by_role("textbox", name="Email"))
    keys.type(club.owner.email)
    keys.press("Tab")
    keys.type(PASSWORD)
    keys.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("La mia impresa")

    # The main menu, then the sector filter: a <select> moved with the arrow keys.
    nav = page.get_by_role("navigation", name="Navigazione principale")
    tab_to(page, nav.get_by_role("link", name="Missioni", exact=True))
    keys.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Missioni in Germania")
    sector = page.get_by_role("combobox", name="Settore")
    tab_to(page, sector)
    choose_option(page, sector, "Lapideo")
    tab_to(page, page.get_by_role("button", name="Filtra"))
    keys.press("Enter")
    expect(page).to_have_url(re.compile(rf"sector={club.lapideo_id}"))
    shot(page, "missions-filtered")

    tab_to(page, page.get_by_role("link", name="Pietra naturale a Dortmund"))
    keys.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Pietra naturale a Dortmund")
    tab_to(page, page.get_by_role("link", name="Candida la tua impresa"))
    keys.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Candida la tua impresa")

    # The form: too many delegates first (the server refuses), then corrected with Shift+Tab.
    delegates = page.get_by_role("spinbutton", name="Numero di delegati")
    tab_to(page, delegates)
    keys.press("Control+A")
    keys.type("5")
    keys.press("Tab")
    keys.type("Serizzo e granito per facciate ventilate.")
    interpreter = page.get_by_role("combobox", name="Vi serve un interprete?")
    tab_to(page, interpreter)
    choose_option(page, interpreter, "Sì")
    keys.press("Tab")
    keys.type("Tre lastre campione")
    tab_to(page, page.get_by_role("button", name="Invia la candidatura"))
    keys.press("Enter")
    expect(page.locator("#id_delegates_error")).to_contain_text("minore o uguale a 2")
    assert not Application.objects.filter(firm=club.firm, mission_id=club.open_mission_id).exists()
    shot(page, "too-many-delegates")

    # The error page keeps the answers; fix the number from the submit button with Shift+Tab.
    tab_to(page, page.get_by_role("button", name="Invia la candidatura"))
    tab_to(page, delegates, backwards=True)
    keys.press("Control+A")
    keys.type("2")
    tab_to(page, page.get_by_role("button", name="Invia la candidatura"))
    keys.press("Space")  # a button also works with Space
    expect(page.get_by_role("status")).to_contain_text("Candidatura inviata: Lista d'attesa.")
    application = Application.objects.get(firm=club.firm, mission_id=club.open_mission_id)
    assert application.delegates == 2
    assert application.status == Application.Status.WAITLISTED
    assert "Serizzo" in application.note
    assert sorted(application.answers.values()) == ["Tre lastre campione", "sì"]
    shot(page, "applied")


@pytest.mark.django_db(transaction=True)
def test_member_comments_and_replies_on_the_board_with_the_keyboard_only(live_server, page, shot):
    club = build_club()
    keys = page.keyboard
    log_in_any_language(page, club.owner.email)

    nav = page.get_by_role("navigation", name="Navigazione principale")
    tab_to(page, nav.get_by_role("link", name="Bacheca", exact=True))
    keys.press("Enter")
    tab_to(page, page.get_by_role("link", name="Quanto costa una fiera a Monaco?"))
    keys.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Quanto costa una fiera a Monaco?")

    # A new comment: Tab to the text area, type, Tab to "Commenta", Enter.
    tab_to(page, page.get_by_role("textbox", name="Il tuo commento"))
    keys.type("Noi abbiamo speso meno con uno stand condiviso.")
    keys.press("Tab")
    assert is_focused(page.get_by_role("button", name="Commenta"))
    keys.press("Enter")
    expect(page).to_have_url(re.compile(r"#comment-\d+$"))
    comment = Comment.objects.get(body__startswith="Noi abbiamo speso meno")
    expect(page).to_have_url(re.compile(rf"#comment-{comment.pk}$"))
    assert comment.author == club.owner
    shot(page, "commented")

    # A reply: the "Rispondi" disclosure opens with Enter, then its text area and button.
    answer = Comment.objects.get(post_id=club.question_id, body__startswith="Contate")
    card = page.locator(f"#comment-{answer.pk}")
    tab_to(page, card.locator("summary"))
    keys.press("Enter")
    reply_box = card.get_by_role("textbox", name="La tua risposta")
    expect(reply_box).to_be_visible()
    keys.press("Tab")
    assert is_focused(reply_box)
    keys.type("Lo stand condiviso si prenota con la Camera?")
    keys.press("Tab")
    keys.press("Space")
    expect(page.get_by_text("Lo stand condiviso si prenota con la Camera?")).to_be_visible()
    reply = Comment.objects.get(parent=answer, body__startswith="Lo stand condiviso")
    expect(page).to_have_url(re.compile(rf"#comment-{reply.pk}$"))
    expect(page.locator(f"#comment-{reply.pk}")).to_contain_text(OWN_FIRM)
    shot(page, "replied")

    # The language menu in the header: arrows pick Deutsch, Tab to "Cambia", Enter.
    language = page.get_by_role("combobox", name="Lingua")
    tab_to(page, language, backwards=True)
    choose_option(page, language, "Deutsch")
    keys.press("Tab")
    keys.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_role("heading", level=1)).to_have_text("Quanto costa una fiera a Monaco?")
    expect(page.get_by_role("heading", name="Kommentare")).to_be_visible()
    shot(page, "german")


@pytest.mark.django_db(transaction=True)
def test_the_walk_reports_a_focused_control_hidden_under_a_sticky_header(live_server, page):
    # The check of WCAG 2.4.11 itself: pin the header over the page, put a link under it.
    page.goto(reverse("home"))
    page.evaluate(
        """() => {
          const header = document.querySelector('header');
          Object.assign(header.style, { position: 'fixed', top: '0', left: '0', right: '0',
                                        height: '200px', zIndex: '5' });
          const link = document.querySelector('main a[href]');
          link.focus({ preventScroll: true });
          window.scrollTo(0, link.getBoundingClientRect().top + window.scrollY - 50);
        }"""
    )
    install_probe(page)
    stop = page.evaluate("() => window.__kbd.focus()")
    assert stop["obscuredBy"], stop
    assert stop["obscuredBy"].startswith("<header")
