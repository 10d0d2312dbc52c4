"""The portal on a phone (390 x 844, and 320 px wide for WCAG reflow) and on paper.

The header is one row with a menu button; the missions list shows its results before the
filters, folded behind one button; wide tables scroll inside their own box, never the page;
the agenda and the programme print without the site's chrome.
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.e2e.club_pages import build_club
from tests.e2e.conftest import PHONE
from tests.e2e.keyboard import is_focused, tab_to
from tests.support.browser import log_in_any_language, log_in_staff


def box(locator) -> dict:
    result = locator.bounding_box()
    assert result is not None, f"{locator} is not rendered"
    return result


def member_page(new_page, club, width: int | None = PHONE) -> Page:
    page = new_page(width=width)
    log_in_any_language(page, club.owner.email)
    return page


@pytest.mark.django_db(transaction=True)
def test_the_phone_header_is_one_row_and_its_menu_opens_with_the_keyboard(
    live_server, new_page, shot
):
    club = build_club()
    page = member_page(new_page, club)
    page.goto(reverse("my_firm"))
    header = page.locator("header.site-header")
    nav = page.get_by_role("navigation", name="Navigazione principale")
    menu = page.get_by_role("button", name="Menu")

    # One row: the brand and the menu button side by side, the links folded away.
    expect(menu).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(nav.get_by_role("link", name="Bacheca")).to_be_hidden()
    expect(page.get_by_role("combobox", name="Lingua")).to_be_hidden()
    brand, button = box(page.locator("header .brand")), box(menu)
    assert button["y"] < brand["y"] + brand["height"], "the menu button is below the brand"
    assert box(header)["height"] <= 80, f"the header is {box(header)['height']}px high"
    shot(page, "menu-closed")

    # Tab to the button, Enter opens it: the links and the language switch are reachable.
    tab_to(page, menu)
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link", name="Bacheca")).to_be_visible()
    page.keyboard.press("Tab")
    assert is_focused(nav.get_by_role("link", name="Missioni", exact=True))
    expect(page.get_by_role("combobox", name="Lingua")).to_be_visible()
    shot(page, "menu-open")

    # Escape closes it and gives the focus back to the button.
    page.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    assert is_focused(menu)
    expect(nav.get_by_role("link", name="Bacheca")).to_be_hidden()

    # On a desktop nothing is folded: no button, every link in the header row.
    desktop = member_page(new_page, club, width=None)
    desktop.goto(reverse("my_firm"))
    expect(desktop.get_by_role("button", name="Menu")).to_be_hidden()
    expect(
        desktop.get_by_role("navigation", name="Navigazione principale").get_by_role(
            "link", name="Bacheca"
        )
    ).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_on_a_phone_the_missions_list_shows_results_first_with_the_filters_behind_one_button(
    live_server, new_page, shot
):
    club = build_club()
    page = member_page(new_page, club)
    page.goto(reverse("missions:list") + f"?sector={club.lapideo_id}")
    filters = page.get_by_role("search", name="Filtra le missioni")
    toggle = page.get_by_role("button", name="Filtri")
    first_result = page.get_by_role("link", name="Pietra naturale a Dortmund")

    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(filters).to_be_hidden()
    # The results are on the first screen, right under the button.
    assert box(first_result)["y"] + box(first_result)["height"] < page.viewport_size["height"]
    shot(page, "filters-folded")

    tab_to(page, toggle)
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(filters.get_by_role("combobox", name="Settore")).to_be_visible()
    assert box(toggle)["y"] < box(filters)["y"] < box(first_result)["y"]
    shot(page, "filters-open")

    desktop = member_page(new_page, club, width=None)
    desktop.goto(reverse("missions:list"))
    expect(desktop.get_by_role("button", name="Filtri")).to_be_hidden()
    expect(desktop.get_by_role("search", name="Filtra le missioni")).to_be_visible()


def page_overflow(page: Page) -> int:
    """How many pixels the page is wider than the window (a sideways scroll of the page)."""
    return page.evaluate("() => document.scrollingElement.scrollWidth - window.innerWidth")


@pytest.mark.django_db(transaction=True)
def test_at_320px_tables_scroll_in_their_own_named_box_and_forms_fit(live_server, new_page, shot):
    club = build_club()
    page = member_page(new_page, club, width=320)
    pages = {
        "programme": reverse("missions:detail", args=[club.b2b_mission_id]),
        "agenda": reverse("missions:agenda", args=[club.b2b_mission_id]),
        "b2b": reverse("missions:b2b", args=[club.b2b_mission_id]),
        "team": reverse("members:team"),
        "privacy": reverse("privacy:index"),
        "board-form": reverse("board:create") + "?tipo=question",
        "firm-form": reverse("members:firm_edit"),
        "apply-form": reverse("missions:apply", args=[club.open_mission_id]),
    }
    for name, path in pages.items():
        page.goto(path)
        shot(page, name)
        assert page_overflow(page) <= 0, f"{name}: the page scrolls sideways"
        tables = page.locator("main table:not(.visually-hidden)")
        for table in tables.all():
            scroller = table.locator("xpath=..")
            expect(scroller).to_have_attribute("role", "region")
            expect(scroller).to_have_attribute("tabindex", "0")
            expect(scroller).to_have_accessible_name(re.compile(r"\S"))
            assert scroller.evaluate("el => getComputedStyle(el).overflowX") == "auto", name

    # The agenda's table is wider than the phone: it scrolls inside its box, with the keyboard.
    page.goto(pages["agenda"])
    scroller = page.locator("main .table-scroll").first
    assert scroller.evaluate("el => el.scrollWidth > el.clientWidth")
    tab_to(page, scroller)
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    # The arrow keys scroll it (smoothly: wait for the box to move).
    page.wait_for_function("el => el.scrollLeft > 0", arg=scroller.element_handle())
    assert page_overflow(page) <= 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", ["agenda", "missions:detail"])
def test_the_agenda_and_the_programme_print_without_the_sites_chrome(
    name, live_server, new_page, artifacts_dir
):
    club = build_club()
    page = member_page(new_page, club, width=None)
    page.goto(reverse(name if ":" in name else f"missions:{name}", args=[club.b2b_mission_id]))
    page.emulate_media(media="print")

    for chrome in ["header.site-header", "footer.site-footer", ".skip-link"]:
        expect(page.locator(chrome)).to_be_hidden()
    hidden = "main button, main form, main .no-print, main a[href$='.ics']"
    for control in page.locator(hidden).all():
        expect(control).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    table = page.locator("main table").first
    expect(table).to_be_visible()
    # On paper nothing scrolls: the whole table is printed, its header on every page.
    for scroller in page.locator("main .table-scroll").all():
        assert scroller.evaluate("el => getComputedStyle(el).overflowX") == "visible"
    assert table.locator("thead").evaluate("el => getComputedStyle(el).display") == (
        "table-header-group"
    )
    assert page.evaluate("() => getComputedStyle(document.body).backgroundColor") in {
        "rgb(255, 255, 255)",
        "rgba(0, 0, 0, 0)",
    }
    slug = name.replace(":", "-")
    page.pdf(path=str(artifacts_dir / f"{slug}.pdf"))
    page.screenshot(path=str(artifacts_dir / f"{slug}-print.png"), full_page=True)


@pytest.mark.django_db(transaction=True)
def test_after_a_failed_submit_the_error_summary_has_the_focus_and_links_to_the_field(
    live_server, new_page, shot
):
    club = build_club()
    page = member_page(new_page, club)
    page.goto(reverse("missions:apply", args=[club.open_mission_id]))
    expect(page.locator("main .required-legend")).to_have_text("* obbligatorio")
    page.locator("input[name=delegates]").fill("5")
    page.locator("main form button[type=submit]").click()

    summary = page.get_by_role("alert").filter(has_text="Ci sono 2 errori")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    shot(page, "error-summary")
    page.keyboard.press("Tab")
    link = summary.get_by_role("link", name="Numero di delegati")
    assert is_focused(link)
    page.keyboard.press("Enter")
    expect(page.get_by_role("spinbutton", name="Numero di delegati")).to_be_focused()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [PHONE, 320])
def test_on_a_phone_the_journeys_page_shows_its_figures_as_tables_in_named_scroll_boxes(
    width, live_server, new_page, shot
):
    # An 880-unit chart shrunk to a phone has text a few pixels high: the same numbers are
    # shown as a table instead, inside a box that scrolls sideways, never the page.
    club = build_club()
    page = new_page(width=width)
    log_in_staff(page, club.staff.email)
    page.goto(reverse("staff_dashboard:journeys"))
    shot(page, f"journeys-{width}")
    assert page_overflow(page) <= 0
    funnel = page.get_by_role("table", name="Il percorso delle imprese verso l'export")
    assert box(funnel)["width"] > 200, "the funnel's numbers are not shown"
    expect(funnel.get_by_role("row", name=re.compile(r"^Non esportatore 5"))).to_be_visible()
    expect(page.locator("#chart-percorso-imprese svg")).to_be_hidden()
    by_sector = page.get_by_role("region", name="Dati: Il percorso delle imprese per settore")
    expect(by_sector).to_have_attribute("tabindex", "0")
    assert by_sector.evaluate("el => getComputedStyle(el).overflowX") == "auto"
    assert by_sector.evaluate("el => el.scrollWidth > el.clientWidth"), "nothing to scroll"
    # The staff's overrides: a table in its own named box, not named like its section.
    overrides = page.get_by_role("region", name=re.compile("fase impostata a mano"))
    expect(overrides.get_by_role("cell", name="Officine Meccaniche Adda S.r.l.")).to_be_attached()

    # On a desktop the charts are drawn.
    desktop = new_page(width=None)
    desktop.context.add_cookies(page.context.cookies())
    desktop.goto(reverse("staff_dashboard:journeys"))
    expect(desktop.locator("#chart-percorso-imprese svg")).to_be_visible()
