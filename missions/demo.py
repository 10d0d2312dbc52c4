"""Demo missions for `manage.py seed_demo` (idempotent: missions are found by title)."""

import datetime as dt
import zoneinfo
from collections.abc import Iterable

import holidays
from django.utils import timezone

from members.models import Firm, Sector, User
from missions.models import (
    Application,
    City,
    Meeting,
    MeetingRequest,
    Mission,
    MissionPartner,
    Partner,
    ProgrammeItem,
    Question,
    Slot,
)
from missions.services import (
    agenda,
    applications,
    meeting_requests,
    outcomes,
    scheduling_runs,
    slots,
    suggestions,
)

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
ROME = zoneinfo.ZoneInfo("Europe/Rome")


# The German Land of each demo city: its public holidays come on top of the federal ones.
LAND = {"koeln": "NW", "dortmund": "NW", "leipzig": "SN", "berlin": "BE"}


def _at(day: dt.date, hour: int, minute: int = 0, tz=BERLIN) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=tz)


def is_working_day(day: dt.date, *, lands: Iterable[str] = ()) -> bool:
    """Monday to Friday and a public holiday neither in Italy (the firms travel from there) nor in
    Germany, federal or in one of `lands` (the Länder of the cities visited that day)."""
    if day.weekday() >= 5:
        return False
    calendars = [
        holidays.country_holidays("IT", years=day.year),
        holidays.country_holidays("DE", years=day.year),
        *(holidays.country_holidays("DE", subdiv=land, years=day.year) for land in lands),
    ]
    return not any(day in calendar for calendar in calendars)


def first_working_start(
    earliest: dt.date, *, offsets: Iterable[int], lands: Iterable[str]
) -> dt.date:
    """The first day from `earliest` on such that the day `offset` days after it is a working
    day for every offset: the demo's B2B and mission days never fall on a weekend or a holiday
    (a demo day on 25 December puzzled people)."""
    offsets, lands = list(offsets), list(lands)
    day = earliest
    while not all(is_working_day(day + dt.timedelta(days=n), lands=lands) for n in offsets):
        day += dt.timedelta(days=1)
    return day


def seed(today: dt.date | None = None) -> None:
    """The demo missions, dated from `today` (default: today) on working days."""
    today = today or timezone.localdate()
    cities = {c.slug: c for c in City.objects.all()}
    sectors = {s.slug: s for s in Sector.objects.all()}
    firms = {f.name: f for f in Firm.objects.all()}

    # Briefing in Sondrio a week before, then Köln, Dortmund and the flight back.
    start = first_working_start(
        today + dt.timedelta(days=45), offsets=[-7, 0, 1, 2], lands=[LAND["koeln"]]
    )
    cologne = _mission(
        "Metalmeccanico e lapideo a Colonia e Dortmund",
        summary="Incontri B2B con buyer e distributori tedeschi, visite a centri di ricerca.",
        # German and English versions beside the Italian (missions/translation.py).
        translated={
            "title_de": "Metall- und Natursteinbranche in Köln und Dortmund",
            "summary_de": "B2B-Gespräche mit deutschen Einkäufern und Händlern, Besuche in "
            "Forschungszentren.",
            "title_en": "Metalworking and natural stone in Cologne and Dortmund",
            "summary_en": "B2B meetings with German buyers and distributors, visits to research "
            "centres.",
        },
        description=(
            "La prima missione del Club: due giornate di incontri B2B con buyer, importatori e "
            "distributori della Renania Settentrionale-Vestfalia, la visita al Fraunhofer IML di "
            "Dortmund e alla Technische Hochschule di Colonia."
        ),
        sectors=[sectors["metalmeccanico"], sectors["lapideo"]],
        start=start,
        end=start + dt.timedelta(days=2),
        seats=12,
        deadline=_at(today + dt.timedelta(days=20), 18, tz=ROME),
        costs="Quota di partecipazione 350 € per impresa (IVA esclusa). Inclusi: voli da "
        "Milano, hotel (2 notti), transfer, interprete agli incontri B2B, cena di networking.",
        programme=[
            (
                cities["sondrio"],
                "briefing",
                "Briefing di preparazione",
                start - dt.timedelta(days=7),
                (17, 0),
                (19, 0),
                "Camera di Commercio, via Piazzi 23",
                ROME,
            ),
            (
                cities["koeln"],
                "transfer",
                "Volo Milano Linate – Colonia/Bonn",
                start,
                (7, 30),
                (9, 15),
                "Aeroporto Köln/Bonn",
                BERLIN,
            ),
            (
                cities["koeln"],
                "b2b",
                "Sessione B2B con buyer e distributori",
                start,
                (10, 30),
                (17, 0),
                "Koelnmesse, Congress-Centrum Nord",
                BERLIN,
            ),
            (
                cities["koeln"],
                "dinner",
                "Cena di networking con la Camera di Commercio italo-tedesca",
                start,
                (19, 30),
                (22, 0),
                "Brauhaus Früh am Dom",
                BERLIN,
            ),
            (
                cities["dortmund"],
                "research",
                "Visita al Fraunhofer IML (logistica e automazione)",
                start + dt.timedelta(days=1),
                (9, 30),
                (12, 0),
                "Joseph-von-Fraunhofer-Str. 2-4",
                BERLIN,
            ),
            (
                cities["dortmund"],
                "b2b",
                "Sessione B2B: costruzioni e pietra naturale",
                start + dt.timedelta(days=1),
                (14, 0),
                (18, 0),
                "Westfalenhallen",
                BERLIN,
            ),
            (
                cities["koeln"],
                "transfer",
                "Volo Colonia/Bonn – Milano Linate",
                start + dt.timedelta(days=2),
                (11, 0),
                (12, 40),
                "Aeroporto Köln/Bonn",
                BERLIN,
            ),
        ],
        questions=[
            ("Vi serve un interprete agli incontri?", "yesno", "", True),
            ("Spedirete campioni di prodotto?", "yesno", "", False),
            ("Esigenze alimentari", "text", "", False),
        ],
    )
    _confirm(cologne, firms.get("Officine Meccaniche Adda S.r.l."))
    _confirm(cologne, firms.get("Carpenterie Tellina S.p.A."))

    b2b_day = first_working_start(
        today + dt.timedelta(days=25), offsets=[0], lands=[LAND["dortmund"]]
    )
    dortmund = _mission(
        "Giornata B2B a Dortmund: subfornitura meccanica",
        summary="Una giornata di incontri con i capi acquisti dell'industria della Ruhr.",
        description="Piccola delegazione: due imprese, agenda di incontri preparata dalla Camera.",
        sectors=[sectors["metalmeccanico"], sectors["lapideo"]],
        start=b2b_day,
        end=b2b_day,
        seats=2,
        deadline=_at(today + dt.timedelta(days=10), 12, tz=ROME),
        costs="Quota 150 € per impresa. Viaggio a carico delle imprese.",
        programme=[
            (
                cities["dortmund"],
                "b2b",
                "Incontri B2B con i buyer",
                b2b_day,
                (9, 0),
                (16, 0),
                "IHK zu Dortmund, Märkische Str. 120",
                BERLIN,
            ),
        ],
        questions=[],
    )
    _confirm(dortmund, firms.get("Officine Meccaniche Adda S.r.l."))
    _confirm(dortmund, firms.get("Minuterie Valchiavenna S.r.l."))

    food_start = first_working_start(
        today + dt.timedelta(days=90),
        offsets=[0, 1, 2, 3],
        lands=[LAND["leipzig"], LAND["berlin"]],
    )
    _mission(
        "Agroalimentare a Lipsia e Berlino",
        summary="Buyer della grande distribuzione e importatori di specialità italiane.",
        description=(
            "Incontri con i buyer della GDO tedesca e con gli importatori di specialità, "
            "degustazione dei prodotti della Valtellina all'Istituto Italiano di Cultura."
        ),
        sectors=[sectors["agroalimentare"]],
        start=food_start,
        end=food_start + dt.timedelta(days=3),
        seats=10,
        opens=_at(today + dt.timedelta(days=14), 9, tz=ROME),
        deadline=_at(today + dt.timedelta(days=60), 18, tz=ROME),
        costs="Quota 400 € per impresa. Spedizione dei campioni organizzata dalla Camera.",
        programme=[
            (
                cities["leipzig"],
                "fair",
                "Visita al mercato all'ingrosso di Lipsia",
                food_start,
                (8, 0),
                (11, 0),
                "Großmarkt Leipzig",
                BERLIN,
            ),
            (
                cities["leipzig"],
                "b2b",
                "Sessione B2B con importatori",
                food_start,
                (14, 0),
                (18, 0),
                "Handelskammer Leipzig",
                BERLIN,
            ),
            (
                cities["berlin"],
                "b2b",
                "Incontri con i buyer della GDO",
                food_start + dt.timedelta(days=2),
                (10, 0),
                (17, 0),
                "KaDeWe Group, Tauentzienstr.",
                BERLIN,
            ),
            (
                cities["berlin"],
                "dinner",
                "Degustazione: Valtellina a Berlino",
                food_start + dt.timedelta(days=2),
                (19, 0),
                (22, 0),
                "Istituto Italiano di Cultura",
                BERLIN,
            ),
        ],
        questions=[("Prodotti che porterete in degustazione", "text", "", True)],
    )


def _mission(
    title, *, sectors, programme, questions, opens=None, translated=None, **fields
) -> Mission:
    mission = Mission.objects.filter(title_it=title).first()
    if mission:
        return mission
    mission = Mission.objects.create(
        title=title,
        summary=fields["summary"],
        description=fields["description"],
        start_date=fields["start"],
        end_date=fields["end"],
        seats=fields["seats"],
        registration_opens_at=opens,
        registration_deadline=fields["deadline"],
        costs=fields["costs"],
        status=Mission.Status.PUBLISHED,
        published_at=timezone.now(),
        **(translated or {}),
    )
    mission.sectors.set(sectors)
    for city, kind, item_title, day, (h1, m1), (h2, m2), place, tz in programme:
        ProgrammeItem.objects.create(
            mission=mission,
            city=city,
            kind=kind,
            title=item_title,
            place=place,
            starts_at=_at(day, h1, m1, tz),
            ends_at=_at(day, h2, m2, tz),
        )
    for order, (label, kind, choices, required) in enumerate(questions):
        Question.objects.create(
            mission=mission,
            label=label,
            kind=kind,
            choices=choices,
            required=required,
            order=order,
        )
    return mission


def _confirm(mission: Mission, firm: Firm | None) -> None:
    if firm is None:
        return
    owner = User.objects.filter(membership__firm=firm, membership__role="owner").first()
    Application.objects.get_or_create(
        mission=mission,
        firm=firm,
        status__in=Application.ACTIVE,
        defaults={
            "status": Application.Status.CONFIRMED,
            "applied_by": owner,
            "delegates": 2,
            "note": "Presentiamo le nostre lavorazioni e cerchiamo distributori.",
            "decided_at": timezone.now(),
        },
    )


PARTNERS = [
    # name, kind, city slug, sector slugs, NACE codes, products sought, languages, description
    (
        "Rhein Naturstein Import GmbH",
        "importer",
        "koeln",
        ["lapideo"],
        ["23.70"],
        "Natursteinfassaden, Granit und Serizzo für Fassaden und Böden",
        ["de", "it"],
        "Importatore di pietre naturali per facciate ventilate e pavimenti, clienti in tutta la "
        "Renania.",
    ),
    (
        "Westfalen Maschinenbau Einkauf AG",
        "buyer",
        "dortmund",
        ["metalmeccanico"],
        ["25.62", "28"],
        "CNC-Drehteile, Zerspanung, Baugruppen für Landmaschinen",
        ["de", "en"],
        "Ufficio acquisti di un gruppo di costruttori di macchine agricole.",
    ),
    (
        "Fraunhofer IML",
        "research",
        "dortmund",
        ["metalmeccanico"],
        ["25", "28", "52.29"],
        "Automatisierung, Logistiksysteme, Industrie 4.0",
        ["de", "en"],
        "Istituto di ricerca su logistica e automazione: progetti comuni e trasferimento "
        "tecnologico.",
    ),
    (
        "Kölner Stahlbau Handel KG",
        "distributor",
        "koeln",
        ["metalmeccanico"],
        ["25.11"],
        "Stahlkonstruktionen, Schweißbaugruppen",
        ["de"],
        "Distributore di carpenteria metallica per l'edilizia.",
    ),
    (
        "Leipziger Feinkost Import GmbH",
        "importer",
        "leipzig",
        ["agroalimentare"],
        ["10.1"],
        "Feinkost aus Italien: Bresaola, Käse, Pizzoccheri",
        ["de", "it"],
        "Importatore di specialità italiane per gastronomie e catering.",
    ),
    (
        "Berliner Weinhandel",
        "distributor",
        "berlin",
        ["agroalimentare"],
        ["11.02"],
        "Rotwein aus Bergregionen, Nebbiolo",
        ["de", "en"],
        "Distributore di vini per la ristorazione berlinese.",
    ),
]


def seed_b2b() -> None:
    """Partners, accepted meetings and a published agenda on the Colonia–Dortmund mission."""
    cities = {c.slug: c for c in City.objects.all()}
    sectors = {s.slug: s for s in Sector.objects.all()}
    partners = {}
    for name, kind, slug, sector_slugs, nace, sought, langs, description in PARTNERS:
        partner, created = Partner.objects.get_or_create(
            name=name,
            defaults={
                "kind": kind,
                "city": cities[slug],
                "nace_codes": nace,
                "products_sought": sought,
                "languages": langs,
                "description": description,
                "contact_name": "Frau Schneider",
            },
        )
        if created:
            partner.sectors.set([sectors[s] for s in sector_slugs])
        partners[name] = partner
    mission = Mission.objects.filter(
        title_it="Metalmeccanico e lapideo a Colonia e Dortmund"
    ).first()
    if mission is None or mission.agenda_published_at:
        return
    for name, *_ in PARTNERS[:4]:
        MissionPartner.objects.get_or_create(mission=mission, partner=partners[name])
    if not Slot.objects.filter(session__mission=mission).exists():
        slots.slots_generate(mission_id=mission.pk)
    run = suggestions.matchmaking_request(mission_id=mission.pk)
    suggestions.matchmaking_run(run_id=run.pk)
    mentor = Firm.objects.filter(name="Officine Meccaniche Adda S.r.l.").first()
    if (
        mentor
        and not MeetingRequest.objects.filter(mission=mission, firm=mentor).exists()
        # The members seed gives the firm its people; without them there is no one to request.
        and (owner := User.objects.filter(membership__firm=mentor).first())
    ):
        for name, priority in [
            ("Westfalen Maschinenbau Einkauf AG", 5),
            ("Fraunhofer IML", 4),
            ("Kölner Stahlbau Handel KG", 3),
        ]:
            request = meeting_requests.meeting_request_create(
                mission_id=mission.pk,
                firm=mentor,
                user=owner,
                partner_id=partners[name].pk,
                priority=priority,
                reason="Cerchiamo clienti per lavorazioni CNC",
            )
            meeting_requests.meeting_requests_decide(request_ids=[request.pk], accept=True)
    scheduling_runs.scheduler_run(mission_id=mission.pk)
    agenda.agenda_publish(mission_id=mission.pk)


PAST_MISSION = "Subfornitura meccanica a Dortmund"


def seed_past(today: dt.date | None = None) -> None:
    """A mission two months ago, so the demo firms' journeys differ (issue 19): the mentor firm
    took part, met a buyer (held) and recorded an offer. Written through the services staff and
    firms use (confirm, request, accept, schedule, attendance, outcome); the mission itself and
    its programme are created as the other demo missions are. Idempotent: found by title."""
    today = today or timezone.localdate()
    firm = Firm.objects.filter(name="Officine Meccaniche Adda S.r.l.").first()
    partner = Partner.objects.filter(name="Westfalen Maschinenbau Einkauf AG").first()
    owner = User.objects.filter(membership__firm=firm, membership__role="owner").first()
    if firm is None or partner is None or owner is None:
        return
    if Mission.objects.filter(title_it=PAST_MISSION).exists():
        return
    cities = {c.slug: c for c in City.objects.all()}
    sectors = {s.slug: s for s in Sector.objects.all()}
    day = first_working_start(today - dt.timedelta(days=60), offsets=[0], lands=[LAND["dortmund"]])
    mission = _mission(
        PAST_MISSION,
        summary="Incontri B2B con i buyer della meccanica della Ruhr.",
        translated={
            "title_de": "Mechanische Zulieferung in Dortmund",
            "summary_de": "B2B-Gespräche mit Einkäufern des Maschinenbaus im Ruhrgebiet.",
            "title_en": "Mechanical subcontracting in Dortmund",
            "summary_en": "B2B meetings with mechanical engineering buyers of the Ruhr.",
        },
        description=(
            "Una giornata di incontri B2B con uffici acquisti della meccanica della Ruhr, "
            "alla ricerca di subfornitori di lavorazioni CNC e carpenteria."
        ),
        sectors=[sectors["metalmeccanico"]],
        start=day,
        end=day,
        seats=8,
        deadline=_at(day - dt.timedelta(days=21), 18, tz=ROME),
        costs="Quota di partecipazione 200 € per impresa (IVA esclusa).",
        programme=[
            (
                cities["dortmund"],
                "b2b",
                "Sessione B2B con gli uffici acquisti",
                day,
                (10, 0),
                (13, 0),
                "Westfalenhallen, Dortmund",
                BERLIN,
            ),
        ],
        questions=[],
    )
    _confirm(mission, firm)
    application = Application.objects.get(mission=mission, firm=firm)
    applications.applications_mark_attended(application_ids=[application.pk], attended=True)
    MissionPartner.objects.get_or_create(mission=mission, partner=partner)
    slots.slots_generate(mission_id=mission.pk)
    request = meeting_requests.meeting_request_create(
        mission_id=mission.pk,
        firm=firm,
        user=owner,
        partner_id=partner.pk,
        priority=5,
        reason="Cerchiamo clienti per lavorazioni CNC",
    )
    meeting_requests.meeting_requests_decide(request_ids=[request.pk], accept=True)
    scheduling_runs.scheduler_run(mission_id=mission.pk)
    meeting = Meeting.objects.get(request=request)
    outcomes.meetings_mark_attendance(meeting_ids=[meeting.pk], attendance="held")
    outcomes.meeting_record_outcome(
        meeting_id=meeting.pk,
        firm=firm,
        outcome="offer",
        note="Offerta per 2.000 flange lavorate CNC, consegna franco destino (DAP).",
        value_band="10k-50k",
    )
