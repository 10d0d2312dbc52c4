"""Mission pages as firm users see them: filters, query counts, access, forms, calendars."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from core.fragment_cache import fragments
from members.models import Firm, Membership
from missions.models import Application, Mission, Question
from tests.factories import (
    ApplicationFactory,
    MembershipFactory,
    MissionFactory,
    ProgrammeItemFactory,
    city,
    member,
    sector,
)
from tests.support.clients import login
from tests.support.html import main_of
from tests.support.urls import assert_public_path

pytestmark = pytest.mark.django_db
Status = Application.Status


def titles(response) -> list[str]:
    return [m.title for m in response.context["page"]]


@pytest.mark.parametrize("count", [1, 50])
def test_mission_list_query_count_does_not_grow(
    owner_client, owner, count, django_assert_num_queries
):
    url = reverse("missions:list")
    for mission in MissionFactory.create_batch(count):
        ProgrammeItemFactory(mission=mission)
        ApplicationFactory(mission=mission)
        ApplicationFactory(mission=mission, firm=owner.membership.firm)
    owner_client.get(url)
    fragments().clear()
    # Cold fragment cache (core/fragment_cache.py): user, bell, membership, count, page
    # with annotations (the sector ids among them), own applications, the sectors of the cards
    # to render, filter form: sectors, cities
    with django_assert_num_queries(10):
        cold = owner_client.get(url)
    # Warm: the filter form and the cards come from Redis (no sectors to read for the cards).
    with django_assert_num_queries(3):
        warm = owner_client.get(url)
    assert (cold.status_code, warm.status_code) == (200, 200)
    assert main_of(warm.content.decode()) == main_of(cold.content.decode())
    assert len(warm.context["page"]) == min(count, 12)
    assert warm.content.decode().count("status-confirmed") == min(count, 12)


def test_a_missions_sectors_show_at_once_on_its_cached_card(owner_client):
    def card(html: str) -> str:
        (found,) = re.findall(r'<li class="card mission-card">.*?</li>', html, re.S)
        return found

    MissionFactory(title="Missione a Monaco")
    mission = Mission.objects.get(title="Missione a Monaco")
    url = reverse("missions:list")
    stone = sector("lapideo").name
    assert stone not in card(owner_client.get(url).content.decode())
    mission.sectors.add(sector("lapideo"))
    assert stone in card(owner_client.get(url).content.decode())


@pytest.mark.parametrize("items", [1, 30])
def test_mission_detail_query_count_does_not_grow(owner_client, items, django_assert_num_queries):
    mission = MissionFactory()
    for n in range(items):
        ProgrammeItemFactory(mission=mission, title=f"Voce {n}")
    owner_client.get(reverse("missions:detail", args=[mission.pk]))
    # user, bell, membership, mission+counts, sectors, programme+cities, own applications (the
    # questions only on the application form)
    with django_assert_num_queries(4):
        response = owner_client.get(reverse("missions:detail", args=[mission.pk]))
    assert response.status_code == 200
    assert f"Voce {items - 1}" in response.content.decode()


@pytest.mark.parametrize("count", [1, 50])
def test_firm_dashboard_query_count_does_not_grow(owner, count, django_assert_num_queries):
    firm = owner.membership.firm
    missions = MissionFactory.create_batch(count)
    for mission in missions:
        ApplicationFactory(mission=mission, firm=firm)
    c = login(owner)
    c.get(reverse("my_firm"))
    # user, membership, bell, applications+missions, upcoming missions with counts,
    # the firm's check-ups (one query: the open one and the last two completed; issue 19).
    # No completed check-up here, so no personal path: with one it adds five fixed queries
    # (tests/checkup/test_path.py pins La mia impresa with the path). One more: the person's
    # attendance certificates (issue 18).
    with django_assert_num_queries(4):
        response = c.get(reverse("my_firm"))
    assert response.status_code == 200
    assert missions[0].title in response.content.decode()


def test_filters(owner_client):
    url = reverse("missions:list")
    stone, food = sector("lapideo"), sector("agroalimentare")
    koeln = MissionFactory(title="Colonia pietra", sectors=[stone], seats=1)
    ProgrammeItemFactory(mission=koeln, city=city("koeln"))
    ApplicationFactory(mission=koeln)  # full
    berlin = MissionFactory(
        title="Berlino cibo",
        sectors=[food],
        start_date=timezone.localdate() + dt.timedelta(days=100),
        end_date=timezone.localdate() + dt.timedelta(days=102),
        registration_opens_at=timezone.now() + dt.timedelta(days=5),
    )
    ProgrammeItemFactory(mission=berlin, city=city("berlin"))
    MissionFactory(title="Bozza", status=Mission.Status.DRAFT)

    assert titles(owner_client.get(url, {"sector": stone.pk})) == ["Colonia pietra"]
    assert titles(owner_client.get(url, {"city": city("berlin").pk})) == ["Berlino cibo"]
    assert titles(owner_client.get(url, {"seats_left": "on"})) == ["Berlino cibo"]
    assert titles(owner_client.get(url, {"status": "soon"})) == ["Berlino cibo"]
    assert titles(owner_client.get(url, {"status": "open"})) == ["Colonia pietra"]
    month = berlin.start_date.strftime("%Y-%m")
    assert titles(owner_client.get(url, {"month": month})) == ["Berlino cibo"]
    assert titles(owner_client.get(url, {"q": "pietra"})) == ["Colonia pietra"]
    everything = titles(owner_client.get(url))
    assert everything == ["Colonia pietra", "Berlino cibo"]  # by date; no draft
    assert owner_client.get(url, {"month": "2026-13"}).status_code == 200


def test_detail_shows_seats_left_deadline_programme_and_own_status(owner_client, owner):
    mission = MissionFactory(seats=3, costs="Quota 350 €")
    ProgrammeItemFactory(mission=mission, title="Visita al Fraunhofer", city=city("dortmund"))
    ApplicationFactory(mission=mission, firm=owner.membership.firm, status=Status.WAITLISTED)
    body = owner_client.get(reverse("missions:detail", args=[mission.pk])).content.decode()
    assert "Visita al Fraunhofer" in body
    assert "10:00–16:00" in body  # Berlin time, as in the programme
    assert "Quota 350 €" in body
    assert "Posizione 1 in lista d'attesa" in body  # issue 16: the status says the place
    assert "<strong>3</strong>" in body  # seats left: a waiting firm holds no seat
    assert "Posti liberi" in body


def test_draft_and_cancelled_missions_are_404_for_firms(owner_client):
    for status in [Mission.Status.DRAFT, Mission.Status.CANCELLED]:
        mission = MissionFactory(status=status)
        assert owner_client.get(reverse("missions:detail", args=[mission.pk])).status_code == 404
        assert owner_client.get(reverse("missions:ics", args=[mission.pk])).status_code == 404


def test_pending_firm_users_and_visitors_cannot_see_missions(client):
    url = reverse("missions:list")
    mission = MissionFactory()
    pending = login(member(status=Firm.Status.PENDING))
    assert pending.get(url)["Location"] == reverse("my_firm")
    detail = reverse("missions:detail", args=[mission.pk])
    assert pending.get(detail)["Location"] == reverse("my_firm")
    assert client.get(url)["Location"].startswith(reverse("account_login"))


def test_apply_through_the_form(owner_client, owner):
    mission = MissionFactory(seats=5)
    Question.objects.create(mission=mission, label="Interprete?", kind="yesno", required=True)
    form = owner_client.get(reverse("missions:apply", args=[mission.pk])).content.decode()
    assert "Interprete?" in form
    question = mission.questions.get()
    response = owner_client.post(
        reverse("missions:apply", args=[mission.pk]),
        {"delegates": 2, "note": "Cerchiamo distributori", f"q_{question.pk}": "sì"},
    )
    assert response.status_code == 302
    application = Application.objects.get()
    assert (application.status, application.delegates) == (Status.CONFIRMED, 2)
    assert application.answers == {str(question.pk): "sì"}
    assert application.applied_by == owner


@pytest.mark.parametrize(
    ("data", "field"),
    [({"delegates": 3}, "delegates"), ({"delegates": 0}, "delegates"), ({}, "delegates")],
)
def test_bad_application_input_is_a_form_error_and_stores_nothing(owner_client, data, field):
    mission = MissionFactory(max_delegates=2)
    response = owner_client.post(reverse("missions:apply", args=[mission.pk]), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Application.objects.exists()


def test_past_deadline_and_double_submit_show_a_clear_message(owner_client, owner):
    late = MissionFactory(registration_deadline=timezone.now() - dt.timedelta(hours=1))
    response = owner_client.post(reverse("missions:apply", args=[late.pk]), {"delegates": 1})
    assert "Le iscrizioni a questa missione non sono aperte." in response.content.decode()
    mission = MissionFactory()
    owner_client.post(reverse("missions:apply", args=[mission.pk]), {"delegates": 1})
    again = owner_client.post(reverse("missions:apply", args=[mission.pk]), {"delegates": 1})
    assert "ha già una candidatura attiva" in again.content.decode()
    assert Application.objects.count() == 1


def test_only_owners_apply_and_only_for_their_own_firm(owner):
    mission = MissionFactory()
    colleague = MembershipFactory(firm=owner.membership.firm, role=Membership.Role.MEMBER)
    c = login(colleague.user)
    assert c.post(reverse("missions:apply", args=[mission.pk]), {"delegates": 1}).status_code == 403
    other = ApplicationFactory(mission=mission)
    owner_c = login(owner)
    assert owner_c.post(reverse("missions:withdraw", args=[other.pk])).status_code == 404
    assert owner_c.get(reverse("missions:offer", args=[other.pk])).status_code == 404
    assert (
        owner_c.post(reverse("missions:offer", args=[other.pk]), {"answer": "decline"}).status_code
        == 404
    )
    other.refresh_from_db()
    assert other.status == Status.CONFIRMED
    assert not Application.objects.filter(firm=owner.membership.firm).exists()


def test_withdraw_and_offer_through_the_pages(owner):
    mission = MissionFactory(seats=1)
    mine = ApplicationFactory(mission=mission, firm=owner.membership.firm)
    waiting = ApplicationFactory(
        mission=mission, status=Status.WAITLISTED, waitlisted_at=timezone.now()
    )
    waiting_owner = MembershipFactory(firm=waiting.firm).user
    login(owner).post(reverse("missions:withdraw", args=[mine.pk]), {"confirm": "yes"})
    waiting.refresh_from_db()
    assert waiting.status == Status.OFFERED

    c = login(waiting_owner)
    assert (
        "Confermo la partecipazione"
        in c.get(reverse("missions:offer", args=[waiting.pk])).content.decode()
    )
    c.post(reverse("missions:offer", args=[waiting.pk]), {"answer": "accept"})
    waiting.refresh_from_db()
    assert waiting.status == Status.CONFIRMED


def test_notify_me_when_registration_opens(owner_client, owner):
    mission = MissionFactory(registration_opens_at=timezone.now() + dt.timedelta(days=3))
    page = owner_client.get(reverse("missions:detail", args=[mission.pk])).content.decode()
    assert "Avvisami quando si aprono le iscrizioni" in page
    owner_client.post(reverse("missions:interest", args=[mission.pk]))
    assert mission.interests.get().user == owner


def test_calendars_download(owner_client, owner):
    mission = MissionFactory(title="Colonia 2027")
    ProgrammeItemFactory(mission=mission, title="B2B Köln")
    ProgrammeItemFactory(mission=mission, title="Briefing", city=city("sondrio"), kind="briefing")
    response = owner_client.get(reverse("missions:ics", args=[mission.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert "TZID=Europe/Berlin" in body
    assert "TZID=Europe/Rome" in body
    assert "B2B Köln" in body

    ApplicationFactory(mission=mission, firm=owner.membership.firm)
    ApplicationFactory(mission=MissionFactory(title="Non mia"))
    programme = owner_client.get(reverse("missions:firm_ics")).content.decode()
    assert "B2B Köln" in programme
    assert "Non mia" not in programme


# The one test of this app that writes paths as literals, on purpose: the missions list is
# bookmarked, offer mails carry their link and calendar apps subscribe to the programme. Every other
# test builds its URLs with reverse().
@pytest.mark.parametrize(
    ("name", "args", "path"),
    [
        ("missions:list", [], "/missioni/"),
        ("missions:detail", [7], "/missioni/7/"),
        ("missions:offer", [7], "/missioni/candidature/7/offerta/"),
        ("missions:firm_ics", [], "/missioni/programma.ics"),
    ],
)
def test_public_paths_stay_as_they_are(name, args, path):
    assert_public_path(name, path, *args)
