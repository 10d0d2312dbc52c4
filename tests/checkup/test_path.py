"""The personal path (issue 19): from the latest check-up's gaps to Camera services and training,
funding instruments, mentor firms and missions, each with its reason; shown on "La mia impresa"
and on the result page; a notification when staff publish an item that matches a firm."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from board import markdown
from board.models import MentorProfile, Post, Tag
from checkup import services
from checkup.models import CameraService, CheckUp, FundingInstrument
from checkup.path import firm_path
from members.models import Firm, Membership
from notifications.models import Notification
from tests.factories import (
    ApplicationFactory,
    FirmFactory,
    MembershipFactory,
    MissionFactory,
    UserFactory,
    member,
    sector,
)
from tests.support.admin_forms import submit_change_form
from tests.support.clients import login

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _complete(firm, user, *, best: bool) -> CheckUp:
    checkup = services.checkup_start(firm=firm, user=user)
    for dim in checkup.questionnaire.dimensions.all():
        choices = {}
        for question in dim.questions.all():
            options = list(question.options.order_by("points"))
            choices[question.pk] = (options[-1] if best else options[0]).pk
        services.checkup_answer(checkup_id=checkup.pk, dimension_id=dim.pk, choices=choices)
    return services.checkup_complete(checkup_id=checkup.pk)


def _service(title, codes, *, starts=20, deadline=10, ends=None, published=True, **kw):
    start = TODAY + dt.timedelta(days=starts)
    return CameraService.objects.create(
        title=title,
        title_it=title,
        kind=kw.pop("kind", "training"),
        starts_on=start,
        ends_on=TODAY + dt.timedelta(days=ends) if ends is not None else start,
        registration_deadline=TODAY + dt.timedelta(days=deadline) if deadline is not None else None,
        link="https://www.so.camcom.it/",
        dimension_codes=codes,
        published_at=timezone.now() if published else None,
        **kw,
    )


def _funding(name, codes, *, deadline=30, sectors=(), published=True):
    item = FundingInstrument.objects.create(
        name=name,
        name_it=name,
        provider="SIMEST",
        link="https://www.simest.it/",
        deadline=TODAY + dt.timedelta(days=deadline) if deadline is not None else None,
        dimension_codes=codes,
        published_at=timezone.now() if published else None,
    )
    item.sectors.set(sectors)
    return item


def _mentor(name, *, sector_row, markets=(), languages=(), topic=None) -> Firm:
    firm = FirmFactory(
        name=name,
        sector=sector_row,
        is_mentor=True,
        target_markets=list(markets),
        languages=list(languages),
    )
    MentorProfile.objects.create(firm=firm, markets="", expertise="")
    if topic:
        post = Post.objects.create(
            kind=Post.Kind.EXPERIENCE,
            title=f"Esperienza di {name}",
            body="Come abbiamo fatto.",
            body_html=markdown.render("Come abbiamo fatto."),
            author_firm=firm,
        )
        tag, _ = Tag.objects.get_or_create(kind=Tag.Kind.TOPIC, slug="incoterms", name=topic)
        post.tags.add(tag)
    return firm


@pytest.fixture
def newcomer():
    """A stone firm whose check-up shows a gap everywhere (the worst answers)."""
    owner = member(name="Graniti Val Masino S.r.l.", sector=sector("lapideo"))
    _complete(owner.membership.firm, owner, best=False)
    return owner


@pytest.fixture
def catalogue(newcomer):
    stone, metal = sector("lapideo"), sector("metalmeccanico")
    return {
        "incoterms": _service("Incoterms 2020 in pratica", ["pricing"]),
        "closed": _service("Marcatura CE (iscrizioni chiuse)", ["product"], deadline=-1),
        "ended": _service("Sportello passato", ["market"], starts=-30, ends=-1, deadline=None),
        "draft": _service("Corso in bozza", ["market"], published=False),
        "simest": _funding("Inserimento nei mercati esteri", ["market"], deadline=None),
        "expired": _funding("Voucher scaduto", ["digital"], deadline=-1),
        "voucher_stone": _funding("Voucher lapideo", ["digital"], sectors=[stone]),
        "voucher_metal": _funding("Voucher metalmeccanico", ["digital"], sectors=[metal]),
        "adda": _mentor("Marmi Adda S.r.l.", sector_row=stone, markets=["DE"]),
        "speaks": _mentor("Meccanica Bormio S.r.l.", sector_row=metal, languages=["de"]),
        "writes": _mentor("Valli Logistica S.r.l.", sector_row=metal, topic="Incoterms e dogane"),
        "silent": _mentor("Tessile Morbegno S.r.l.", sector_row=metal),
        "open_mission": MissionFactory(title="Pietra naturale a Norimberga", sectors=[stone]),
        "other_sector": MissionFactory(title="Meccanica a Stoccarda", sectors=[metal]),
        "closed_mission": MissionFactory(
            title="Missione chiusa",
            sectors=[stone],
            registration_deadline=timezone.now() - dt.timedelta(hours=1),
        ),
        "not_yet": MissionFactory(
            title="Missione non ancora aperta",
            sectors=[stone],
            registration_opens_at=timezone.now() + dt.timedelta(days=3),
        ),
    }


def test_the_path_suggests_matching_items_with_reasons_and_leaves_out_passed_deadlines(
    newcomer, catalogue
):
    applied = MissionFactory(title="Missione già scelta", sectors=[sector("lapideo")])
    ApplicationFactory(mission=applied, firm=newcomer.membership.firm)
    path = firm_path(firm=newcomer.membership.firm)

    assert [s.title for s in path.services] == ["Incoterms 2020 in pratica"]
    assert "«Prezzi e Incoterms»" in path.services[0].reason
    assert path.services[0].reason.startswith("Perché:")
    assert [s.title for s in path.funding] == ["Voucher lapideo", "Inserimento nei mercati esteri"]
    assert "«Conoscenza del mercato tedesco»" in path.funding[1].reason
    # Same sector first, then the others by how many gaps they cover; "silent" covers none.
    assert [s.title for s in path.mentors] == [
        "Marmi Adda S.r.l.",
        "Meccanica Bormio S.r.l.",
        "Valli Logistica S.r.l.",
    ]
    adda, speaks, writes = path.mentors
    assert "esporta in Germania" in adda.reason
    assert "«Conoscenza del mercato tedesco»" in adda.reason
    assert "parla tedesco" in speaks.reason
    assert "«Lingue»" in speaks.reason
    assert "ha scritto in bacheca di Incoterms e dogane" in writes.reason
    assert "«Prezzi e Incoterms»" in writes.reason
    # Open for applications, the firm's sector, not applied to yet.
    assert [s.title for s in path.missions] == ["Pietra naturale a Norimberga"]
    assert path.missions[0].reason.startswith("Perché: è per il tuo settore")


def test_a_firm_without_gaps_or_without_a_check_up_has_an_empty_path():
    ready = member(sector=sector("lapideo"))
    assert firm_path(firm=ready.membership.firm).is_empty
    _complete(ready.membership.firm, ready, best=True)
    _service("Incoterms 2020 in pratica", ["pricing"])
    MissionFactory(sectors=[sector("lapideo")])
    path = firm_path(firm=ready.membership.firm)
    assert path.gaps == []
    assert path.is_empty


def test_my_firm_shows_the_path_after_the_check_up_card(newcomer, catalogue):
    page = login(newcomer).get(reverse("my_firm")).content.decode()
    assert page.index("Check-up export") < page.index("Il tuo percorso")
    for text in (
        "Incoterms 2020 in pratica",
        "Marmi Adda S.r.l.",  # a mentor
        "Pietra naturale a Norimberga",  # a mission
        "Voucher lapideo",
        "Perché:",
    ):
        assert text in page
    for text in ("Marcatura CE (iscrizioni chiuse)", "Voucher scaduto", "Tessile Morbegno"):
        assert text not in page


def test_the_result_page_shows_the_path(newcomer, catalogue):
    checkup = CheckUp.objects.get(firm=newcomer.membership.firm)
    page = login(newcomer).get(reverse("checkup:result", args=[checkup.pk])).content.decode()
    assert "Il tuo percorso" in page
    assert "Marmi Adda S.r.l." in page
    assert "Pietra naturale a Norimberga" in page


@pytest.mark.parametrize("count", [1, 8])
def test_my_firm_with_the_path_query_count_does_not_grow(
    newcomer, count, django_assert_num_queries
):
    stone = sector("lapideo")
    for n in range(count):
        _service(f"Corso {n}", ["pricing", "market"])
        _funding(f"Voucher {n}", ["market"], sectors=[stone])
        _mentor(f"Mentore {n} S.r.l.", sector_row=stone, markets=["DE"], topic="Incoterms")
        MissionFactory(sectors=[stone])
    client = login(newcomer)
    client.get(reverse("my_firm"))
    # user, membership, bell, applications+missions, upcoming missions with counts,
    # the firm's check-ups, then the path: dimensions of the check-up's version, missions (the
    # services, funding and mentors come from Redis, shared tables warmed by the first GET); the
    # person's attendance certificates (issue 18: one more)
    with django_assert_num_queries(6):
        response = client.get(reverse("my_firm"))
    assert "Mentore 0 S.r.l." in response.content.decode()


def _publish(staff_client, item, model):
    return staff_client.post(
        reverse(f"admin:checkup_{model}_changelist"),
        {"action": "publish", "_selected_action": [item.pk]},
        follow=True,
    )


def test_publishing_a_matching_item_notifies_the_firm_once(
    staff_client, newcomer, django_capture_on_commit_callbacks, eager_celery, mailoutbox
):
    ready = member(name="Pronti S.r.l.")
    _complete(ready.membership.firm, ready, best=True)  # no gaps: not told
    item = _service("Incoterms 2020 in pratica", ["pricing"], published=False)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = _publish(staff_client, item, "cameraservice")
    assert response.status_code == 200
    assert callbacks  # sent from a task after commit, not inside the request
    note = Notification.objects.get(kind="checkup_path_item")
    assert note.recipient == newcomer
    assert [m.to for m in mailoutbox] == [[newcomer.email]]
    assert "Incoterms 2020 in pratica" in mailoutbox[0].subject

    # Saved again (published again, then edited): no second message.
    with django_capture_on_commit_callbacks(execute=True):
        _publish(staff_client, item, "cameraservice")
        url = reverse("admin:checkup_cameraservice_change", args=[item.pk])
        saved = submit_change_form(staff_client, url, title_it="Incoterms 2020 in pratica (bis)")
    assert saved.status_code == 302
    assert Notification.objects.filter(kind="checkup_path_item").count() == 1
    assert len(mailoutbox) == 1


def test_a_funding_instrument_for_another_sector_notifies_nobody(
    staff_client, newcomer, django_capture_on_commit_callbacks, eager_celery, mailoutbox
):
    item = _funding("Voucher metalmeccanico", ["digital"], sectors=[sector("metalmeccanico")])
    item.published_at = None
    item.save()
    with django_capture_on_commit_callbacks(execute=True):
        _publish(staff_client, item, "fundinginstrument")
    item.refresh_from_db()
    assert item.published_at is not None
    assert not Notification.objects.filter(kind="checkup_path_item").exists()
    assert mailoutbox == []


def test_seed_demo_gives_the_demo_firm_with_gaps_a_path_from_real_instruments():
    with override_settings(DEBUG=True):  # seed_demo runs only in development
        call_command("seed_demo", verbosity=0)
        call_command("seed_demo", verbosity=0)  # idempotent
    assert CameraService.objects.filter(title_it="Incoterms 2020 in pratica").count() == 1
    path = firm_path(firm=Firm.objects.get(name="Pietre di Chiavenna S.n.c."))
    assert "Incoterms 2020 in pratica" in [s.title for s in path.services]
    assert {"SIMEST", "SACE"} <= {s.detail for s in path.funding}
    assert "Officine Meccaniche Adda S.r.l." in [s.title for s in path.mentors]


def test_an_unknown_dimension_code_is_refused_in_admin_and_nothing_is_saved(staff_client):
    response = staff_client.post(
        reverse("admin:checkup_cameraservice_add"),
        {
            "title_it": "Corso di tedesco commerciale",
            "kind": "training",
            "dimension_codes": "languages,tedesco",
            "link": "https://www.so.camcom.it/",
        },
    )
    assert response.status_code == 200
    assert "Codici sconosciuti: tedesco." in response.content.decode()
    assert not CameraService.objects.exists()
    response = staff_client.post(
        reverse("admin:checkup_cameraservice_add"),
        {
            "title_it": "Corso di tedesco commerciale",
            "kind": "training",
            "dimension_codes": "languages",
            "starts_on": "2027-03-10",
            "ends_on": "2027-03-01",
        },
    )
    assert response.status_code == 200
    assert not CameraService.objects.exists()
    assert "La data di fine non può precedere quella di inizio." in response.content.decode()


def test_only_the_owners_of_approved_firms_hear_of_a_new_item(
    staff_client, newcomer, django_capture_on_commit_callbacks, eager_celery
):
    """The check-up and its path are the owners' pages: a colleague with the member role is not
    told of a gap they cannot see, nor is a firm still awaiting (or refused) approval."""
    colleague = UserFactory(email="collega@valmasino.example")
    MembershipFactory(user=colleague, firm=newcomer.membership.firm, role=Membership.Role.MEMBER)
    waiting = member(name="In Attesa S.r.l.", status=Firm.Status.PENDING)
    _complete(waiting.membership.firm, waiting, best=False)  # gaps everywhere too
    item = _service("Incoterms 2020 in pratica", ["pricing"], published=False)

    with django_capture_on_commit_callbacks(execute=True):
        _publish(staff_client, item, "cameraservice")

    recipients = set(
        Notification.objects.filter(kind="checkup_path_item").values_list("recipient", flat=True)
    )
    assert recipients == {newcomer.pk}


def test_a_camera_service_without_dates_is_always_open_and_suggested(newcomer):
    # A standing service (the export desk) has no start, end or deadline: it never closes.
    desk = CameraService.objects.create(
        title="Sportello export della Camera",
        title_it="Sportello export della Camera",
        kind=CameraService.Kind.SERVICE,
        link="https://www.so.camcom.it/",
        dimension_codes=["market"],
        published_at=timezone.now(),
    )
    path = firm_path(firm=newcomer.membership.firm)
    assert [s.title for s in path.services] == [desk.title]
    page = login(newcomer).get(reverse("my_firm")).content.decode()
    assert "Sportello export della Camera" in page


def test_publishing_an_item_already_closed_notifies_nobody(
    staff_client, newcomer, django_capture_on_commit_callbacks, eager_celery, mailoutbox
):
    # The path would not show them (deadline passed, course over): no message about them.
    closed = _service("Marcatura CE (iscrizioni chiuse)", ["product"], deadline=-1, published=False)
    over = _service("Corso finito", ["market"], starts=-30, ends=-1, deadline=None, published=False)
    expired = _funding("Voucher scaduto", ["digital"], deadline=-1, published=False)
    with django_capture_on_commit_callbacks(execute=True):
        _publish(staff_client, closed, "cameraservice")
        _publish(staff_client, over, "cameraservice")
        _publish(staff_client, expired, "fundinginstrument")
    assert CameraService.objects.filter(published_at__isnull=False).count() == 2
    assert not Notification.objects.filter(kind="checkup_path_item").exists()
    assert mailoutbox == []
