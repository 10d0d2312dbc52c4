"""What the check-up pages keep in Redis: the personal path's shared tables, the mentors
(checkup/mentors.py) and the open catalogue of services and funding (checkup/path.py), read
without a query and built again after the commit of any change they are made from; and the
result page's radar chart, keyed on what it is drawn from."""

import pytest
from django.utils import translation
from django.utils.safestring import SafeString

from board import markdown
from board.models import MentorProfile, Post, Tag
from checkup import mentors, path, selectors
from checkup.models import CheckUp
from checkup.path import firm_path
from checkup.templatetags import checkup_radar
from checkup.versioned import Version
from members.models import Firm
from tests.factories import FirmFactory, member, sector

from .test_path import _complete, _funding, _mentor, _service

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer():
    """A stone firm with a gap everywhere."""
    owner = member(name="Graniti Val Masino S.r.l.", sector=sector("lapideo"))
    _complete(owner.membership.firm, owner, best=False)
    return owner.membership.firm


def _names(firm) -> list[str]:
    return [s.title for s in firm_path(firm=firm).mentors]


def _reason(firm, name: str) -> str:
    return next(s.reason for s in firm_path(firm=firm).mentors if s.title == name)


def _version() -> int | None:
    return mentors.VERSION.current()


def test_the_mentors_are_read_from_redis_once_built(newcomer, django_assert_num_queries):
    _mentor("Marmi Adda S.r.l.", sector_row=sector("lapideo"), markets=["DE"])
    gaps = mentors.gaps_mask(["market", "pricing"])
    with django_assert_num_queries(3):  # mentors, their topics, sector names
        built = mentors.top_mentors(sector_id=newcomer.sector_id, gaps=gaps, count=4)
    with django_assert_num_queries(0):
        again = mentors.top_mentors(sector_id=newcomer.sector_id, gaps=gaps, count=4)
    assert built == again
    assert [m.name for m in again] == ["Marmi Adda S.r.l."]


def test_the_ranking_same_sector_first_then_more_gaps_then_name_and_never_the_firm_itself(
    newcomer,
):
    stone, metal = sector("lapideo"), sector("metalmeccanico")
    _mentor("Zeta Marmi S.r.l.", sector_row=stone)  # same sector: four gaps
    _mentor("Alfa Meccanica S.r.l.", sector_row=metal, markets=["DE"], languages=["de"])  # 4
    _mentor("Beta Meccanica S.r.l.", sector_row=metal, markets=["DE"])  # 3
    _mentor("Aaa Meccanica S.r.l.", sector_row=metal, markets=["DE"])  # 3, first by name
    assert _names(newcomer) == [
        "Zeta Marmi S.r.l.",
        "Alfa Meccanica S.r.l.",
        "Aaa Meccanica S.r.l.",
    ]
    # A mentor firm does not suggest itself; the next one takes its place.
    alfa = Firm.objects.get(name="Alfa Meccanica S.r.l.")
    suggested = [s.title for s in path._mentors(alfa, list(mentors.CODE_BITS), {})]
    # (of its own sector, both; the stone firm covers nothing for a metalworking one)
    assert suggested == ["Aaa Meccanica S.r.l.", "Beta Meccanica S.r.l."]


def test_a_new_mentor_appears_after_the_commit(newcomer, django_capture_on_commit_callbacks):
    assert _names(newcomer) == []
    before = _version()
    with django_capture_on_commit_callbacks(execute=True):
        _mentor("Marmi Adda S.r.l.", sector_row=sector("lapideo"))
    assert _version() != before
    assert _names(newcomer) == ["Marmi Adda S.r.l."]


def test_a_firm_that_stops_mentoring_goes(newcomer, django_capture_on_commit_callbacks):
    adda = _mentor("Marmi Adda S.r.l.", sector_row=sector("lapideo"))
    assert _names(newcomer) == ["Marmi Adda S.r.l."]
    adda.is_mentor = False
    with django_capture_on_commit_callbacks(execute=True):
        adda.save(update_fields=["is_mentor"])
    assert _names(newcomer) == []


def test_a_firm_save_of_other_fields_keeps_the_table(newcomer, django_capture_on_commit_callbacks):
    adda = _mentor("Marmi Adda S.r.l.", sector_row=sector("lapideo"))
    firm_path(firm=newcomer)
    before = _version()
    adda.website = "https://marmi-adda.example"
    with django_capture_on_commit_callbacks(execute=True):
        adda.save(update_fields=["website"])
    assert _version() == before


def test_the_mentor_profile_markets_count(newcomer, django_capture_on_commit_callbacks):
    writes = _mentor("Valli Meccanica S.r.l.", sector_row=sector("metalmeccanico"))
    assert _names(newcomer) == []  # another sector, no German, no topics: covers nothing
    profile = MentorProfile.objects.get(firm=writes)
    profile.markets = "Germania, Austria"
    with django_capture_on_commit_callbacks(execute=True):
        profile.save()
    assert "esporta in Germania" in _reason(newcomer, "Valli Meccanica S.r.l.")


def test_experience_posts_and_their_tags(newcomer, django_capture_on_commit_callbacks):
    writes = _mentor("Valli Meccanica S.r.l.", sector_row=sector("metalmeccanico"))
    assert _names(newcomer) == []
    with django_capture_on_commit_callbacks(execute=True):
        post = Post.objects.create(
            kind=Post.Kind.EXPERIENCE,
            title="Il primo container",
            body="Com'è andata.",
            body_html=markdown.render("Com'è andata."),
            author_firm=writes,
        )
    tag = Tag.objects.create(kind=Tag.Kind.TOPIC, slug="dogane", name="Dogane")
    with django_capture_on_commit_callbacks(execute=True):
        post.tags.add(tag)  # the through rows: m2m_changed
    assert "ha scritto in bacheca di Dogane" in _reason(newcomer, "Valli Meccanica S.r.l.")

    tag.name = "Dogane e Incoterms"
    with django_capture_on_commit_callbacks(execute=True):
        tag.save()
    assert "di Dogane e Incoterms" in _reason(newcomer, "Valli Meccanica S.r.l.")

    post.is_hidden = True  # moderation saves the post (board/services.py)
    with django_capture_on_commit_callbacks(execute=True):
        post.save(update_fields=["is_hidden"])
    assert _names(newcomer) == []


def test_a_question_leaves_the_table_as_it_is(newcomer, django_capture_on_commit_callbacks):
    firm_path(firm=newcomer)
    before = _version()
    with django_capture_on_commit_callbacks(execute=True):
        question = Post.objects.create(
            kind=Post.Kind.QUESTION,
            title="Chi conosce un buon spedizioniere?",
            body="Grazie.",
            body_html=markdown.render("Grazie."),
            author_firm=FirmFactory(),
        )
        question.tags.add(Tag.objects.create(kind=Tag.Kind.TOPIC, slug="x", name="Dogane"))
    # The new tag bumps (its name may be a mentor's topic); the question and its tags do not.
    after_tag = _version()
    with django_capture_on_commit_callbacks(execute=True):
        question.title = "Chi conosce un bravo spedizioniere?"
        question.save()
        question.tags.clear()
    assert _version() == after_tag
    assert after_tag != before


def test_without_redis_the_table_is_built_every_time(newcomer, monkeypatch):
    _mentor("Marmi Adda S.r.l.", sector_row=sector("lapideo"))
    monkeypatch.setattr(Version, "current", lambda self: None)
    assert _names(newcomer) == ["Marmi Adda S.r.l."]
    monkeypatch.setattr(mentors, "build_table", list)  # nothing kept: an empty build shows
    assert _names(newcomer) == []


# --- The open catalogue of services and funding (checkup/path.py, open_catalogue) ---------------


def _titles(firm) -> tuple[list[str], list[str]]:
    path = firm_path(firm=firm)
    return [s.title for s in path.services], [s.title for s in path.funding]


def test_the_catalogue_is_read_from_redis_once_built(newcomer, django_assert_num_queries):
    _service("Incoterms 2020 in pratica", ["pricing"])
    today = path.timezone.localdate()
    with django_assert_num_queries(2):  # services, funding with their sectors
        built = path.open_catalogue(today)
    with django_assert_num_queries(0):
        assert path.open_catalogue(today) == built


def test_a_published_or_edited_item_shows_after_the_commit(
    newcomer, django_capture_on_commit_callbacks
):
    assert _titles(newcomer) == ([], [])
    with django_capture_on_commit_callbacks(execute=True):
        service = _service("Incoterms 2020 in pratica", ["pricing"])
        _funding("Inserimento nei mercati esteri", ["market"], deadline=None)
    assert _titles(newcomer) == (["Incoterms 2020 in pratica"], ["Inserimento nei mercati esteri"])
    service.title = service.title_it = "Incoterms 2020, seconda edizione"
    with django_capture_on_commit_callbacks(execute=True):
        service.save()
    assert _titles(newcomer)[0] == ["Incoterms 2020, seconda edizione"]
    with django_capture_on_commit_callbacks(execute=True):
        service.delete()
    assert _titles(newcomer)[0] == []


def test_a_funding_instrument_limited_to_another_sector_goes(
    newcomer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        item = _funding("Voucher", ["market"])
    assert _titles(newcomer)[1] == ["Voucher"]
    with django_capture_on_commit_callbacks(execute=True):
        item.sectors.set([sector("metalmeccanico")])  # m2m_changed
    assert _titles(newcomer)[1] == []
    with django_capture_on_commit_callbacks(execute=True):
        item.sectors.add(sector("lapideo"))
    assert _titles(newcomer)[1] == ["Voucher"]


# --- The radar chart (checkup/templatetags/checkup_radar.py) -------------------------------------


def test_the_radar_is_drawn_once_per_names_scores_and_language(newcomer, monkeypatch):
    rows = selectors.checkup_result(checkup=CheckUp.objects.get(firm=newcomer)).rows
    first = checkup_radar.radar_chart(rows)
    assert "radar-current" in first
    drawn = []
    monkeypatch.setattr(
        checkup_radar, "_radar_chart", lambda *args: drawn.append(args) or SafeString("x")
    )
    assert checkup_radar.radar_chart(rows) == first  # from the cache, as a SafeString
    assert isinstance(checkup_radar.radar_chart(rows), SafeString)
    assert drawn == []
    rows[0].score = (rows[0].score or 0) + 1  # another score: drawn again
    assert checkup_radar.radar_chart(rows) == "x"
    with translation.override("de"):  # another language: drawn again
        checkup_radar.radar_chart(rows)
    assert len(drawn) == 2
