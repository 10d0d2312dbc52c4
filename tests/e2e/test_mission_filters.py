"""The mission filters at 1280 px: every label sits above its field on one line with the others,
and the month is a list ("Tutti i mesi", then months by name), not `--------- ----`."""

import pytest
from django.urls import reverse

from tests.factories import member
from tests.support.browser import log_in


@pytest.mark.django_db(transaction=True)
def test_filter_labels_line_up_and_the_month_reads_tutti_i_mesi(page, shot):
    log_in(page, member().email)
    page.goto(reverse("missions:list"))
    form = page.locator("form.filters")
    shot(page, "mission-filters-1280")

    month = form.get_by_label("Mese")
    assert month.evaluate("el => el.tagName") == "SELECT"
    assert month.locator("option:checked").inner_text() == "Tutti i mesi"
    tops, lefts = [], []
    for name in ["Cerca", "Settore", "Destinazione", "Mese", "Stato"]:
        label = form.locator("label", has_text=name).first.bounding_box()
        field = form.get_by_label(name, exact=True).bounding_box()
        # The label above its own field, starting where the field starts.
        assert label["y"] + label["height"] <= field["y"] + 1, (name, label, field)
        assert abs(label["x"] - field["x"]) <= 1, (name, label, field)
        tops.append(round(label["y"]))
        lefts.append(round(field["y"]))
    # One row of labels and one row of fields (1280 px is wide enough for all of them).
    assert len(set(tops)) == 1, tops
    assert len(set(lefts)) == 1, lefts
