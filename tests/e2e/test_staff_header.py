"""The staff's header at 1280 px: the language switch stays on the header's one row (issue 16),
in every language (German labels are the longest). Screenshots: test-artifacts/e2e/<test>/."""

import pytest
from django.urls import reverse

from tests.factories import StaffFactory
from tests.support.browser import log_in_any_language, log_in_staff


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["it", "de", "en"])
def test_the_language_switch_stays_on_the_header_row_for_staff(language, new_page, shot):
    staff = StaffFactory(first_name="Giulia", last_name="Staff")
    page = new_page(language)
    log_in_staff(page, staff.email)
    page.goto(reverse("staff_dashboard:index"))
    assert page.viewport_size == {"width": 1280, "height": 900}

    brand = page.locator(".site-header .brand").bounding_box()
    switch = page.locator(".site-header .lang-switch").bounding_box()
    nav = page.locator(".site-header .main-nav").bounding_box()
    shot(page, f"staff-dashboard-1280-{language}")

    # One row: the switch starts above the brand's bottom edge, right of the navigation.
    assert switch["y"] < brand["y"] + brand["height"], (brand, switch)
    assert switch["x"] >= nav["x"] + nav["width"] - 1, (nav, switch)
    if language != "de":  # German's long labels may take two lines, inside the menu's box
        assert nav["height"] <= brand["height"] + 2, (brand, nav)


@pytest.mark.django_db(transaction=True)
def test_the_language_switch_stays_on_the_header_row_for_a_firm_user(new_page, shot):
    from tests.factories import member

    person = member()
    page = new_page("de")
    log_in_any_language(page, person.email)
    page.goto(reverse("my_firm"))
    brand = page.locator(".site-header .brand").bounding_box()
    switch = page.locator(".site-header .lang-switch").bounding_box()
    shot(page, "firm-user-1280-de")

    assert switch["y"] < brand["y"] + brand["height"], (brand, switch)
