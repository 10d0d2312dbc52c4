"""The live board's pages: staff only, each cell's state in words, marking a no-show, giving the
freed table to a waiting meeting; bad ids 404, bad posts 400 with a message; constant queries."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from missionday import board_html
from missions.models import Meeting, ProgrammeItem
from missions.services import outcomes
from notifications.models import Notification
from tests.factories import MissionFactory, ProgrammeItemFactory, StaffFactory
from tests.missionday.board_setup import accepted, check_in, mission_today, place
from tests.support.clients import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def day():
    return mission_today()


@pytest.fixture
def staff():
    return login(StaffFactory())


def _urls(day):
    m, s = day.mission.pk, day.session.pk
    return {
        "board": reverse("missionday:board", args=[m]),
        "session": reverse("missionday:board_session", args=[m, s]),
        "state": reverse("missionday:board_state", args=[m, s]),
        "no_show": reverse("missionday:board_no_show", args=[m, s]),
        "assign": reverse("missionday:board_assign", args=[m, s]),
    }


def _no_token(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def _cell(html: str, slot, table: int) -> str:
    """The HTML of one cell of the grid."""
    start = html.index(f'id="cell-s{slot.pk}-t{table}"')
    return html[start : html.index("</td>", start)]


def test_a_delegate_gets_403_everywhere_and_staff_see_the_sessions(day, staff):
    delegate = login(day.delegates[0])
    for name, url in _urls(day).items():
        method = delegate.post if name in {"no_show", "assign"} else delegate.get
        assert method(url, {"meeting": 1, "side": "firm"}).status_code == 403, name
    page = staff.get(_urls(day)["board"])
    assert page.status_code == 200
    assert "Incontri B2B" in page.content.decode()
    assert _urls(day)["session"] in page.content.decode()


def test_bad_ids_are_404(day, staff):
    other_session = ProgrammeItemFactory(
        mission=day.mission, kind=ProgrammeItem.Kind.RESEARCH_VISIT
    )
    m = day.mission.pk
    assert staff.get(reverse("missionday:board", args=[999999])).status_code == 404
    assert staff.get(reverse("missionday:board_session", args=[m, 999999])).status_code == 404
    # Not a B2B session, or another mission's session.
    assert (
        staff.get(reverse("missionday:board_session", args=[m, other_session.pk])).status_code
        == 404
    )
    elsewhere = mission_today()
    assert (
        staff.get(reverse("missionday:board_state", args=[m, elsewhere.session.pk])).status_code
        == 404
    )
    # A meeting of another session, a slot of another session.
    theirs = place(
        accepted(elsewhere, elsewhere.firms[0], elsewhere.partners[0]), elsewhere.slots[3], 1
    )
    assert (
        staff.post(_urls(day)["no_show"], {"meeting": theirs.pk, "side": "firm"}).status_code == 404
    )
    mine = accepted(day, day.firms[0], day.partners[0])
    response = staff.post(
        _urls(day)["assign"], {"meeting": mine.pk, "slot": elsewhere.slots[3].pk, "table": 1}
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.attendance == ""


def test_bad_posts_are_400_with_a_message_and_change_nothing(day, staff):
    meeting = place(accepted(day, day.firms[0], day.partners[0]), day.slots[3], 1)
    bad = staff.post(_urls(day)["no_show"], {"meeting": meeting.pk, "side": "everyone"})
    assert bad.status_code == 400
    assert "Richiesta non valida" in bad.content.decode()
    bad = staff.post(_urls(day)["assign"], {"meeting": "x", "slot": day.slots[3].pk, "table": 1})
    assert bad.status_code == 400
    assert "Richiesta non valida" in bad.content.decode()
    meeting.refresh_from_db()
    assert meeting.attendance == ""
    # Well-formed but refused: a message, nothing changed.
    waiting = accepted(day, day.firms[1], day.partners[1])
    response = staff.post(
        _urls(day)["assign"],
        {"meeting": waiting.pk, "slot": day.slots[4].pk, "table": 1},
        follow=True,
    )
    assert "check-in oggi" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.slot_id is None


def test_each_cell_shows_its_state_in_words(day, staff):
    now = timezone.now()
    running = next(s for s in day.slots if s.starts_at <= now < s.ends_at)
    ended = day.slots[0]
    later = day.slots[5]
    m_wait = place(accepted(day, day.firms[0], day.partners[0]), later, 1)
    m_both = place(accepted(day, day.firms[1], day.partners[1]), later, 2)
    m_run = place(accepted(day, day.firms[1], day.partners[0]), running, 1)
    m_held = place(accepted(day, day.firms[2], day.partners[1]), ended, 1)
    m_gone = place(accepted(day, day.firms[2], day.partners[0]), day.slots[1], 1)
    outcomes.meetings_mark_attendance(
        meeting_ids=[m_gone.pk], attendance="no_show", absent="partner"
    )
    check_in(day, firm=day.firms[1])
    check_in(day, firm=day.firms[2])
    check_in(day, partner=day.partners[1])
    check_in(day, partner=day.partners[0])
    assert m_wait
    assert m_both
    assert m_run
    assert m_held
    html = staff.get(_urls(day)["session"]).content.decode()
    assert "in attesa" in _cell(html, later, 1)
    assert "impresa non arrivata" in _cell(html, later, 1)
    assert "entrambi presenti" in _cell(html, later, 2)
    assert "in corso" in _cell(html, running, 1)
    assert "svolto" in _cell(html, ended, 1)
    assert "assente: Il partner" in _cell(html, day.slots[1], 1)
    assert "libero" in _cell(html, ended, 2)
    assert "libero" in _cell(html, running, 2)
    assert "Graniti Valmasino ↔ Naturstein Import GmbH" in _cell(html, later, 1)
    # The symbol says it without colour, the time is Köln's.
    assert "✓✓" in _cell(html, later, 2)
    start = timezone.localtime(later.starts_at, day.session.city.tz)
    assert f"{start:%H:%M}–" in html
    assert 'src="/static/js/missionday-board.js"' in html
    assert "onclick" not in html
    assert "style=" not in html


def test_mark_a_no_show_then_assign_the_waiting_meeting(day, staff):
    slot = day.slots[4]
    gone = place(accepted(day, day.firms[0], day.partners[0]), slot, 1)
    waiting = accepted(day, day.firms[1], day.partners[0])
    check_in(day, firm=day.firms[1])
    check_in(day, partner=day.partners[0])
    response = staff.post(_urls(day)["no_show"], {"meeting": gone.pk, "side": "firm"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#cell-s{slot.pk}-t1")
    gone.refresh_from_db()
    assert (gone.attendance, gone.absent) == ("no_show", "firm")

    html = staff.get(_urls(day)["state"]).content.decode()
    cell = _cell(html, slot, 1)
    assert "assente: L&#x27;impresa" in cell or "assente: L'impresa" in cell
    assert "Serizzo Spa ↔ Naturstein Import GmbH" in cell  # offered
    page = staff.post(
        _urls(day)["assign"], {"meeting": waiting.pk, "slot": slot.pk, "table": 1}, follow=True
    )
    assert "li abbiamo avvisati" in page.content.decode()
    waiting.refresh_from_db()
    assert (waiting.slot_id, waiting.table) == (slot.pk, 1)
    assert Notification.objects.filter(object_key=f"meeting:{waiting.pk}").count() == 2
    cell = _cell(staff.get(_urls(day)["state"]).content.decode(), slot, 1)
    assert "entrambi presenti" in cell
    assert "Serizzo Spa ↔ Naturstein Import GmbH" in cell
    # Taking the no-show back now clashes with the meeting placed there: refused, with words.
    page = staff.post(_urls(day)["no_show"], {"meeting": gone.pk, "side": "present"}, follow=True)
    assert "non si può annullare" in page.content.decode()
    gone.refresh_from_db()
    assert gone.attendance == "no_show"


def _fill(day, n_meetings: int) -> None:
    """n meetings placed, one more waiting, everybody checked in."""
    pairs = [(f, p) for f in day.firms for p in day.partners][: n_meetings + 1]
    for i, (firm, partner) in enumerate(pairs[:-1]):
        place(accepted(day, firm, partner), day.slots[2 + i], 1 + i % 2)
    accepted(day, *pairs[-1])
    for firm in day.firms:
        check_in(day, firm=firm)
    for partner in day.partners:
        check_in(day, partner=partner)


@pytest.mark.parametrize("name", ["session", "state"])
def test_page_and_state_queries_do_not_grow_with_the_meetings(
    day, staff, name, django_assert_num_queries
):
    _fill(day, 2)
    url = _urls(day)[name]
    staff.get(url)  # warm the session and the user
    with django_assert_num_queries(QUERIES[name]):
        assert staff.get(url).status_code == 200
    more = mission_today()
    _fill(more, 5)
    url = _urls(more)[name]
    staff.get(url)
    with django_assert_num_queries(QUERIES[name]):
        assert staff.get(url).status_code == 200


# user, MFA (staff powers), the session row with its mission, slots, meetings, the mission's
# time zone (its first programme item's city: check-ins store the day there), check-ins,
# waiting meetings, the partners' attendance (+ sessions, blocked slots), other programme
# items; the page also counts the bell's unread notifications, the state fragment has no header
# (the session comes from Redis: issue 20)
QUERIES = {"session": 11, "state": 11}


def test_the_missions_admin_page_links_to_the_board(staff):
    mission = MissionFactory()
    page = staff.get(reverse("admin:missions_mission_change", args=[mission.pk]))
    assert page.status_code == 200
    board = reverse("missionday:board", args=[mission.pk])
    assert f'href="{board}"' in page.content.decode()


# --- Cached cells (missionday/board_html.py) and the poll's 304 ------------------------------


def test_a_change_shows_in_the_cached_cells(day, staff, monkeypatch):
    slot = day.slots[4]
    meeting = place(accepted(day, day.firms[0], day.partners[0]), slot, 1)
    state = _urls(day)["state"]
    cell = _cell(staff.get(state).content.decode(), slot, 1)  # rendered, then cached
    assert "impresa non arrivata" in cell
    renders = []
    render = board_html.render_to_string
    monkeypatch.setattr(
        board_html, "render_to_string", lambda *a, **k: renders.append(a) or render(*a, **k)
    )
    again = _cell(staff.get(state).content.decode(), slot, 1)
    assert renders == []  # every cell from the cache
    assert _no_token(again) == _no_token(cell)
    # Who is here: only the cells of the meeting's row are rendered again.
    check_in(day, firm=day.firms[0])
    cell = _cell(staff.get(state).content.decode(), slot, 1)
    assert len(renders) == slot.tables
    assert "✓ impresa presente" in cell
    assert "partner non arrivato" in cell
    # A name
    day.firms[0].name = "Graniti Nuovi"
    day.firms[0].save()
    assert "Graniti Nuovi ↔ Naturstein Import GmbH" in _cell(
        staff.get(state).content.decode(), slot, 1
    )
    # A no-show, and taking it back
    outcomes.meetings_mark_attendance(meeting_ids=[meeting.pk], attendance="no_show", absent="both")
    cell = _cell(staff.get(state).content.decode(), slot, 1)
    assert "assente: Entrambi" in cell
    assert f'id="undo-{meeting.pk}"' in cell
    outcomes.meetings_mark_attendance(meeting_ids=[meeting.pk], attendance="")
    cell = _cell(staff.get(state).content.decode(), slot, 1)
    assert f'id="undo-{meeting.pk}"' not in cell
    assert f'id="noshow-firm-{meeting.pk}"' in cell
    # Held: no more buttons to mark it absent
    Meeting.objects.filter(pk=meeting.pk).update(attendance="held")
    cell = _cell(staff.get(state).content.decode(), slot, 1)
    assert "svolto" in cell
    assert f'id="noshow-firm-{meeting.pk}"' not in cell


def test_cached_cells_speak_the_staff_members_language(day, staff):
    slot = day.slots[4]
    place(accepted(day, day.firms[0], day.partners[0]), slot, 1)
    assert "impresa non arrivata" in _cell(staff.get(_urls(day)["state"]).content.decode(), slot, 1)
    staff.cookies["django_language"] = "de"
    cell = _cell(staff.get(_urls(day)["state"]).content.decode(), slot, 1)
    assert "Tisch 1" in cell
    assert "impresa non arrivata" not in cell


def test_every_form_of_a_cached_board_carries_the_responses_csrf_token(day):
    client = login(StaffFactory(), enforce_csrf_checks=True)
    slot = day.slots[4]
    meeting = place(accepted(day, day.firms[0], day.partners[0]), slot, 1)
    client.get(_urls(day)["session"])  # the cells rendered and cached
    html = client.get(_urls(day)["session"]).content.decode()
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', _cell(html, slot, 1))
    assert tokens
    assert len(set(tokens)) == 1
    assert board_html.csrf_mark() not in html
    response = client.post(
        _urls(day)["no_show"],
        {"meeting": meeting.pk, "side": "firm", "csrfmiddlewaretoken": tokens[0]},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.attendance, meeting.absent) == ("no_show", "firm")


def test_the_state_answers_304_until_something_it_shows_changes(day, staff):
    slot = day.slots[4]
    place(accepted(day, day.firms[0], day.partners[0]), slot, 1)
    state = _urls(day)["state"]
    first = staff.get(state)
    etag = first["ETag"]
    assert first.status_code == 200
    assert "no-store" in first["Cache-Control"]
    same = staff.get(state, headers={"If-None-Match": etag})
    if same.status_code == 200:  # the minute of "updated at" turned in between
        etag = same["ETag"]
        same = staff.get(state, headers={"If-None-Match": etag})
    assert same.status_code == 304
    assert same.content == b""
    check_in(day, firm=day.firms[0])
    changed = staff.get(state, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert "✓ impresa presente" in _cell(changed.content.decode(), slot, 1)
    # Another language is another state.
    staff.cookies["django_language"] = "de"
    assert staff.get(state, headers={"If-None-Match": changed["ETag"]}).status_code == 200
