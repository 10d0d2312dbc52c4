"""Browser-test helpers (Playwright): form controls by their labels, logging in, the main menu.

Imported by tests/e2e only (it needs Playwright). Paths come from `reverse()`, called when a
helper runs, once Django is set up.
"""

import re
import time
from collections.abc import Callable

from django.urls import reverse
from playwright.sync_api import Locator, Page, expect

from tests.factories import PASSWORD, totp_code


def field(page: Page | Locator, label: str) -> Locator:
    """The form control labelled `label` (Django may add a ':' to labels)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}:?$"))


def path_of(name: str, *args, suffix: str = "") -> re.Pattern[str]:
    """For `expect(page).to_have_url(...)`: the page's URL ends with the path of `name`."""
    return re.compile(re.escape(reverse(name, args=args) + suffix) + "$")


def main_nav(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Navigazione principale")


def log_in(page: Page, email: str, *, url: str | None = None) -> None:
    """Through the login form as a person reads it: its Italian labels and the "Accedi" button.

    `url` is where the person starts (the admin login sends to the same form).
    """
    page.goto(url or reverse("account_login"))
    field(page, "Email").fill(email)
    field(page, "Password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Accedi").click()


def log_in_any_language(page: Page, email: str) -> None:
    """Through the login form by its field names, so it works in every language of the page."""
    page.goto(reverse("account_login"))
    page.locator("main input[name=login]").fill(email)
    page.locator("main input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main form input[name=login]")).to_have_count(0)


def log_in_staff(page: Page, email: str, before_code: Callable[[Page], None] | None = None):
    """Password, then the TOTP code from the staff member's authenticator app (any language)."""
    log_in_any_language(page, email)
    expect(page).to_have_url(re.compile(rf"{re.escape(reverse('mfa_authenticate'))}$"))
    if before_code:
        before_code(page)
    code = totp_code()
    page.locator("input[name=code]").fill(code)
    page.locator("input[name=code]").press("Enter")
    page.wait_for_load_state()
    if page.locator("input[name=code]").count():
        # allauth refuses a code already used (kept in Redis by user id, which a transactional
        # test before this one may have had, with the same secret, in the same 30 s window): as
        # a person would, wait for the app's next code.
        while totp_code() == code:
            time.sleep(1)
        page.locator("input[name=code]").fill(totp_code())
        page.locator("input[name=code]").press("Enter")
    expect(page.locator("input[name=code]")).to_have_count(0)
