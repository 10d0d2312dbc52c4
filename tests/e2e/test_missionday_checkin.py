"""Check-in on a staff phone (390 x 844): two people checked in by name while offline, synced
once the network is back and stored exactly once; the page reopened offline (its service
worker); a badge scanned with the camera (Chromium's fake capture device playing a generated QR
code); axe and the keyboard at 390 and 320 px."""

import datetime as dt
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from playwright.sync_api import Page, expect

from core.qr import qr_png
from missionday.models import CheckIn, DayPass
from missionday.services.passes import day_passes_issue
from missions.models import MissionPartner, Partner
from partners.models import PartnerContact
from tests.e2e.checks import assert_no_serious_violations, run_axe, save_report
from tests.e2e.conftest import (
    CHROMIUM_ARGS,
    DEFAULT_TIMEOUT_MS,
    PHONE,
    PHONE_HEIGHT,
    chromium_path,
)
from tests.e2e.keyboard import is_focused, tab_to, walk
from tests.factories import (
    ApplicationFactory,
    MembershipFactory,
    MissionFactory,
    StaffFactory,
    UserFactory,
    city,
)
from tests.support.browser import log_in_staff

pytestmark = pytest.mark.django_db(transaction=True)

PEOPLE = [
    ("Giulia", "Bianchi", "Officine Adda S.r.l."),
    ("Marco", "Rossi", "Graniti Val Masino S.r.l."),
    ("Luca", "Neri", "Vini di Valtellina S.p.A."),
]


def _mission_today():
    """A mission under way today with three delegates and a German partner's contact."""
    today = timezone.localdate()
    mission = MissionFactory(
        title="Missione Colonia 2026", start_date=today, end_date=today + dt.timedelta(days=1)
    )
    for first, last, firm in PEOPLE:
        membership = MembershipFactory(
            user=UserFactory(first_name=first, last_name=last), firm__name=firm
        )
        ApplicationFactory(mission=mission, firm=membership.firm, applied_by=membership.user)
    partner = Partner.objects.create(name="Müller Maschinenbau GmbH", kind="buyer", city=city())
    MissionPartner.objects.create(
        mission=mission, partner=partner, attendance=MissionPartner.Attendance.CONFIRMED
    )
    PartnerContact.objects.create(
        user=UserFactory(first_name="Jonas", last_name="Müller"), partner=partner
    )
    day_passes_issue(mission=mission)
    return mission


def _open_checkin(page: Page, mission) -> None:
    log_in_staff(page, StaffFactory().email)
    page.goto(reverse("missionday:checkin", args=[mission.pk]))
    expect(page.locator("#checkin")).to_have_attribute("data-ready", "true")
    expect(page.locator("#checkin-list-state")).to_have_text(
        "Elenco di 4 persone pronto anche senza rete"
    )


def _check_in_by_name(page: Page, query: str, name: str) -> None:
    page.get_by_label("Cerca per nome").fill(query)
    page.get_by_role("button", name=f"Registra ingresso {name}").click()


def test_two_check_ins_offline_are_stored_once_when_the_network_returns(
    live_server, new_page, shot
):
    mission = _mission_today()
    page = new_page(width=PHONE)
    _open_checkin(page, mission)
    feedback = page.locator("#checkin-feedback")
    queue = page.locator("#checkin-queue")
    network = page.locator("#checkin-network")
    expect(network).to_have_text("In linea")
    expect(queue).to_have_text("Nessun check-in in attesa di invio")
    send_now = page.get_by_role("button", name="Invia ora")
    expect(send_now).to_be_hidden()
    shot(page, "check-in-page-online")

    # The hall has no network: the phone keeps the check-ins.
    page.context.set_offline(True)
    expect(network).to_contain_text("Non in linea")
    _check_in_by_name(page, "bianchi", "Giulia Bianchi")
    expect(feedback).to_have_text("Giulia Bianchi · Officine Adda S.r.l.: registrato")
    expect(queue).to_have_text("1 in attesa di invio")
    shot(page, "offline-first-check-in")
    _check_in_by_name(page, "muller", "Jonas Müller")  # found without the umlaut
    expect(feedback).to_have_text("Jonas Müller · Müller Maschinenbau GmbH: registrato")
    expect(queue).to_have_text("2 in attesa di invio")
    expect(send_now).to_be_visible()
    shot(page, "offline-two-waiting")
    # The same person again: said so in words, queued again, stored once later.
    _check_in_by_name(page, "giulia", "Giulia Bianchi")
    expect(feedback).to_contain_text("Giulia Bianchi · Officine Adda S.r.l.: già registrato alle ")
    expect(queue).to_have_text("3 in attesa di invio")
    shot(page, "offline-same-person-again")
    assert CheckIn.objects.count() == 0
    queued = page.evaluate(
        """(mission) => new Promise((resolve) => {
          const open = indexedDB.open("club-checkin-" + mission);
          open.onsuccess = () => {
            const request = open.result.transaction("queue").objectStore("queue").getAll();
            request.onsuccess = () => resolve(request.result);
          };
        })""",
        mission.pk,
    )
    assert [item["method"] for item in queued] == ["search"] * 3
    assert all(re.fullmatch(r"[0-9a-f-]{36}", item["client_id"]) for item in queued)

    # The network is back: the queue empties by itself, and the database has each person once.
    page.context.set_offline(False)
    expect(network).to_have_text("In linea")
    expect(queue).to_have_text("Nessun check-in in attesa di invio")
    shot(page, "online-queue-sent")
    stored = CheckIn.objects.select_related("day_pass")
    assert sorted(c.day_pass.full_name for c in stored) == ["Giulia Bianchi", "Jonas Müller"]
    assert {str(c.client_id) for c in stored} <= {item["client_id"] for item in queued}

    # The same queue sent again (a phone that missed the answer) stores nothing more.
    again = page.evaluate(
        """async ([url, items]) => {
          const token = document.querySelector("input[name=csrfmiddlewaretoken]").value;
          const response = await fetch(url, {
            method: "POST",
            headers: {"Content-Type": "application/json", "X-CSRFToken": token},
            body: JSON.stringify({check_ins: items}),
          });
          return response.json();
        }""",
        [reverse("missionday:checkin_sync", args=[mission.pk]), queued],
    )
    assert [r["status"] for r in again["results"]] == ["duplicate"] * 3
    assert CheckIn.objects.count() == 2

    # After a reload the list says who is in.
    page.reload()
    expect(page.locator("#checkin")).to_have_attribute("data-ready", "true")
    page.get_by_label("Cerca per nome").fill("bianchi")
    expect(page.locator("#checkin-results")).to_contain_text("Registrato alle ")
    shot(page, "after-reload-checked-in")


def test_the_page_opens_again_without_network_after_one_visit(live_server, new_page, shot):
    mission = _mission_today()
    page = new_page(width=PHONE)
    _open_checkin(page, mission)
    # The page's service worker has stored it (it takes control of the open page at once).
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")

    page.context.set_offline(True)
    _check_in_by_name(page, "rossi", "Marco Rossi")
    expect(page.locator("#checkin-queue")).to_have_text("1 in attesa di invio")
    # The network is really gone for the page and its service worker.
    failed = page.evaluate(
        "(url) => fetch(url).then(() => false, () => true)",
        reverse("missionday:checkin_people", args=[mission.pk]),
    )
    assert failed

    response = page.reload()
    assert response is not None
    assert response.from_service_worker
    expect(page.locator("#checkin")).to_have_attribute("data-ready", "true")
    expect(page.locator("#checkin-network")).to_contain_text("Non in linea")
    expect(page.locator("#checkin-queue")).to_have_text("1 in attesa di invio")
    expect(page.locator("#checkin-list-state")).to_have_text(
        "Elenco dal telefono (4 persone): nessuna rete"
    )
    _check_in_by_name(page, "neri", "Luca Neri")
    expect(page.locator("#checkin-queue")).to_have_text("2 in attesa di invio")
    shot(page, "reloaded-offline")
    assert CheckIn.objects.count() == 0

    page.context.set_offline(False)
    expect(page.locator("#checkin-queue")).to_have_text("Nessun check-in in attesa di invio")
    stored = CheckIn.objects.select_related("day_pass")
    assert sorted(c.day_pass.full_name for c in stored) == ["Luca Neri", "Marco Rossi"]


def _y4m(path: Path, token: str, frames: int = 10) -> Path:
    """A Y4M video (640 x 480, 4:2:0) of the badge's QR code on white, for the fake camera."""
    width, height = 640, 480
    canvas = Image.new("L", (width, height), 255)
    code = Image.open(io.BytesIO(qr_png(token))).convert("L")
    canvas.paste(code, ((width - code.width) // 2, (height - code.height) // 2))
    luma = canvas.tobytes()
    chroma = bytes([128]) * ((width // 2) * (height // 2))
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            out.write(b"FRAME\n" + luma + chroma + chroma)
    return path


@contextmanager
def _camera_page(browser, live_server, video: Path) -> Iterator[Page]:
    """A phone page in a Chromium of its own whose camera plays `video` (the fake capture
    device is chosen when the browser starts, so the session's browser cannot have it)."""
    camera_browser = browser.browser_type.launch(
        executable_path=chromium_path(),
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    try:
        context = camera_browser.new_context(
            base_url=live_server.url,
            locale="it-IT",
            extra_http_headers={"Accept-Language": "it-IT,it;q=0.9"},
            viewport={"width": PHONE, "height": PHONE_HEIGHT},
        )
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        context.grant_permissions(["camera"], origin=live_server.url)
        yield context.new_page()
        context.close()
    finally:
        camera_browser.close()


def test_a_badge_scanned_with_the_camera_checks_the_person_in(
    live_server, browser, artifacts_dir, shot
):
    mission = _mission_today()
    badge = DayPass.objects.get(user__last_name="Rossi")
    video = _y4m(artifacts_dir / "badge.y4m", badge.token)
    with _camera_page(browser, live_server, video) as page:
        _open_checkin(page, mission)
        shot(page, "before-scan")

        page.get_by_role("button", name="Scansiona", exact=True).click()
        expect(page.locator("#checkin-feedback")).to_have_text(
            "Marco Rossi · Graniti Val Masino S.r.l.: registrato"
        )
        expect(page.locator("#checkin-queue")).to_have_text("Nessun check-in in attesa di invio")
        shot(page, "scanned-and-sent")
        check_in = CheckIn.objects.get()
        assert check_in.day_pass == badge
        assert check_in.method == "scan"
        page.get_by_role("button", name="Ferma la fotocamera").click()
        expect(page.get_by_role("button", name="Scansiona", exact=True)).to_have_attribute(
            "aria-pressed", "false"
        )


def test_a_badge_of_another_mission_scanned_is_not_recognised(
    live_server, browser, artifacts_dir, shot
):
    mission = _mission_today()
    other = MissionFactory(title="Missione Lipsia")
    stranger = MembershipFactory(user=UserFactory(first_name="Anna", last_name="Verdi"))
    ApplicationFactory(mission=other, firm=stranger.firm, applied_by=stranger.user)
    day_passes_issue(mission=other)
    video = _y4m(artifacts_dir / "foreign-badge.y4m", DayPass.objects.get(mission=other).token)
    with _camera_page(browser, live_server, video) as page:
        _open_checkin(page, mission)
        page.get_by_role("button", name="Scansiona", exact=True).click()
        expect(page.locator("#checkin-feedback")).to_have_text("badge non riconosciuto")
        expect(page.locator("#checkin-queue")).to_have_text("Nessun check-in in attesa di invio")
        shot(page, "foreign-badge-refused")
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize("width", [PHONE, 320])
def test_the_check_in_page_passes_axe_and_works_by_keyboard(
    live_server, new_page, shot, csp, artifacts_dir, width
):
    mission = _mission_today()
    page = new_page(width=width)
    _open_checkin(page, mission)
    page.get_by_label("Cerca per nome").fill("rossi")
    expect(page.get_by_role("button", name="Registra ingresso Marco Rossi")).to_be_visible()
    violations = run_axe(page)
    save_report(artifacts_dir / f"axe-checkin-{width}.json", page.url, violations)
    shot(page, f"check-in-{width}")
    csp.check(page)
    assert_no_serious_violations(violations, page.url)
    width_used = page.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")
    assert width_used[0] <= width_used[1], f"the page is {width_used[0]}px wide"

    # Keyboard only: every control is reached, the search field and the button work.
    page.reload()  # Tab starts from the top of the page
    expect(page.locator("#checkin")).to_have_attribute("data-ready", "true")
    result = walk(page)
    assert not result.problems(), result.problems()
    search = page.get_by_label("Cerca per nome")
    tab_to(page, search)
    page.keyboard.type("neri")
    button = page.get_by_role("button", name="Registra ingresso Luca Neri")
    tab_to(page, button)
    page.keyboard.press("Enter")
    expect(page.locator("#checkin-feedback")).to_have_text(
        "Luca Neri · Vini di Valtellina S.p.A.: registrato"
    )
    expect(page.locator("#checkin-queue")).to_have_text("Nessun check-in in attesa di invio")
    assert is_focused(page.get_by_role("button", name="Registra ingresso Luca Neri"))
    shot(page, f"keyboard-check-in-{width}")
    assert CheckIn.objects.get().day_pass.full_name == "Luca Neri"
