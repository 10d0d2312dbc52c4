"""Every key page, in Italian and German, on a desktop and at phone widths (390 and 320 px),
passes axe-core (WCAG 2.2 A/AA) and its CSP, and never scrolls sideways.

One test per language and width builds the Club once and walks the pages with one browser
context per person (visitor, member, staff), so the data and the logins are not rebuilt for
each page; each page is a subtest, so one failing page does not hide the others. Per page:
status 200, the page's language, axe with the WCAG 2.0/2.1/2.2 A and AA rules plus
best-practice (everything is written to axe-<page>.json beside the screenshots; only serious
and critical findings fail), a screenshot (and for a reviewer the desktop and phone pictures
side by side: tests/e2e/screens.py), no Content-Security-Policy violation, and no horizontal
scrolling of the page.
"""

import json

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from tests.e2e.checks import assert_no_serious_violations, run_axe, save_report
from tests.e2e.club_pages import KEY_PAGES, build_club
from tests.e2e.conftest import PHONE
from tests.e2e.screens import save_screen
from tests.support.browser import log_in_any_language, log_in_staff

# Desktop (1280px) in both languages; a phone (390px) and the WCAG 2.1 reflow width (320px,
# SC 1.4.10) in Italian and, for its long words, German at 320px.
VIEWS = [
    pytest.param("it", None, id="it-desktop"),
    pytest.param("de", None, id="de-desktop"),
    pytest.param("it", PHONE, id="it-390"),
    pytest.param("it", 320, id="it-320"),
    pytest.param("de", 320, id="de-320"),
]
SCREENS = {("it", None): "desktop", ("it", PHONE): "phone"}  # tests/e2e/screens.py


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("language", "width"), VIEWS)
def test_key_pages_have_no_serious_accessibility_or_csp_violations(
    language, width, live_server, new_page, shot, csp, subtests, artifacts_dir
):
    club = build_club()
    summary: dict[str, dict[str, int]] = {}

    def audit(page: Page, name: str) -> None:
        assert page.evaluate("() => document.documentElement.lang") == language
        violations = run_axe(page)
        save_report(artifacts_dir / f"axe-{name}.json", page.url, violations)
        summary[name] = {}
        for violation in violations:
            impact = violation["impact"] or "unknown"
            summary[name][impact] = summary[name].get(impact, 0) + len(violation["nodes"])
        shot(page, name)
        if (language, width) in SCREENS:
            save_screen(page, name, SCREENS[(language, width)])
        csp.check(page)
        assert_no_serious_violations(violations, page.url)
        # Nothing wider than the window (at 320px: WCAG 1.4.10 reflow): the page itself never
        # scrolls sideways; a wide table scrolls inside its own box.
        overflow = page.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")
        assert overflow[0] <= overflow[1], f"{name}: the page is {overflow[0]}px wide"

    people: dict[str, Page] = {}

    def person(who: str) -> Page:
        if who not in people:
            page = new_page(language, width=width)
            if who == "member":
                log_in_any_language(page, club.owner.email)
            elif who == "staff":

                def check_code_page(code_page: Page) -> None:
                    with subtests.test(msg="staff-two-factor"):
                        audit(code_page, "staff-two-factor")

                log_in_staff(page, club.staff.email, before_code=check_code_page)
            people[who] = page
        return people[who]

    for key_page in KEY_PAGES:
        with subtests.test(msg=key_page.name):
            page = person(key_page.who)
            response = page.goto(key_page.path(club))
            assert response is not None
            assert response.status == 200, f"{key_page.name}: HTTP {response.status}"
            if key_page.state:
                key_page.state(page)
            audit(page, key_page.name)

    (artifacts_dir / "axe-summary.json").write_text(json.dumps(summary, indent=2))
    print(f"axe findings by impact ({language}):", json.dumps(summary))  # shown with -rA / -s


@pytest.mark.django_db(transaction=True)
def test_axe_runs_under_the_csp_which_still_blocks_the_page_and_is_reported(live_server, page, csp):
    response = page.goto(reverse("home"))
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy  # plus a nonce on pages that use one
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy

    # axe arrives by DevTools evaluation, outside the page's CSP: it runs and trips nothing.
    run_axe(page)
    csp.check(page)

    # The page itself still may not add inline styles or scripts; the monitor says so.
    page.evaluate(
        """() => {
          const style = document.createElement('style');
          style.textContent = 'body { color: red }';
          const script = document.createElement('script');
          script.textContent = 'window.inlineScriptRan = true';
          document.head.append(style, script);
        }"""
    )
    for _ in range(40):  # console messages arrive asynchronously
        if len(csp.console) >= 2:
            break
        page.wait_for_timeout(50)
    assert page.evaluate("() => window.inlineScriptRan") is None
    with pytest.raises(AssertionError, match="style-src-elem blocked inline") as failure:
        csp.check(page)
    assert "script-src-elem blocked inline" in str(failure.value)
    assert "console: " in str(failure.value)
