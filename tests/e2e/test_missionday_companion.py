"""Issue 18's companion on a phone (390 x 844): a delegate opens their mission day online (the
meeting under way first, with its table and the partner's card), the service worker takes over,
the phone goes offline and the page still opens (the copy kept on the phone), a debrief written
offline waits in the queue and, back online, is stored exactly once and feeds the meeting; then
the same for a partner contact, in German. Axe and the keyboard at 390 and 320 px.

Selectors use names, values and ids, not UI text where the German catalogue would change it.
Screenshots: test-artifacts/e2e/<test>/.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from missionday.models import Debrief
from missions.models import Meeting, Partner
from tests.e2e.checks import assert_no_serious_violations, run_axe, save_report
from tests.e2e.conftest import PHONE
from tests.e2e.keyboard import walk
from tests.missionday.support import mission_today
from tests.support.browser import log_in_any_language

CONTACT_EMAIL = "anna.becker@rhein-armaturen.de"


def wait_for_offline_copy(page: Page) -> None:
    """The service worker is active and controls the page, and the page is in the person's
    cache (so that it opens offline)."""
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    assert page.evaluate(
        "async () => { const r = await navigator.serviceWorker.ready; return !!r.active; }"
    )
    page.wait_for_function(
        """async () => {
             const root = document.getElementById('companion');
             const cache = await caches.open(root.dataset.cacheName);
             return !!(await cache.match(location.href, { ignoreVary: true }));
           }"""
    )


def debrief(page: Page, meeting: Meeting, *, held: bool, interest="4", next_step="samples"):
    form = page.locator(f"form.debrief-form[data-meeting='{meeting.pk}']")
    expect(form).to_be_visible()
    form.locator(f"input[name=held][value={'yes' if held else 'no'}]").check()
    if held:
        form.locator("select[name=interest]").select_option(interest)
        form.locator("select[name=next_step]").select_option(next_step)
    form.locator("textarea[name=note]").fill("Campioni entro venerdì")
    form.locator("button[type=submit]").click()


def check_a11y(page: Page, artifacts_dir, csp, name: str) -> None:
    violations = run_axe(page)
    save_report(artifacts_dir / f"axe-{name}.json", page.url, violations)
    csp.check(page)
    assert_no_serious_violations(violations, page.url)
    overflow = page.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")
    assert overflow[0] <= overflow[1], f"{name}: the page is {overflow[0]}px wide"
    tour = walk(page)
    if tour.problems():
        # One more round from where the first ended, as tests/e2e/test_keyboard.py does (a stop
        # is sometimes missed on a loaded machine); a real gap fails both rounds.
        tour = walk(page)
    assert not tour.problems(), tour.problems()


@pytest.mark.django_db(transaction=True)
def test_the_companion_opens_offline_and_a_debrief_written_offline_is_synced_once(
    live_server, new_page, shot, csp, artifacts_dir
):
    day = mission_today(contact_email=CONTACT_EMAIL)
    url = reverse("missionday:companion", args=[day.mission.pk])

    # --- The delegate, online: the meeting under way first, its table and the partner's card.
    page = new_page(width=PHONE)
    log_in_any_language(page, day.delegate.email)
    page.goto(url)
    next_meeting = page.locator("#next-meeting")
    expect(next_meeting).to_contain_text("Rhein Armaturen GmbH")
    expect(next_meeting).to_contain_text("Tavolo 3")
    expect(next_meeting).to_contain_text("interprete: sì")
    expect(next_meeting).to_contain_text("Armaturen, Ventile")
    expect(page.locator(f"#meeting-{day.later_meeting.pk}")).to_contain_text("Westfalen Handel AG")
    wait_for_offline_copy(page)
    shot(page, "delegate-online")
    check_a11y(page, artifacts_dir, csp, "companion-390")

    # --- Offline: the page opens from the phone. The partner's name changed on the server
    # meanwhile: the page shows the copy kept on the phone, not a fresh one.
    Partner.objects.filter(pk=day.partner.pk).update(name="Nome cambiato sul server")
    page.context.set_offline(True)
    page.reload()
    expect(page.locator("#next-meeting")).to_contain_text("Rhein Armaturen GmbH")
    expect(page.locator("#companion-network")).not_to_be_empty()
    shot(page, "delegate-offline")

    # A debrief written offline waits on the phone.
    debrief(page, day.now_meeting, held=True)
    state = page.locator(f"#debrief-state-{day.now_meeting.pk}")
    expect(state).to_contain_text("Salvato sul telefono")
    assert not Debrief.objects.exists()
    shot(page, "debrief-queued")

    # --- Online again: sent at once (the `online` event), stored exactly once.
    page.context.set_offline(False)
    expect(state).to_contain_text("Debriefing inviato")
    shot(page, "debrief-synced")
    page.reload()  # online: a fresh page, the queue is empty, nothing is sent again
    page.evaluate("() => new Promise(r => setTimeout(r, 500))")
    assert Debrief.objects.count() == 1
    stored = Debrief.objects.get()
    assert (stored.side, stored.held, stored.interest, stored.next_step) == (
        "firm",
        True,
        4,
        "samples",
    )
    meeting = Meeting.objects.get(pk=day.now_meeting.pk)
    assert (meeting.attendance, meeting.outcome, meeting.firm_interest) == ("held", "samples", 4)

    # --- At 320 px (WCAG reflow) the page still reads and works with the keyboard.
    page.set_viewport_size({"width": 320, "height": 844})
    check_a11y(page, artifacts_dir, csp, "companion-320")
    shot(page, "delegate-320")

    # --- The partner contact, in German: offline debrief (a no-show), then synced once.
    Partner.objects.filter(pk=day.partner.pk).update(name="Rhein Armaturen GmbH")
    partner_page = new_page("de", width=PHONE)
    log_in_any_language(partner_page, CONTACT_EMAIL)
    partner_page.goto(url)
    assert partner_page.evaluate("() => document.documentElement.lang") == "de"
    expect(partner_page.locator("#next-meeting")).to_contain_text("Officine Valtellina S.r.l.")
    expect(partner_page.locator("#next-meeting")).to_contain_text("Valvole in ottone")
    wait_for_offline_copy(partner_page)
    check_a11y(partner_page, artifacts_dir, csp, "companion-de-390")
    partner_page.context.set_offline(True)
    partner_page.reload()
    expect(partner_page.locator("#next-meeting")).to_contain_text("Officine Valtellina S.r.l.")
    debrief(partner_page, day.now_meeting, held=False)
    assert Debrief.objects.count() == 1
    shot(partner_page, "partner-offline-debrief")
    partner_page.context.set_offline(False)
    partner_state = partner_page.locator(f"#debrief-state-{day.now_meeting.pk}")
    expect(partner_state).not_to_contain_text("Salvato sul telefono")
    partner_page.wait_for_function(
        """async () => new Promise(resolve => {
             const open = indexedDB.open('missionday-companion', 1);
             open.onsuccess = () => {
               const request = open.result.transaction('debriefs').objectStore('debriefs').count();
               request.onsuccess = () => resolve(request.result === 0);
             };
           })"""
    )
    shot(partner_page, "partner-synced")
    assert Debrief.objects.filter(side="partner").count() == 1
    meeting.refresh_from_db()
    assert meeting.partner_held is False
    assert meeting.partner_feedback_by_id == day.contact.pk
    partner_page.set_viewport_size({"width": 320, "height": 844})
    check_a11y(partner_page, artifacts_dir, csp, "companion-de-320")

    # --- Signing out forgets the offline copies of the person's pages on this phone.
    companion_caches = """async () => (await caches.keys())
        .filter(name => name.startsWith('missionday-companion-')).length"""
    assert page.evaluate(companion_caches) == 1
    # Two check-in databases (missionday-checkin.js): one with a check-in not yet sent.
    page.evaluate(
        """async () => {
             const make = (name, queued) => new Promise(resolve => {
               const open = indexedDB.open(name, 1);
               open.onupgradeneeded = () => {
                 open.result.createObjectStore('queue', { keyPath: 'client_id' });
                 open.result.createObjectStore('people', { keyPath: 'token' });
               };
               open.onsuccess = () => {
                 const tx = open.result.transaction(['queue', 'people'], 'readwrite');
                 tx.objectStore('people').put({ token: 'T1', name: 'Mario Rossi' });
                 if (queued) tx.objectStore('queue').put({ client_id: 'c1', token: 'T1' });
                 tx.oncomplete = () => { open.result.close(); resolve(); };
               };
             });
             await make('club-checkin-901', true);
             await make('club-checkin-902', false);
           }"""
    )
    page.evaluate("() => document.querySelector('form[data-signs-out]').requestSubmit()")
    page.wait_for_url(
        lambda address: reverse("missionday:companion", args=[day.mission.pk]) not in address
    )
    assert page.evaluate(companion_caches) == 0
    # The people list goes, the unsent check-in stays, the empty database goes.
    left = page.evaluate(
        """async () => {
             const names = (await indexedDB.databases()).map(info => info.name);
             const counts = await new Promise(resolve => {
               const open = indexedDB.open('club-checkin-901');
               open.onsuccess = () => {
                 const tx = open.result.transaction(['queue', 'people']);
                 const queue = tx.objectStore('queue').count();
                 const people = tx.objectStore('people').count();
                 tx.oncomplete = () => resolve([queue.result, people.result]);
               };
             });
             return { names: names.filter(n => n.startsWith('club-checkin-')).sort(), counts };
           }"""
    )
    assert left == {"names": ["club-checkin-901"], "counts": [1, 0]}
