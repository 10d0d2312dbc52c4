"""A firm's owner takes the export check-up, page by page, and sees the radar chart and the gaps;
on a desktop and on a phone (390 px)."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from checkup.models import CheckUp
from tests.e2e.conftest import PHONE
from tests.factories import member
from tests.support.browser import log_in, path_of
from tests.support.checkup import published_questionnaire

FIRM = "Graniti Val Masino S.r.l."


def _answer_page(page: Page, best: bool) -> None:
    questions = page.locator("main fieldset.checkup-question")
    expect(questions).to_have_count(3)
    for index in range(3):
        radios = questions.nth(index).locator("input[type=radio]")
        (radios.last if best else radios.first).check()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [None, PHONE], ids=["desktop", "phone"])
def test_a_firm_completes_the_check_up_and_sees_its_radar_and_gaps(
    live_server, new_page, shot, width
):
    questionnaire = published_questionnaire()
    names = [d.name for d in questionnaire.dimensions.all()]
    owner = member(name=FIRM)
    page = new_page(width=width)

    log_in(page, owner.email)
    page.goto(reverse("my_firm"))
    card = page.get_by_role("region", name="Check-up export")
    expect(card).to_contain_text("Dieci minuti")
    card.get_by_role("link", name="Fai il check-up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check-up export")
    shot(page, "checkup-intro")
    page.get_by_role("button", name="Inizia il check-up").click()

    # One page per dimension, with the progress; strong areas get the best answers, the others
    # the weakest, so the gaps are known.
    for number, name in enumerate(names, start=1):
        expect(page.get_by_role("heading", level=1)).to_have_text(name)
        expect(page.get_by_text(f"Pagina {number} di {len(names)}")).to_be_visible()
        _answer_page(page, best=number % 2 == 1)
        if number == 1:
            shot(page, "checkup-first-page")
        if number == 2:
            # Back and forward: the answers of the first page were saved.
            page.get_by_role("button", name="Indietro").click()
            expect(page.get_by_role("heading", level=1)).to_have_text(names[0])
            checked = page.locator("main fieldset.checkup-question input[type=radio]:checked")
            expect(checked).to_have_count(3)
            page.get_by_role("button", name="Avanti").click()
            expect(page.get_by_role("heading", level=1)).to_have_text(names[1])
            _answer_page(page, best=False)
        if number == len(names):
            page.get_by_role("button", name="Concludi e vedi il risultato").click()
        else:
            page.get_by_role("button", name="Avanti").click()

    checkup = CheckUp.objects.get(firm__name=FIRM)
    expect(page).to_have_url(path_of("checkup:result", checkup.pk))
    expect(page.get_by_role("heading", level=1)).to_have_text("Risultato del check-up export")
    radar = page.get_by_role("img", name=re.compile("profilo di esportazione"))
    expect(radar).to_be_visible()
    # Every axis carries its name and its score as text (readable without colour).
    for name in names:
        expect(radar).to_contain_text(name)
    table = page.get_by_role("table", name="Punteggi per area, da 0 a 100")
    expect(table.get_by_role("row")).to_have_count(len(names) + 1)
    expect(table.get_by_role("row", name=re.compile(names[1]))).to_contain_text("da migliorare")
    gaps = page.get_by_role("region", name="Le lacune e cosa fare")
    for name in names[1::2]:  # the weak areas
        expect(gaps.get_by_role("heading", name=re.compile(re.escape(name)))).to_be_visible()
    expect(gaps).to_contain_text("LUCID")  # the product area's advice, in words
    shot(page, "checkup-result")

    # La mia impresa shows the score and links to the result.
    page.goto(reverse("my_firm"))
    card = page.get_by_role("region", name="Check-up export")
    expect(card).to_contain_text(f"{checkup.overall} su 100")
    card.get_by_role("link", name="Vedi il risultato").click()
    expect(page).to_have_url(path_of("checkup:result", checkup.pk))
