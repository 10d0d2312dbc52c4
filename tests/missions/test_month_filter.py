"""The month filter is a list of months by name with "Tutti i mesi" first (issue 16)."""

import re

import pytest
from django.urls import reverse

from tests.support.clients import login

pytestmark = pytest.mark.django_db


def month_select(html: str) -> str:
    match = re.search(r'<select name="month"[^>]*>.*?</select>', html, re.S)
    assert match, "no month list"
    return match.group(0)


def test_the_month_is_a_list_with_tutti_i_mesi_first(owner):
    html = login(owner).get(reverse("missions:list")).content.decode()

    select = month_select(html)
    assert 'type="month"' not in html
    assert re.search(r'<option value="" selected>Tutti i mesi</option>', select)
    assert len(re.findall(r'<option value="\d{4}-\d{2}"', select)) == 25


def test_a_month_from_an_old_link_stays_chosen(owner):
    html = login(owner).get(reverse("missions:list"), {"month": "2031-05"}).content.decode()

    assert '<option value="2031-05" selected>Maggio 2031</option>' in month_select(html)


def test_a_bad_month_is_a_clear_error_not_a_500(owner):
    response = login(owner).get(reverse("missions:list"), {"month": "2026-13"})

    assert response.status_code == 200
    assert "Indica un mese valido" in response.content.decode()
