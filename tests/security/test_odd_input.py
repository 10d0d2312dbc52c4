"""Odd input gets a clear answer, never a 500.

Every page of the portal is requested with malformed query parameters (a fixed corpus and
hypothesis-generated strings) under every parameter name the portal reads, as a firm user and as
staff with two-factor authentication. The walk goes through the URL resolver, so a new page is
walked without anyone listing it. The answer must be below 500; where the parameter belongs to a
filter form, the page shows the form's error as it does for any other wrong value.
"""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from board import services as board_services
from board.models import Tag
from checkup import services as checkup_services
from missions import services as b2b
from missions.models import MissionPartner, Partner, ProgrammeItem
from notifications.models import Notification
from notifications.services import notify
from partners.models import PartnerContact, PartnerInvitation
from tests.factories import (
    ApplicationFactory,
    MissionFactory,
    ProgrammeItemFactory,
    StaffFactory,
    UserFactory,
    city,
    member,
)
from tests.partners.support import bring, co_organiser_with_member
from tests.support.clients import login
from tests.support.urls import portal_patterns

pytestmark = pytest.mark.django_db

# The query parameters each page reads (filters, pagination, cursors, the board's kind and order,
# the dashboard's period). Every other page gets all of them too, in the walk below.
LIST_PARAMS = {
    "missions:list": ["q", "sector", "city", "month", "status", "seats_left", "page"],
    "board:list": ["q", "sector", "place", "topic", "kind", "firm", "unanswered", "ordine", "dopo"],
    "board:create": ["tipo"],
    "members:directory": ["q", "sector", "comune", "exports", "mentor", "page"],
    "notifications:inbox": ["page"],
    "staff_dashboard:index": ["dal", "al", "settore"],
    "staff_dashboard:csv": ["dal", "al", "settore"],
    "staff_dashboard:journeys": ["dal", "al", "settore"],
    "staff_dashboard:report_xlsx": ["anno", "trimestre"],
}
PARAMS = sorted({name for names in LIST_PARAMS.values() for name in names} | {"next"})

CORPUS = [
    # Months and dates out of range or in the wrong shape.
    "9999-12",
    "0-5",
    "99999-01",
    "2026-13",
    "-1",
    # Numbers beyond any column.
    "9" * 40,
    "-99999999999999999999",
    "1e400",
    # Board cursors: offsets past the end of time, an id beyond bigint, nothing at all.
    "9999-12-31T23:59:59-23:59_1",
    "0001-01-01T00:00:00+23:59_1",
    "2026-01-01T00:00:00+00:00_99999999999999999999",
    "_",
    # Characters: NUL, a line separator, digits that are not ASCII.
    "x\x00y",
    "riga\u2028nuova",
    "²",
    "2026-0²",
    "a" * 5000,
]

# Raw query strings a dict cannot express: repeated, non-UTF-8 and NUL parameters.
RAW_QUERIES = [
    "&".join(f"{name}=1&{name}=2" for name in PARAMS),
    "&".join(f"{name}=%ff%fe" for name in PARAMS),
    "&".join(f"{name}=%C0%AF" for name in PARAMS),
    "&".join(f"{name}=%00" for name in PARAMS),
]


@pytest.fixture
def world():
    """A firm user with something on every page, and the URL kwargs to reach those pages."""
    owner = member(name="Impresa A", is_mentor=True)
    firm = owner.membership.firm
    mission = MissionFactory(agenda_published_at=timezone.now())
    application = ApplicationFactory(mission=mission, firm=firm, status="confirmed")
    partner = Partner.objects.create(name="P", kind="buyer", city=city("koeln"))
    # A German partner's contact invited to the mission, with B2B slots to block.
    MissionPartner.objects.create(mission=mission, partner=partner, attendance="confirmed")
    b2b_session = ProgrammeItemFactory(mission=mission, kind=ProgrammeItem.Kind.B2B)
    b2b.slots_generate(mission_id=mission.pk)
    contact = PartnerContact.objects.create(user=UserFactory(), partner=partner)
    PartnerInvitation.objects.create(contact=contact, mission=mission)
    # A co-organiser bringing the partner, assigned to the mission.
    co_organiser, co_member = co_organiser_with_member(missions=[mission])
    bring(co_organiser, partner)
    Tag.objects.get_or_create(slug="fiere", defaults={"name": "Fiere", "kind": "topic"})
    post = board_services.post_create(
        author=owner, kind="question", title="Una domanda", body="Il testo", tags=[]
    )
    comment = board_services.comment_create(post=post, author=owner, body="Un commento")
    notify(
        recipients=[owner],
        kind="announcement",
        object_key="x",
        context={"title": "t", "body": "b"},
    )
    checkup = checkup_services.checkup_start(firm=firm, user=owner)
    kwargs = {
        "checkup_id": checkup.pk,
        "step": 1,
        "firm_id": firm.pk,
        "mission_id": mission.pk,
        "application_id": application.pk,
        "post_id": post.pk,
        "attachment_id": 0,
        "comment_id": comment.pk,
        "request_id": 0,
        "meeting_id": 0,
        "notification_id": Notification.objects.get().pk,
        "token": "x",
        "code": "x",  # a certificate's verification code
        "session_id": b2b_session.pk,  # the mission day's live board
        "figure": "imprese-per-settore",
        "partner_contact": contact.user,
        "partner_id": partner.pk,
        "co_member": co_member,
    }
    return owner, kwargs


@pytest.fixture(autouse=True)
def _filter_lookups_are_not_n_plus_one(settings):
    # A filter form validates each model choice (sector, place, topic) with its own `.get()`:
    # three parameters are three queries, which the N+1 detector would count as one call site
    # repeated. These tests are about the answer, not the query count.
    settings.ZEAL_ALLOWLIST = [*settings.ZEAL_ALLOWLIST, {"model": "*", "field": "get()"}]


def page_urls(client: Client, kwargs) -> list[str]:
    """Every portal URL that shows a page on GET, with the world's objects in its path."""
    urls = []
    for name, pattern in portal_patterns():
        if name == "health:ready":
            continue  # reads no parameter, and answers 503 by design here (no Celery worker)
        url = reverse(name, kwargs={k: kwargs[k] for k in pattern.pattern.converters})
        if client.get(url).status_code != 405:  # an action (POST only) shows no page
            urls.append(url)
    return urls


def _list_url(name: str, kwargs) -> str:
    return reverse(name, kwargs={"figure": kwargs["figure"]} if name.endswith(":csv") else {})


def _clients(owner) -> list[tuple[str, Client]]:
    return [
        ("firm", login(owner, raise_request_exception=False)),
        ("staff", login(StaffFactory(), raise_request_exception=False)),
    ]


def _failures(client: Client, who: str, url: str, query) -> list[str]:
    response = client.get(url, query)
    if response.status_code >= 500:
        return [f"{who} {url} {str(query)[:100]} -> {response.status_code}"]
    return []


def test_every_page_answers_malformed_query_parameters(world):
    # Pages that read no parameter must ignore them all: every name at once.
    owner, kwargs = world
    client = login(owner, raise_request_exception=False)
    lists = {_list_url(name, kwargs) for name in LIST_PARAMS}
    failures = []
    for url in page_urls(client, kwargs):
        if url in lists:
            continue  # walked parameter by parameter below
        for value in ("x\x00y", "9" * 40, "²"):
            failures += _failures(client, "firm", url, dict.fromkeys(PARAMS, value))
        for raw in RAW_QUERIES:
            failures += _failures(client, "firm", f"{url}?{raw}", None)
    assert failures == [], "\n".join(failures)


def test_each_parameter_alone(world):
    # One parameter at a time on the page that reads it, so that a valid or invalid neighbour
    # never hides a broken one. Staff pages as staff (with two-factor authentication), the
    # others as the firm user.
    owner, kwargs = world
    clients = dict(_clients(owner))
    failures = []
    for name, params in LIST_PARAMS.items():
        who = "staff" if name.startswith("staff_") else "firm"
        url = _list_url(name, kwargs)
        for param in params:
            for value in CORPUS:
                failures += _failures(clients[who], who, url, {param: value})
        for raw in RAW_QUERIES:
            failures += _failures(clients[who], who, f"{url}?{raw}", None)
    assert failures == [], "\n".join(failures)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    name=st.sampled_from([name for name in LIST_PARAMS if not name.startswith("staff_")]),
    data=st.data(),
)
def test_pages_answer_generated_parameters(owner, name, data):
    query = data.draw(
        st.dictionaries(
            st.sampled_from(LIST_PARAMS[name]),
            st.text(st.characters(codec="utf-8"), max_size=40),
            min_size=1,
        )
    )
    response = login(owner, raise_request_exception=False).get(reverse(name), query)
    assert response.status_code < 500, (name, query)


# --- The known cases, each with what the person sees ----------------------------------------


@pytest.mark.parametrize("month", ["9999-12", "0-5", "99999-01", "2026-13", "²-05"])
def test_an_impossible_month_is_a_form_error(owner_client, month):
    response = owner_client.get(reverse("missions:list"), {"month": month})
    assert response.status_code == 200
    assert "Indica un mese valido" in response.content.decode()


def test_a_valid_month_still_filters(owner_client):
    response = owner_client.get(reverse("missions:list"), {"month": "2026-05"})
    assert response.status_code == 200
    assert "Indica un mese valido" not in response.content.decode()


@pytest.mark.parametrize(
    "cursor",
    ["9999-12-31T23:59:59-23:59_1", "0001-01-01T00:00:00+23:59_1", "2026-01-01_" + "9" * 30],
)
def test_an_impossible_board_cursor_starts_from_the_first_page(world, cursor):
    owner, _kwargs = world
    response = login(owner).get(reverse("board:list"), {"dopo": cursor})
    assert response.status_code == 200
    assert "Una domanda" in response.content.decode()


# --- Forms: missing, oversized and wrongly typed fields ---------------------------------------


def form_field_names() -> list[str]:
    """Every field name of the portal's forms, and the few names views read directly."""
    import importlib
    import inspect

    from django import forms

    names = {"answer", "comment", "target", "next", "parent", "confirm"}
    for app in ("members", "missions", "board", "notifications", "privacy", "partners", "checkup"):
        module = importlib.import_module(f"{app}.forms")
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                names |= set(cls.base_fields)
    return sorted(names)


BAD_VALUES = ["", "abc", "-1", "9" * 40, "²", "post:²", "x\x00y", "riga\u2028nuova", "a" * 25_000]

# Actions whose empty input is a request of its own: "tell me when registrations open", and
# "this question has no answer any more" (no comment chosen takes the mark away).
NO_INPUT = {"missions:interest", "board:answered"}


def _row_counts() -> dict[str, int]:
    from django.apps import apps

    return {
        model._meta.label: model.objects.count()
        for app in ("members", "missions", "board", "notifications", "partners", "checkup")
        for model in apps.get_app_config(app).get_models()
    }


def test_every_form_answers_bad_payloads_and_stores_nothing(world):
    owner, kwargs = world
    client = login(owner, raise_request_exception=False)
    fields = form_field_names()
    payloads = [{}] + [dict.fromkeys(fields, value) for value in BAD_VALUES]
    failures = []
    for name, pattern in portal_patterns():
        if name in NO_INPUT:
            continue
        url = reverse(name, kwargs={k: kwargs[k] for k in pattern.pattern.converters})
        before = _row_counts()
        for payload in payloads:
            response = client.post(url, payload)
            if response.status_code >= 500:
                failures.append(f"{url} {str(payload)[:80]} -> {response.status_code}")
        after = _row_counts()
        changed = {
            label: (before[label], after[label])
            for label in before
            if before[label] != after[label]
        }
        if changed:
            failures.append(f"{url} stored {changed}")
    assert failures == [], "\n".join(failures)


@pytest.mark.parametrize(
    ("who", "prefix"), [("partner_contact", "partners:"), ("co_member", "partners:co_")]
)
def test_the_partner_workspace_answers_odd_input_and_stores_nothing(world, who, prefix):
    # The partners' pages as their own user, and the co-organisers' pages as a co-organiser's
    # member (firm users and staff only get 403 there).
    _owner, kwargs = world
    client = login(kwargs[who], raise_request_exception=False)
    fields = form_field_names()
    payloads = [{}] + [dict.fromkeys(fields, value) for value in BAD_VALUES]
    failures = []
    for name, pattern in portal_patterns():
        if not name.startswith(prefix):
            continue
        url = reverse(name, kwargs={k: kwargs[k] for k in pattern.pattern.converters})
        for value in ("x\x00y", "9" * 40, "²"):
            failures += _failures(client, "partner", url, dict.fromkeys(PARAMS, value))
        before = _row_counts()
        for payload in payloads:
            response = client.post(url, payload)
            if response.status_code >= 500:
                failures.append(f"{url} {str(payload)[:80]} -> {response.status_code}")
        if _row_counts() != before:
            failures.append(f"{url} stored something")
    assert failures == [], "\n".join(failures)


def test_a_report_of_a_comment_that_is_not_a_number_is_a_form_error(world):
    owner, kwargs = world
    client = login(owner)
    url = reverse("board:report", kwargs={"post_id": kwargs["post_id"]})
    response = client.post(url, {"reason": "spam", "comment": "abc"}, follow=True)
    assert response.status_code == 200
    assert "Segnalazione inviata" not in response.content.decode()


@pytest.mark.parametrize("target", ["post:²", "post:٣", "tag:", "post:99999999999999999999", "x"])
def test_following_an_impossible_target_is_refused(world, target):
    owner, _kwargs = world
    response = login(owner).post(reverse("board:follow"), {"target": target})
    assert response.status_code == 404
