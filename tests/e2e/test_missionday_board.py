"""The live staff board in a browser, on a phone (390 px) and a desktop: staff open the board of
today's B2B session; a check-in made at the entrance appears after the next poll without a
reload (and without taking the keyboard focus away); staff mark a no-show; the freed table offers
the meeting that waits, both sides present; "Assegna" places it and the cell shows it. Axe and
the keyboard at 390 and 320 px. Screenshots: test-artifacts/e2e/<test>/."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from missionday.views import board as board_views
from missions.models import Meeting
from tests.e2e.checks import assert_no_serious_violations, run_axe, save_report
from tests.e2e.conftest import PHONE
from tests.e2e.keyboard import is_focused, walk
from tests.factories import StaffFactory
from tests.missionday.board_setup import accepted, check_in, mission_today, place
from tests.support.browser import log_in_staff

POLL_MS = 15_000  # the page polls every second here (patched below): a few polls at most


@pytest.fixture
def fast_poll(monkeypatch):
    monkeypatch.setattr(board_views, "POLL_SECONDS", 1)


def _open_board(new_page, day, width) -> Page:
    staff_member = StaffFactory(email=f"giornata{width or 1280}@so.camcom.it")
    page = new_page("it", width=width)
    log_in_staff(page, staff_member.email)
    page.goto(reverse("missionday:board", args=[day.mission.pk]))
    page.get_by_role("link", name="Incontri B2B").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tabellone")
    return page


def page_overflow(page: Page) -> int:
    return page.evaluate("() => document.scrollingElement.scrollWidth - window.innerWidth")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [PHONE, None], ids=["phone", "desktop"])
def test_staff_mark_a_no_show_and_give_the_freed_table_to_the_meeting_that_waits(
    width, live_server, new_page, shot, fast_poll
):
    day = mission_today()
    slot, later = day.slots[4], day.slots[5]
    gone = place(accepted(day, day.firms[0], day.partners[0]), slot, 1)
    other = place(accepted(day, day.firms[2], day.partners[1]), later, 1)
    waiting = accepted(day, day.firms[1], day.partners[0], priority=5)
    check_in(day, firm=day.firms[1])  # the waiting firm is here, its partner not yet

    page = _open_board(new_page, day, width)
    cell = page.locator(f"#cell-s{slot.pk}-t1")
    expect(cell).to_contain_text("in attesa")
    expect(cell).to_contain_text("Graniti Valmasino ↔ Naturstein Import GmbH")
    expect(cell).to_contain_text("partner non arrivato")
    expect(page.locator("[data-board-updated]")).to_contain_text("aggiornato alle")
    if width == PHONE:
        assert page_overflow(page) <= 0
        expect(cell.locator(".cell-table")).to_be_visible()  # "Tavolo 1" written in the block
    shot(page, "board-opened")

    # The partner's contact checks in at the entrance (another phone): the next poll shows it,
    # no reload, and the button staff were on keeps the keyboard focus.
    page.evaluate("() => { window.__sameDocument = true; }")
    focused = page.locator(f"#noshow-partner-{other.pk}")
    focused.focus()
    check_in(day, partner=day.partners[0])
    expect(cell).to_contain_text("✓ partner presente", timeout=POLL_MS)
    expect(page.locator("[data-board-part=counts]")).to_contain_text(
        re.compile(r"In attesa di un tavolo\s*1")
    )
    assert page.evaluate("() => window.__sameDocument === true")
    assert is_focused(focused)
    shot(page, "partner-checked-in")

    # Offline: the notice says so; back online, it goes away on the next poll.
    page.context.set_offline(True)
    expect(page.locator("[data-board-offline]")).to_be_visible(timeout=POLL_MS)
    shot(page, "offline")
    page.context.set_offline(False)
    expect(page.locator("[data-board-offline]")).to_be_hidden(timeout=POLL_MS)

    # The firm never came: staff mark it absent; the freed table offers the meeting that waits.
    cell.get_by_role("button", name=re.compile("Segna assente l'impresa")).click()
    expect(page.get_by_role("status").first).to_contain_text("Assenza registrata")
    cell = page.locator(f"#cell-s{slot.pk}-t1")
    expect(cell).to_contain_text("assente: L'impresa")
    offer = cell.get_by_label("In attesa, entrambi presenti")
    expect(offer.locator("option")).to_have_text(
        [re.compile(r"Serizzo Spa ↔ Naturstein Import GmbH \(priorità 5\)")]
    )
    shot(page, "no-show-marked-offer")

    cell.get_by_role("button", name="Assegna").click()
    expect(page.get_by_role("status").first).to_contain_text("li abbiamo avvisati")
    cell = page.locator(f"#cell-s{slot.pk}-t1")
    expect(cell).to_contain_text("Serizzo Spa ↔ Naturstein Import GmbH")
    expect(cell).to_contain_text("entrambi presenti")
    shot(page, "assigned")
    waiting.refresh_from_db()
    assert (waiting.slot_id, waiting.table) == (slot.pk, 1)
    assert Meeting.objects.get(pk=gone.pk).attendance == "no_show"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [PHONE, 320])
def test_the_board_passes_axe_and_the_keyboard_at_phone_widths(
    width, live_server, new_page, shot, csp, artifacts_dir
):
    day = mission_today()
    now_slot = day.slots[2]
    place(accepted(day, day.firms[0], day.partners[0]), now_slot, 1)
    gone = place(accepted(day, day.firms[1], day.partners[1]), day.slots[4], 1)
    Meeting.objects.filter(pk=gone.pk).update(attendance="no_show", absent="partner")
    accepted(day, day.firms[2], day.partners[0])
    for firm in day.firms:
        check_in(day, firm=firm)
    check_in(day, partner=day.partners[0])

    page = _open_board(new_page, day, width)
    expect(page.locator(f"#cell-s{now_slot.pk}-t1")).to_contain_text("in corso")
    shot(page, f"board-{width}")
    assert page_overflow(page) <= 0, "the board scrolls sideways"
    violations = run_axe(page)
    save_report(artifacts_dir / f"axe-board-{width}.json", page.url, violations)
    csp.check(page)
    assert_no_serious_violations(violations, page.url)
    result = walk(page)
    if result.problems():
        result = walk(page)  # once more on a loaded machine (see tests/e2e/test_keyboard.py)
    assert result.stops
    assert not result.problems(), result.problems()
