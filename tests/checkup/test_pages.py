"""The firm's check-up pages: start, one page per dimension, the result; who may see them."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from checkup import selectors, services
from checkup.models import Answer, CheckUp, Questionnaire
from members.models import Membership
from tests.factories import MembershipFactory, MissionFactory, member, sector
from tests.support.clients import login

pytestmark = pytest.mark.django_db


def _questionnaire():
    return Questionnaire.objects.get(status="published")  # version 1, from the data migration


def _answers(questionnaire, best: bool):
    """{dimension: {question_id: option_id}} choosing the best (or the worst) option of each."""
    pages = {}
    for dim in questionnaire.dimensions.all():
        pages[dim] = {}
        for question in dim.questions.all():
            options = list(question.options.order_by("points"))
            pages[dim][question.pk] = (options[-1] if best else options[0]).pk
    return pages


def _complete(firm, user, *, best: bool, days_ago: int = 0) -> CheckUp:
    checkup = services.checkup_start(firm=firm, user=user)
    for dim, choices in _answers(checkup.questionnaire, best).items():
        services.checkup_answer(checkup_id=checkup.pk, dimension_id=dim.pk, choices=choices)
    done = services.checkup_complete(checkup_id=checkup.pk)
    if days_ago:
        CheckUp.objects.filter(pk=done.pk).update(
            completed_at=timezone.now() - timedelta(days=days_ago)
        )
        done.refresh_from_db()
    return done


def test_version_1_has_eight_dimensions_of_three_questions_in_three_languages():
    questionnaire = _questionnaire()
    dims = list(questionnaire.dimensions.all())
    assert [d.code for d in dims] == [
        "organisation",
        "product",
        "pricing",
        "languages",
        "digital",
        "finance",
        "market",
        "experience",
    ]
    for dim in dims:
        assert dim.name_it
        assert dim.name_en
        assert dim.name_de
        assert dim.advice_de
        questions = list(dim.questions.all())
        assert len(questions) == 3
        for question in questions:
            assert question.text_de
            assert question.text_en
            assert 3 <= question.options.count() <= 4
            assert all(o.text_de for o in question.options.all())


def test_a_firm_owner_completes_the_check_up_page_by_page_and_sees_the_result():
    owner = member(name="Bresaole Alpine S.r.l.")
    client = login(owner)
    response = client.post(reverse("checkup:index"))
    checkup = CheckUp.objects.get(firm=owner.membership.firm)
    assert response["Location"] == reverse("checkup:step", args=[checkup.pk, 1])
    pages = list(_answers(checkup.questionnaire, best=False).values())
    # The first page shows its questions as radio groups and the progress.
    first = client.get(reverse("checkup:step", args=[checkup.pk, 1])).content.decode()
    assert "Organizzazione e persone" in first
    assert "Pagina 1 di 8" in first
    assert 'type="radio"' in first
    for number, choices in enumerate(pages, start=1):
        data = {f"q{q}": o for q, o in choices.items()}
        data["go"] = "finish" if number == len(pages) else "next"
        response = client.post(reverse("checkup:step", args=[checkup.pk, number]), data)
        assert response.status_code == 302
    assert response["Location"] == reverse("checkup:result", args=[checkup.pk])
    checkup.refresh_from_db()
    assert checkup.completed_at is not None
    assert checkup.overall == 0
    page = client.get(reverse("checkup:result", args=[checkup.pk])).content.decode()
    assert "<svg" in page
    assert "<title" in page
    assert "<desc" in page
    assert "Punteggio complessivo: 0 su 100" in page
    # The gaps in words: each dimension's advice.
    assert "Etichettatura e sicurezza alimentare" in page
    assert "da migliorare" in page


def test_answers_are_kept_when_going_back_and_a_partial_page_counts_zero():
    owner = member()
    client = login(owner)
    client.post(reverse("checkup:index"))
    checkup = CheckUp.objects.get()
    dim = checkup.questionnaire.dimensions.get(code="organisation")
    question = dim.questions.first()
    best = question.options.order_by("-points").first()
    client.post(
        reverse("checkup:step", args=[checkup.pk, 2]), {"go": "back"}
    )  # nothing answered: nothing stored
    client.post(
        reverse("checkup:step", args=[checkup.pk, 1]), {f"q{question.pk}": best.pk, "go": "next"}
    )
    page = client.get(reverse("checkup:step", args=[checkup.pk, 1])).content.decode()
    assert f'value="{best.pk}" id="id_q{question.pk}_' in page
    assert "checked" in page
    assert Answer.objects.filter(checkup=checkup).count() == 1
    # Starting again continues the same check-up.
    client.post(reverse("checkup:index"))
    assert CheckUp.objects.count() == 1


def test_an_option_of_another_question_is_refused_and_nothing_is_saved():
    owner = member()
    client = login(owner)
    client.post(reverse("checkup:index"))
    checkup = CheckUp.objects.get()
    dim = checkup.questionnaire.dimensions.get(code="organisation")
    q1, q2 = list(dim.questions.all())[:2]
    wrong = q2.options.first()
    response = client.post(
        reverse("checkup:step", args=[checkup.pk, 1]), {f"q{q1.pk}": wrong.pk, "go": "next"}
    )
    assert response.status_code == 200
    assert "Scegli una delle risposte proposte" in response.content.decode()
    assert not Answer.objects.exists()


def test_the_result_shows_the_change_against_the_previous_check_up_and_suggests_a_recheck():
    owner = member()
    firm = owner.membership.firm
    _complete(firm, owner, best=False, days_ago=400)
    latest = _complete(firm, owner, best=True, days_ago=200)
    page = login(owner).get(reverse("checkup:result", args=[latest.pk])).content.decode()
    assert "Punteggio complessivo: 100 su 100" in page
    assert "+100 rispetto al check-up del" in page
    assert 'stroke-dasharray="6 4"' in page  # the previous check-up's dashed outline
    assert "Sono passati più di 6 mesi" in page
    my_firm = login(owner).get(reverse("my_firm")).content.decode()
    assert "Check-up export" in my_firm
    assert "100 su 100" in my_firm
    assert "Sono passati più di 6 mesi" in my_firm


def test_the_result_suggests_upcoming_missions_of_the_firms_sector():
    stone = sector("lapideo")
    owner = member(sector=stone)
    MissionFactory(title="Pietra a Colonia", sectors=[stone], status="published")
    checkup = _complete(owner.membership.firm, owner, best=False)
    page = login(owner).get(reverse("checkup:result", args=[checkup.pk])).content.decode()
    assert "Pietra a Colonia" in page


@pytest.mark.parametrize("who", ["colleague", "other_firm"])
def test_only_the_firms_owners_reach_its_check_ups(who):
    owner = member()
    checkup = _complete(owner.membership.firm, owner, best=True)
    if who == "colleague":
        visitor = MembershipFactory(firm=owner.membership.firm, role=Membership.Role.MEMBER).user
    else:
        visitor = member()
    client = login(visitor)
    for url in (
        reverse("checkup:result", args=[checkup.pk]),
        reverse("checkup:step", args=[checkup.pk, 1]),
    ):
        assert client.get(url).status_code == 404
        assert client.post(url, {"go": "next"}).status_code == 404
    if who == "colleague":
        assert client.get(reverse("checkup:index")).status_code == 404


def test_a_completed_check_up_cannot_be_answered_again():
    owner = member()
    checkup = _complete(owner.membership.firm, owner, best=True)
    dim = checkup.questionnaire.dimensions.first()
    question = dim.questions.first()
    with pytest.raises(services.CheckUpError):
        services.checkup_answer(
            checkup_id=checkup.pk,
            dimension_id=dim.pk,
            choices={question.pk: question.options.first().pk},
        )
    response = login(owner).post(reverse("checkup:step", args=[checkup.pk, 1]), {"go": "next"})
    assert response["Location"] == reverse("checkup:result", args=[checkup.pk])


def test_question_page_query_count(django_assert_num_queries):
    owner = member()
    client = login(owner)
    client.post(reverse("checkup:index"))
    checkup = CheckUp.objects.get()
    url = reverse("checkup:step", args=[checkup.pk, 2])
    client.get(url)
    # user, membership, the check-up, dimensions, questions, options, answers, bell
    with django_assert_num_queries(5):
        response = client.get(url)
    assert response.status_code == 200
    assert "Prodotto e certificazioni" in response.content.decode()


@pytest.mark.parametrize("done", [1, 4])
def test_start_page_query_count_does_not_grow_with_the_history(done, django_assert_num_queries):
    owner = member()
    for n in range(done):
        _complete(owner.membership.firm, owner, best=n % 2 == 0, days_ago=400 - 30 * n)
    client = login(owner)
    url = reverse("checkup:index")
    client.get(url)
    # the firm's check-ups (open, latest, previous and the history with its versions: one
    # query); the user, membership, bell count and session come from Redis (issue 20)
    with django_assert_num_queries(1):
        response = client.get(url)
    assert response.status_code == 200
    assert "I check-up della tua impresa" in response.content.decode()


def test_result_page_query_count(django_assert_num_queries):
    stone = sector("lapideo")
    owner = member(sector=stone)
    MissionFactory(title="Pietra a Colonia", sectors=[stone], status="published")
    _complete(owner.membership.firm, owner, best=True, days_ago=30)
    checkup = _complete(owner.membership.firm, owner, best=False)
    client = login(owner)
    url = reverse("checkup:result", args=[checkup.pk])
    client.get(url)
    # the check-up, the latest completed one (for the re-check-up) with the previous one (one
    # UNION), dimensions, missions of the sector (there are gaps), bell; then the personal path
    # (checkup/path.py, reusing the dimensions): missions open for applications; its services,
    # funding and mentors come from Redis (shared tables, warmed by the first GET)
    with django_assert_num_queries(5):
        response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Il profilo per area" in page
    assert "Pietra a Colonia" in page
    assert "-100 rispetto al check-up del" in page


def test_the_gaps_are_stored_codes_with_scores_the_most_urgent_first():
    owner = member()
    firm = owner.membership.firm
    assert selectors.latest_gaps(firm=firm) == []
    checkup = services.checkup_start(firm=firm, user=owner)
    for dim in checkup.questionnaire.dimensions.exclude(code__in=["product", "languages"]):
        choices = {q.pk: q.options.order_by("-points").first().pk for q in dim.questions.all()}
        services.checkup_answer(checkup_id=checkup.pk, dimension_id=dim.pk, choices=choices)
    services.checkup_complete(checkup_id=checkup.pk)
    gaps = selectors.latest_gaps(firm=firm)
    # product weighs 1.5, languages 1: both score 0, so product comes first.
    assert [(g.code, g.score) for g in gaps] == [("product", 0), ("languages", 0)]


@pytest.mark.parametrize(
    ("days", "months"), [(0, None), (181, None), (183, 6), (364, 6), (366, 12), (900, 12)]
)
def test_a_re_check_up_is_due_after_6_and_12_months(days, months):
    owner = member()
    checkup = _complete(owner.membership.firm, owner, best=True, days_ago=days)
    assert selectors.recheck_due(checkup) == months
