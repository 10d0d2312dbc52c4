"""Never link people to pages they cannot open (issue 16): every link a page shows to a person
opens for that person (no 403, no "reserved to members" bounce, no login page)."""

import re
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from board import services as board_services
from members.models import Firm, Membership
from missions import services as mission_services
from missions.models import Application
from notifications.models import Notification
from tests.factories import (
    MembershipFactory,
    MissionFactory,
    StaffFactory,
    UserFactory,
    member,
)
from tests.support.clients import login

pytestmark = pytest.mark.django_db

SKIP = ("/static/", "/media/", "/accounts/logout/")


def links(html: str) -> set[str]:
    hrefs = {h.replace("&amp;", "&") for h in re.findall(r'<a [^>]*href="([^"#]+)"', html)}
    return {h for h in hrefs if h.startswith("/") and not h.startswith(SKIP)}


def dead_links(client: Client, pages: list[str]) -> dict[str, tuple[str, int, str]]:
    """{link: (page it is on, status, where a redirect goes)} for links that do not open."""
    seen: set[str] = set()
    dead = {}
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        for link in sorted(links(response.content.decode()) - seen):
            seen.add(link)
            target = client.get(link)
            where = target.get("Location", "")
            bounced = target.status_code == 302 and urlsplit(where).path in (
                reverse("account_login"),
                reverse("my_firm"),
            )
            if target.status_code in (403, 404) or bounced:
                dead[link] = (page, target.status_code, where)
    return dead


@pytest.fixture
def world():
    """A firm with an owner and a colleague; an offered seat; a post; a notification each."""
    owner = member(name="Officine Rossi S.r.l.")
    firm = owner.membership.firm
    colleague = MembershipFactory(firm=firm, role=Membership.Role.MEMBER).user
    mission = MissionFactory(seats=1, agenda_published_at=timezone.now())
    holder = member()
    for who in (holder, owner):  # the seat, then the waiting list
        mission_services.application_create(
            mission_id=mission.pk, firm=who.membership.firm, user=who, delegates=1
        )
    # The holder withdraws: the seat is offered to the firm, and all its people are told.
    mission_services.application_withdraw(
        application_id=Application.objects.get(firm=holder.membership.firm).pk,
        firm=holder.membership.firm,
    )
    board_services.post_create(author=owner, kind="question", title="Fiere?", body="?", tags=[])
    return {"owner": owner, "colleague": colleague, "mission": mission}


def pages_of(mission) -> list[str]:
    return [
        reverse("home"),
        reverse("my_firm"),
        reverse("notifications:inbox"),
        reverse("missions:list"),
        reverse("missions:detail", args=[mission.pk]),
        reverse("board:list"),
        reverse("board:mentorship"),
        reverse("members:directory"),
    ]


def test_a_colleague_who_is_not_the_owner_meets_no_dead_link(world):
    client = login(world["colleague"])

    assert dead_links(client, pages_of(world["mission"])) == {}
    # The inbox's "Apri" leads to the notice's page: it opens too (the offer of a freed seat).
    notices = Notification.objects.filter(recipient=world["colleague"]).exclude(url="")
    assert notices.filter(kind="application_offered").exists()
    for notice in notices:
        assert client.get(notice.url).status_code == 200, notice.url


def test_an_owner_meets_no_dead_link(world):
    assert dead_links(login(world["owner"]), pages_of(world["mission"])) == {}


def test_a_person_without_a_firm_or_with_a_pending_one_meets_no_dead_link():
    pages = [reverse("home"), reverse("my_firm"), reverse("notifications:inbox")]

    assert dead_links(login(UserFactory()), pages) == {}
    assert dead_links(login(member(status=Firm.Status.PENDING)), pages) == {}


def test_staff_without_two_factor_are_led_to_activate_it_and_firm_users_see_no_admin():
    # The admin link stays for staff without two-factor authentication: it is their way to
    # activate it (tests/test_staff_powers.py); it must open that page, not a 403.
    staff_client = login(StaffFactory(totp=False))
    html = staff_client.get(reverse("home")).content.decode()
    admin = staff_client.get(reverse("admin:index"), follow=True)

    assert f'href="{reverse("admin:index")}"' in html
    assert admin.status_code == 200
    # (allauth asks for the password again before the activation page)
    assert any(url.startswith(reverse("mfa_activate_totp")) for url, _ in admin.redirect_chain)
    firm_html = login(member()).get(reverse("home")).content.decode()
    assert reverse("admin:index") not in firm_html
    assert reverse("staff_dashboard:index") not in firm_html


def test_staff_with_two_factor_get_the_admin():
    staff = StaffFactory()

    html = login(staff).get(reverse("home")).content.decode()

    assert f'href="{reverse("admin:index")}"' in html


def test_a_colleague_reads_the_offer_but_only_the_owner_answers(world):
    application = Application.objects.get(firm=world["owner"].membership.firm)
    url = reverse("missions:offer", args=[application.pk])
    client = login(world["colleague"])

    page = client.get(url).content.decode()
    answer = client.post(url, {"answer": "decline"})

    assert "Il referente della tua impresa può confermare il posto" in page
    assert "Rinuncio al posto" not in page
    assert answer.status_code == 403
    application.refresh_from_db()
    assert application.status == Application.Status.OFFERED
