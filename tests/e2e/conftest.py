"""Browser (Playwright) tests: a real Chromium against pytest-django's `live_server`.

Fixtures:
- `browser`: one headless Chromium for the whole session (the Debian package, /usr/bin/chromium;
  `playwright install` is not used).
- `new_page()`: a fresh context + page (Italian, 1280x900, base_url = live server); call it
  again for a second person (e.g. staff) in the same test. `page` is the first one.
- `shot(page, "step")`: screenshot to test-artifacts/e2e/<test>/<NN>-<step>.png.
- `csp`: the test's `checks.CspMonitor`. Every page that `new_page` makes records Content-Security-
  Policy violations (events and console messages); a test that passed fails at teardown if any
  page had one. `csp.check(page)` asserts it at a given step (the axe test does, per page).

Without Chromium every test here is skipped with one line, except with CI=true, where they fail:
CI must install it (apt-get install chromium). CHROMIUM_PATH=/path/to/chrome picks another binary.
"""

import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.e2e.checks import CspMonitor

# Playwright's sync API runs an event loop in the main thread; Django would then refuse the ORM
# calls of the tests (SynchronousOnlyOperation). The live server runs in its own thread.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

E2E_DIR = Path(__file__).resolve().parent
ARTIFACTS_DIR = E2E_DIR.parents[1] / "test-artifacts" / "e2e"
DEFAULT_TIMEOUT_MS = 10_000
VIEWPORT = {"width": 1280, "height": 900}
PHONE = 390  # a common phone (390 x 844); 320 is the WCAG 2.1 reflow width
PHONE_HEIGHT = 844
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
SKIP_REASON = "Chromium not installed (apt-get install chromium): browser tests skipped"


def chromium_path() -> str | None:
    """The Chromium to drive: $CHROMIUM_PATH if set, else the Debian package's, else PATH's."""
    override = os.environ.get("CHROMIUM_PATH")
    if override:
        return override if Path(override).is_file() else None
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def _is_e2e(item: pytest.Item) -> bool:
    return E2E_DIR in Path(str(item.path)).resolve().parents


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if chromium_path() or _in_ci():
        return  # in CI a missing Chromium fails in the `browser` fixture instead
    skip = pytest.mark.skip(reason=SKIP_REASON)
    for item in items:
        if _is_e2e(item):
            item.add_marker(skip)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call):
    # Keep each phase's report on the item so fixtures can tell whether the test failed.
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    if executable is None:
        pytest.fail(
            "CI=true but Chromium is not installed: CI must run `apt-get install chromium`.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def artifacts_dir(request: pytest.FixtureRequest) -> Path:
    """This test's screenshot folder, emptied at the start of the test."""
    name = re.sub(r"[^\w.-]+", "_", request.node.name).strip("_")
    folder = ARTIFACTS_DIR / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


@pytest.fixture
def shot(artifacts_dir: Path) -> Callable:
    """shot(page, "step-name"): numbered full-page screenshot of the current step."""
    counter = {"n": 0}

    def take(page, step: str) -> Path:
        counter["n"] += 1
        slug = re.sub(r"[^\w-]+", "-", step).strip("-").lower()
        path = artifacts_dir / f"{counter['n']:02d}-{slug}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def csp() -> CspMonitor:
    return CspMonitor()


@pytest.fixture
def new_page(browser, live_server, request, artifacts_dir, csp) -> Iterator[Callable]:
    """new_page(language="it", width=None): a page in a fresh browser context (its own cookies),
    1280x900, or `width` x 844 (a phone: PHONE, or 320 for the WCAG reflow width).

    The language is chosen the way a visitor's browser chooses it (LocaleMiddleware reads
    Accept-Language; the portal has no language prefix in its URLs).
    """
    contexts = []

    def make(language: str = "it", *, width: int | None = None):
        region = {"it": "IT", "de": "DE", "en": "GB"}[language]
        context = browser.new_context(
            base_url=live_server.url,
            locale=f"{language}-{region}",
            extra_http_headers={"Accept-Language": f"{language}-{region},{language};q=0.9"},
            viewport=VIEWPORT if width is None else {"width": width, "height": PHONE_HEIGHT},
        )
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        context.set_default_navigation_timeout(DEFAULT_TIMEOUT_MS)
        csp.attach(context)
        contexts.append(context)
        return context.new_page()

    yield make

    failed = any(
        getattr(getattr(request.node, f"rep_{when}", None), "failed", False)
        for when in ("setup", "call")
    )
    pages = [page for context in contexts for page in context.pages]
    for page in pages:
        csp.collect(page)
    for index, context in enumerate(contexts, start=1):
        if failed:
            for number, page in enumerate(context.pages, start=1):
                try:
                    page.screenshot(
                        path=str(artifacts_dir / f"failure-context{index}-page{number}.png"),
                        full_page=True,
                    )
                except Exception:  # noqa: BLE001, S110 - best effort; the test already failed
                    pass
        context.close()
    if not failed and csp.count > csp.reported:
        pytest.fail(
            "Content-Security-Policy violations:\n" + csp.report(csp.reported), pytrace=False
        )


@pytest.fixture
def page(new_page):
    return new_page()
