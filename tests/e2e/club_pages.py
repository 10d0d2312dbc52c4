"""A small, realistic Club and the list of key pages the accessibility tests walk through.

`build_club()` writes, through the factories and the services (so notifications and B2B rows
are the real ones): a mentor firm that is confirmed on a mission with a published B2B agenda,
an open mission it has not applied to, a question with comments and a reply on the board,
mentorship requests both ways, a team with a colleague, an invitation and a join request,
notifications, and a staff account with two-factor authentication.

`KEY_PAGES`: every page a person reaches in normal use, with who looks at it (`visitor`,
`member` or `staff`) and, for form states, an action that puts the page in that state.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from board import services as board_services
from board.models import MentorProfile, Post, Tag
from checkup import services as checkup_services
from checkup.journey import stage_override_set
from checkup.models import CameraService, FundingInstrument, JourneyStage
from members import services as member_services
from members.models import Firm, JoinRequest, Membership, User
from missions import services as b2b
from missions.models import MissionPartner, Partner, ProgrammeItem, Question
from notifications.services import notify
from tests.factories import (
    ApplicationFactory,
    FirmFactory,
    MembershipFactory,
    MissionFactory,
    ProgrammeItemFactory,
    StaffFactory,
    UserFactory,
    city,
    sector,
)
from tests.support.checkup import published_questionnaire

OWN_FIRM = "Graniti Val Masino S.r.l."
MENTOR_FIRM = "Officine Meccaniche Adda S.r.l."


@dataclass
class Club:
    owner: User
    firm: Firm
    mentor_firm: Firm
    staff: User
    b2b_mission_id: int
    open_mission_id: int
    question_id: int
    lapideo_id: int
    checkup_id: int  # completed, with a previous one (the radar's dashed outline)
    open_checkup_id: int  # in progress


def _tags() -> dict[str, Tag]:
    # Tags come from a data migration; transactional tests flush them, so recreate.
    specs = [
        ("topic", "logistica", "Logistica"),
        ("topic", "fiere", "Fiere"),
        ("place", "baviera", "Baviera"),
        ("sector", "lapideo", "Lapideo"),
    ]
    return {
        slug: Tag.objects.get_or_create(kind=kind, slug=slug, defaults={"name": name})[0]
        for kind, slug, name in specs
    }


def build_club() -> Club:
    lapideo = sector("lapideo")
    lapideo.name = "Lapideo"
    lapideo.save()
    metal = sector("metalmeccanico")
    metal.name = "Metalmeccanico"
    metal.save()
    tags = _tags()

    firm = FirmFactory(
        name=OWN_FIRM,
        sector=lapideo,
        comune="Sondrio",
        ateco_code="23.70.00",
        is_mentor=True,
        website="https://graniti.example.it",
        description="Cava e laboratorio dal 1962.",
        products="Serizzo e granito per facciate ventilate e pavimentazioni",
        export_share=20,
        target_markets=["DE", "AT"],
        languages=["it", "de"],
    )
    owner = MembershipFactory(
        firm=firm, user=UserFactory(first_name="Giulia", last_name="Bianchi")
    ).user
    colleague = MembershipFactory(firm=firm, role=Membership.Role.MEMBER).user
    MentorProfile.objects.create(
        firm=firm,
        markets="Germania, Austria",
        years_exporting=8,
        expertise="Fiere di settore e certificazioni CE.",
    )
    mentor_firm = FirmFactory(
        name=MENTOR_FIRM,
        sector=metal,
        comune="Morbegno",
        is_mentor=True,
        export_share=40,
        target_markets=["DE"],
        languages=["it", "de", "en"],
        website="https://adda.example.it",
        description="Lavorazioni meccaniche di precisione.",
    )
    mentor = MembershipFactory(
        firm=mentor_firm, user=UserFactory(directory_consent=True, first_name="Marco")
    ).user
    MentorProfile.objects.create(firm=mentor_firm, markets="Germania", years_exporting=12)
    newcomer_firm = FirmFactory(name="Bresaola Valtellina Rossi S.r.l.", comune="Chiavenna")
    newcomer = MembershipFactory(firm=newcomer_firm).user
    FirmFactory(name="Rubinetterie Bianchi S.r.l.", status=Firm.Status.APPROVED)

    # Team page: an invitation out, a request to join in.
    member_services.invitation_create(
        firm=firm,
        email="nuovo.collega@graniti.example.it",
        role=Membership.Role.MEMBER,
        invited_by=owner,
    )
    JoinRequest.objects.create(
        user=UserFactory(first_name="Luca"), firm=firm, message="Lavoro in amministrazione."
    )

    # Missions: one the firm is confirmed on (B2B, published agenda), one open to apply to.
    koeln = city("koeln")
    b2b_mission = MissionFactory(
        title="Pietra e costruzioni a Colonia",
        sectors=[lapideo],
        seats=8,
        slot_minutes=30,
        tables=2,
        summary="Incontri con importatori di pietra naturale.",
        description="Tre giorni di incontri B2B e una visita a un centro di ricerca.",
        costs="Quota di partecipazione 300 € + IVA.",
    )
    ProgrammeItemFactory(
        mission=b2b_mission,
        city=koeln,
        title="Incontri con importatori",
        place="Koelnmesse",
        starts_at=dt.datetime.combine(b2b_mission.start_date, dt.time(10), tzinfo=koeln.tz),
        ends_at=dt.datetime.combine(b2b_mission.start_date, dt.time(12), tzinfo=koeln.tz),
    )
    ProgrammeItemFactory(
        mission=b2b_mission,
        city=city("sondrio"),
        kind=ProgrammeItem.Kind.BRIEFING,
        title="Briefing sul mercato tedesco",
        place="Camera di Commercio",
        starts_at=dt.datetime.combine(
            b2b_mission.start_date - dt.timedelta(days=7), dt.time(17), tzinfo=city("sondrio").tz
        ),
        ends_at=dt.datetime.combine(
            b2b_mission.start_date - dt.timedelta(days=7), dt.time(18), tzinfo=city("sondrio").tz
        ),
    )
    ApplicationFactory(mission=b2b_mission, firm=firm, applied_by=owner)
    ApplicationFactory(mission=b2b_mission, firm=newcomer_firm, status="waitlisted")
    partners = []
    for name, kind, langs in [
        ("Naturstein Import GmbH", Partner.Kind.IMPORTER, ["de", "it"]),
        ("Fassaden Köln AG", Partner.Kind.BUYER, ["de"]),
        ("Stone Trade KG", Partner.Kind.DISTRIBUTOR, ["en", "de"]),
    ]:
        partner = Partner.objects.create(
            name=name,
            kind=kind,
            city=koeln,
            nace_codes=["23.70"],
            languages=langs,
            products_sought="Natursteinfassaden, Granit",
            description="Importatore renano.",
            contact_name="Frau Weber",
        )
        partner.sectors.set([lapideo])
        MissionPartner.objects.create(mission=b2b_mission, partner=partner)
        partners.append(partner)
    b2b.slots_generate(mission_id=b2b_mission.pk)
    b2b.matchmaking_run(run_id=b2b.matchmaking_request(mission_id=b2b_mission.pk).pk)
    accepted = b2b.meeting_request_create(
        mission_id=b2b_mission.pk,
        firm=firm,
        user=owner,
        partner_id=partners[0].pk,
        priority=5,
        reason="Cercano graniti per facciate.",
    )
    b2b.meeting_requests_decide(request_ids=[accepted.pk], accept=True)
    b2b.meeting_request_create(
        mission_id=b2b_mission.pk, firm=firm, user=owner, partner_id=partners[1].pk, priority=3
    )
    b2b.partner_wish_create(mission_id=b2b_mission.pk, partner_id=partners[2].pk, firm_id=firm.pk)
    b2b.scheduler_run(mission_id=b2b_mission.pk)
    b2b.agenda_publish(mission_id=b2b_mission.pk)

    open_mission = MissionFactory(
        title="Pietra naturale a Dortmund",
        sectors=[lapideo],
        seats=1,
        max_delegates=2,
        summary="Importatori e distributori della Ruhr.",
    )
    ProgrammeItemFactory(mission=open_mission, city=city("dortmund"), title="Sessione B2B")
    Question.objects.create(
        mission=open_mission,
        label="Vi serve un interprete?",
        kind=Question.Kind.YES_NO,
        required=True,
    )
    Question.objects.create(
        mission=open_mission, label="Campioni da spedire", kind=Question.Kind.TEXT
    )
    ApplicationFactory(mission=open_mission)  # its only seat is taken: the form says waitlist
    MissionFactory(title="Meccanica di precisione a Lipsia", sectors=[metal])

    # Board: a question by the firm, answered by a mentor, with a reply; an experience.
    question = board_services.post_create(
        author=owner,
        kind=Post.Kind.QUESTION,
        title="Quanto costa una fiera a Monaco?",
        body="Stiamo valutando **Stone+tec**: quali costi avete avuto?\n\n- stand\n- viaggio",
        tags=[tags["fiere"], tags["baviera"]],
    )
    answer = board_services.comment_create(
        post=question, author=mentor, body="Contate circa *8.000 €* per uno stand di 12 m²."
    )
    board_services.comment_create(
        post=question, author=owner, body="Grazie, molto utile.", parent=answer
    )
    board_services.comment_create(post=question, author=newcomer, body="Interessa anche a noi.")
    board_services.post_create(
        author=mentor,
        kind=Post.Kind.EXPERIENCE,
        title="Tre anni con i distributori in Baviera",
        body="Il primo contatto è arrivato in fiera.",
        tags=[tags["logistica"]],
    )

    # Mentorship: the firm asked a mentor; a newcomer asked the firm.
    board_services.mentorship_request_create(
        requester=firm,
        user=owner,
        mentor=mentor_firm,
        topic="Certificazioni CE",
        message="Come avete gestito la marcatura CE per la Germania?",
    )
    board_services.mentorship_request_create(
        requester=newcomer_firm,
        user=newcomer,
        mentor=firm,
        topic="Prima fiera",
        message="Vorremmo un consiglio sulla prima fiera in Germania.",
    )

    notify(
        recipients=[owner, colleague],
        kind="announcement",
        object_key="announcement:1",
        context={"title": "Nuove missioni 2027", "body": "Il calendario è online."},
    )

    staff = StaffFactory(email="ufficio.estero@so.camcom.it", first_name="Anna")
    checkup_id, open_checkup_id = _checkups(firm, owner)
    _path_catalogues()
    stage_override_set(
        firm=mentor_firm,
        stage=JourneyStage.REGULAR_EXPORTER,
        reason="Esporta in Germania da dodici anni, prima di entrare nel Club.",
        by=staff,
    )
    return Club(
        owner=owner,
        firm=firm,
        mentor_firm=mentor_firm,
        staff=staff,
        b2b_mission_id=b2b_mission.pk,
        open_mission_id=open_mission.pk,
        question_id=question.pk,
        lapideo_id=lapideo.pk,
        checkup_id=checkup_id,
        open_checkup_id=open_checkup_id,
    )


def _checkups(firm: Firm, owner: User) -> tuple[int, int]:
    """Two completed check-ups (a year apart, the second better) and one in progress."""
    questionnaire = published_questionnaire()
    ids = []
    for days_ago, best in [(380, False), (200, True), (0, None)]:
        checkup = checkup_services.checkup_start(firm=firm, user=owner)
        for index, dim in enumerate(questionnaire.dimensions.all()):
            choices = {}
            for question in dim.questions.all():
                options = list(question.options.order_by("points"))
                good = best if best else index % 2 == 0
                choices[question.pk] = options[-1 if good and index % 3 else 0].pk
            checkup_services.checkup_answer(
                checkup_id=checkup.pk, dimension_id=dim.pk, choices=choices
            )
        if best is not None:
            checkup_services.checkup_complete(
                checkup_id=checkup.pk, at=timezone.now() - dt.timedelta(days=days_ago)
            )
        ids.append(checkup.pk)
    return ids[1], ids[2]


def _path_catalogues() -> None:
    """A Camera course and a funding instrument for the firm's gaps (the personal path)."""
    today = timezone.localdate()
    CameraService.objects.create(
        title="Corso: vendere in Germania, norme e fiere",
        kind=CameraService.Kind.TRAINING,
        starts_on=today + dt.timedelta(days=30),
        registration_deadline=today + dt.timedelta(days=20),
        link="https://www.so.camcom.it/corsi/germania",
        dimension_codes=["market", "languages", "organisation"],
        published_at=timezone.now(),
    )
    FundingInstrument.objects.create(
        name="Voucher internazionalizzazione",
        provider="Regione Lombardia",
        link="https://www.regione.lombardia.it/voucher",
        deadline=today + dt.timedelta(days=60),
        dimension_codes=["market", "languages", "organisation"],
        published_at=timezone.now(),
    )


# --- Key pages -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyPage:
    name: str
    who: str  # visitor, member, staff
    path: Callable[[Club], str]
    state: Callable[[Page], None] | None = None  # puts the page in a state (form errors, …)


def _invalid_application(page: Page) -> None:
    page.locator("input[name=delegates]").fill("5")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#id_delegates_error")).to_be_visible()


def _ask_to_withdraw(page: Page) -> None:
    # The withdraw button answers with the confirmation page; nothing is withdrawn yet.
    page.locator("main form[action*='/ritira/'] button[type=submit]").click()
    expect(page.locator("main form input[name=confirm]")).to_have_value("yes")


def _invalid_signup(page: Page) -> None:
    # The browser checks required fields itself; these pass it and fail on the server.
    page.locator("main input[name=email]").fill("giulia.bianchi@esempio.it")
    page.locator("main input[name=first_name]").fill("Giulia")
    page.locator("main input[name=last_name]").fill("Bianchi")
    page.locator("main input[name=password1]").fill("corta")
    page.locator("main input[name=password2]").fill("diversa")
    page.locator("main input[name=accept_terms]").check()
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main .errorlist").first).to_be_visible()


def _markdown_preview(page: Page) -> None:
    page.locator("input[name=title]").fill("Spedire campioni in Baviera")
    page.locator("textarea[name=body]").fill(
        "## Dogana\n\nServe la **bolla doganale**?\n\n- pallet\n- [Camera](https://www.so.camcom.it)"
    )
    expect(page.locator("#post-preview strong")).to_have_text("bolla doganale")


def _invalid_post(page: Page) -> None:
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main .errorlist").first).to_be_visible()


def _open_reply_and_report(page: Page) -> None:
    # The disclosure widgets (<details>) open (with Enter), so their forms are checked too.
    for summary in page.locator("main details > summary").all():
        summary.press("Enter")
    expect(page.locator("main details:not([open])")).to_have_count(0)


KEY_PAGES = [
    KeyPage("home", "visitor", lambda c: reverse("home")),
    KeyPage("terms", "visitor", lambda c: reverse("terms")),
    KeyPage("login", "visitor", lambda c: reverse("account_login")),
    KeyPage("signup", "visitor", lambda c: reverse("account_signup")),
    KeyPage("signup-errors", "visitor", lambda c: reverse("account_signup"), _invalid_signup),
    KeyPage("password-reset", "visitor", lambda c: reverse("account_reset_password")),
    KeyPage("firm-dashboard", "member", lambda c: reverse("my_firm")),
    KeyPage(
        "mission-list-filtered",
        "member",
        lambda c: reverse("missions:list") + f"?sector={c.lapideo_id}&status=open",
    ),
    KeyPage(
        "mission-detail", "member", lambda c: reverse("missions:detail", args=[c.b2b_mission_id])
    ),
    KeyPage(
        "withdraw-confirm",
        "member",
        lambda c: reverse("missions:detail", args=[c.b2b_mission_id]),
        _ask_to_withdraw,
    ),
    KeyPage(
        "mission-open", "member", lambda c: reverse("missions:detail", args=[c.open_mission_id])
    ),
    KeyPage("apply-form", "member", lambda c: reverse("missions:apply", args=[c.open_mission_id])),
    KeyPage(
        "apply-form-errors",
        "member",
        lambda c: reverse("missions:apply", args=[c.open_mission_id]),
        _invalid_application,
    ),
    KeyPage("b2b", "member", lambda c: reverse("missions:b2b", args=[c.b2b_mission_id])),
    KeyPage("agenda", "member", lambda c: reverse("missions:agenda", args=[c.b2b_mission_id])),
    KeyPage("firm-directory", "member", lambda c: reverse("members:directory")),
    KeyPage(
        "firm-detail", "member", lambda c: reverse("members:firm_detail", args=[c.mentor_firm.pk])
    ),
    KeyPage("checkup-start", "member", lambda c: reverse("checkup:index")),
    KeyPage(
        "checkup-question",
        "member",
        lambda c: reverse("checkup:step", args=[c.open_checkup_id, 2]),
    ),
    KeyPage("checkup-result", "member", lambda c: reverse("checkup:result", args=[c.checkup_id])),
    KeyPage("firm-edit", "member", lambda c: reverse("members:firm_edit")),
    KeyPage("team", "member", lambda c: reverse("members:team")),
    KeyPage("board-list", "member", lambda c: reverse("board:list")),
    KeyPage(
        "board-post-detail",
        "member",
        lambda c: reverse("board:detail", args=[c.question_id]),
        _open_reply_and_report,
    ),
    KeyPage("board-new-post", "member", lambda c: reverse("board:create") + "?tipo=question"),
    KeyPage(
        "board-new-post-preview",
        "member",
        lambda c: reverse("board:create") + "?tipo=experience",
        _markdown_preview,
    ),
    KeyPage("board-new-post-errors", "member", lambda c: reverse("board:create"), _invalid_post),
    KeyPage("mentors", "member", lambda c: reverse("board:mentors"), _open_reply_and_report),
    KeyPage("mentorship", "member", lambda c: reverse("board:mentorship")),
    KeyPage("notifications", "member", lambda c: reverse("notifications:inbox")),
    KeyPage("notification-preferences", "member", lambda c: reverse("notifications:preferences")),
    KeyPage("privacy", "member", lambda c: reverse("privacy:index")),
    KeyPage("privacy-erase", "member", lambda c: reverse("privacy:erase")),
    KeyPage("staff-dashboard", "staff", lambda c: reverse("staff_dashboard:index")),
    KeyPage("staff-journeys", "staff", lambda c: reverse("staff_dashboard:journeys")),
]
