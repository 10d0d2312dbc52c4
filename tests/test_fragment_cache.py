"""Cached fragments (core/fragment_cache.py): the filter forms and list cards come from Redis, and
every change a user can see shows at once; with Redis unreachable pages still render."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from board import services as board_services
from board.models import Tag
from core.fragment_cache import reference_version
from members.models import Sector
from missions import services as mission_services
from tests.factories import ApplicationFactory, MissionFactory, member
from tests.support.clients import login
from tests.support.html import main_of

pytestmark = pytest.mark.django_db


def question(author, title, tags=()):
    return board_services.post_create(
        author=author, kind="question", title=title, body="Testo", tags=list(tags)
    )


def test_renaming_a_sector_shows_at_once_in_the_cached_filter_forms(
    django_capture_on_commit_callbacks,
):
    directory = reverse("members:directory")
    c = login(member())
    assert "Metalmeccanico" in c.get(directory).content.decode()  # now cached
    before = reference_version()
    sector = Sector.objects.get(slug="metalmeccanico")
    sector.name = "Meccanica di precisione"
    with django_capture_on_commit_callbacks(execute=True):
        sector.save()
        assert reference_version() == before  # not before the commit
    assert reference_version() != before
    for url in (directory, reverse("missions:list")):
        page = c.get(url).content.decode()
        assert "Meccanica di precisione" in page
        assert "Metalmeccanico</option>" not in page


def test_a_new_tag_appears_in_the_board_filter_at_once(django_capture_on_commit_callbacks):
    board = reverse("board:list")
    c = login(member())
    c.get(board)
    with django_capture_on_commit_callbacks(execute=True):
        Tag.objects.create(name="Dogane svizzere", slug="dogane-svizzere", kind=Tag.Kind.TOPIC)
    assert "Dogane svizzere" in c.get(board).content.decode()


def test_filter_forms_keep_the_values_and_errors_of_each_request():
    missions = reverse("missions:list")
    c = login(member())
    sector = Sector.objects.get(slug="lapideo")
    assert (
        f'value="{sector.pk}" selected' in c.get(missions + f"?sector={sector.pk}").content.decode()
    )
    assert f'value="{sector.pk}" selected' not in c.get(missions).content.decode()
    bad = c.get(missions + "?sector=999999").content.decode()
    assert "errorlist" in bad
    assert "errorlist" not in c.get(missions).content.decode()


def test_board_cards_change_with_comments_edits_and_the_firm_name():
    board = reverse("board:list")
    author = member(name="Marmi Valmasino S.r.l.")
    post = question(author.membership.firm.memberships.get().user, "Campioni di granito")
    reader = login(member())
    assert "Campioni di granito" in reader.get(board).content.decode()

    board_services.comment_create(post=post, author=member(), body="Con il DDT")
    assert "1 commento" in reader.get(board).content.decode()

    board_services.post_update(
        post_id=post.pk, user=author, title="Campioni di serizzo", body="Testo", tags=[]
    )
    page = reader.get(board).content.decode()
    assert "Campioni di serizzo" in page
    assert "Campioni di granito" not in page

    firm = author.membership.firm
    firm.name = "Graniti Valmasino S.r.l."
    firm.save()
    assert "Graniti Valmasino" in reader.get(board).content.decode()


def test_mission_cards_follow_seats_and_the_firms_own_status():
    missions = reverse("missions:list")
    mission = MissionFactory(seats=3)
    owner = member()
    c = login(owner)
    assert "0 occupati" in c.get(missions).content.decode()
    ApplicationFactory(mission=mission)
    assert "1 occupato" in c.get(missions).content.decode()
    mission_services.application_create(
        mission_id=mission.pk, firm=owner.membership.firm, user=owner, delegates=1
    )
    page = c.get(missions).content.decode()
    assert "2 occupati" in page
    assert "status-confirmed" in page
    # Another firm sees the same counts but not that status.
    assert "status-confirmed" not in login(member()).get(missions).content.decode()


def test_cards_are_cached_per_language():
    board = reverse("board:list")
    question(member(), "Fiere a Colonia")
    board_services.comment_create(post=question(member(), "Dogana"), author=member(), body="Sì")
    assert "1 commento" in login(member(), language="it").get(board).content.decode()
    assert "1 Kommentar" in login(member(), language="de").get(board).content.decode()


def test_pages_render_without_redis_for_fragments(settings):
    post = question(member(), "Spedizioni a Lipsia")
    MissionFactory(title="Missione agroalimentare a Lipsia")
    settings.CACHES = {
        **settings.CACHES,
        "fragments": {**settings.CACHES["fragments"], "LOCATION": "redis://127.0.0.1:9/0"},
    }
    c = login(member())
    assert "Spedizioni a Lipsia" in c.get(reverse("board:list")).content.decode()
    assert "Missione agroalimentare a Lipsia" in c.get(reverse("missions:list")).content.decode()
    assert c.get(reverse("members:directory")).status_code == 200
    # The cards with forms get the reader's CSRF token uncached too.
    commenter = member()
    board_services.comment_create(post=post, author=commenter, body="Via Basilea")
    page = login(commenter).get(reverse("board:detail", args=[post.pk])).content.decode()
    assert "Via Basilea" in page
    assert "cardcsrf" not in page
    assert 'name="csrfmiddlewaretoken" value="' in page


def test_only_valid_choices_are_cached_never_free_text():
    """A search text or a bad value renders the form uncached: nobody fills Redis with forms."""
    directory = reverse("members:directory")
    missions = reverse("missions:list")
    c = login(member())
    sector = Sector.objects.get(slug="lapideo")
    for url, cached in [
        (directory + f"?sector={sector.pk}", True),
        (directory + "?q=graniti", False),
        (directory + f"?q=graniti&sector={sector.pk}", False),
        (directory + "?sector=999999", False),
        (missions + "?month=2027-03", False),
        (missions + f"?sector={sector.pk}&status=open&seats_left=true", True),
    ]:
        first = c.get(url).content.decode()
        with CaptureQueriesContext(connection) as queries:
            again = c.get(url).content.decode()
        # A cached form is not rendered again, so its sector choices (all sectors, not the one
        # looked up to validate the value) are not queried again.
        choices = [
            q for q in queries.captured_queries if 'FROM "members_sector" ORDER BY' in q["sql"]
        ]
        assert bool(choices) is not cached, url
        assert main_of(again) == main_of(first)


def test_without_redis_knowing_the_version_nothing_is_cached(settings):
    settings.CACHES = {
        **settings.CACHES,
        "fragments": {**settings.CACHES["fragments"], "LOCATION": "redis://127.0.0.1:9/0"},
    }
    assert reference_version() is None
