"""A club-scale dataset for performance work: `manage.py seed_large [--scale 1.0] [--seed 42]`.

At scale 1: 10,000 approved firms (a user and an owner membership each), 500 published missions
(4 programme items each), 20,000 applications, 200 German partners with 5,000 accepted meeting
requests and meetings, 50,000 board posts (1-3 tags each, spread over 3 years) with ~100,000
comments, and notifications. `--scale 0.1` makes one tenth of every count. Deterministic for a
given seed (random.Random) and day. Everything is written with bulk_create in batches, in one
transaction, then VACUUM ANALYZE gives the planner fresh statistics, as autovacuum would.

It refuses to run twice on the same database. It also creates the benchmark login
(bench@club.example, password BENCH_PASSWORD), owner of an approved mentor firm that is
confirmed on some missions, has posts (one of them with 30 comments), meetings and notifications,
so that every key page has content.

At every scale, the same size (a mission's, not the club's): a mission happening today in Köln
(MISSION_DAY: 36 confirmed firms with the bench firm, 24 attending partners with the bench partner
contact's, invited; ~210 accepted meetings placed in today's B2B session, 24 slots x 15 tables,
a few left waiting; agendas published; badges, 60 % checked in), a staff member with two-factor
authentication (bench-staff@club.example, BENCH_PASSWORD, TOTP secret BENCH_TOTP_SECRET) for the
staff board and the check-in, and two completed check-ups of the bench firm. These go through the
services (day_passes_issue, check_in_record, checkup.services), the volume with bulk_create.
"""

import datetime as dt
import math
import random
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from board import markdown
from board.models import Comment, Follow, MentorProfile, Post, Tag
from checkup import services as checkup_services
from checkup.models import CheckUp, Questionnaire
from members.comuni import COMUNI_SONDRIO
from members.models import Firm, Membership, Sector, User
from members.vat import example_vat_number
from missionday.models import CheckIn, DayPass
from missionday.services.passes import check_in_record, day_passes_issue
from missions.models import (
    Application,
    City,
    Meeting,
    MeetingRequest,
    Mission,
    MissionPartner,
    Partner,
    ProgrammeItem,
    Slot,
)
from missions.services.slots import slots_generate
from notifications.models import Notification
from partners.models import PartnerContact, PartnerInvitation

BENCH_EMAIL = "bench@club.example"
# The benchmark's German partner contact (benchmarks/pages.py signs in with a link it issues).
BENCH_PARTNER_EMAIL = "bench-partner@club.example"
BENCH_PASSWORD = "bench-club-2026"  # noqa: S105 - published benchmark password, throw-away data
# The benchmark's staff member: is_staff with a TOTP authenticator of this published secret, so
# that benchmarks/pages.py signs in with the password and the current code, as staff do.
BENCH_STAFF_EMAIL = "bench-staff@club.example"
BENCH_TOTP_SECRET = "KRUGKIDROVUWG2ZAMJZG653OEBTG66BA"  # noqa: S105 - published, throw-away data
MISSION_DAY_TITLE = "Bench: giornata B2B di oggi a Colonia"


# The mission happening today has a mission's size at every scale (like SHOWCASE_COMMENTS: the
# mission-day pages compare like with like): its firms, partners, each firm's meetings, the B2B
# session's slots and tables, the share of badges already checked in.
@dataclass(frozen=True)
class MissionDaySize:
    firms: int = 36
    partners: int = 24
    meetings_per_firm: int = 6
    unplaced: int = 4  # accepted meetings left waiting for a freed table
    slot_minutes: int = 20
    hours: tuple[int, int] = (9, 17)  # the B2B session, in Köln's time
    tables: int = 15
    checked_in: float = 0.6  # the share of badges already checked in


MISSION_DAY = MissionDaySize()
MARKER_FIRM = "Bench Export Valtellina S.r.l."
SHOWCASE_TITLE = "Bench: esperienza con molti commenti"
SHOWCASE_COMMENTS = 30  # fixed at every scale: the detail page compares like with like
VAT_OFFSET = 5_000_000  # demo data and the other benchmarks use serials below 20,000
BATCH = 2000  # wide rows (firms, posts, ...)
BATCH_NARROW = 5000  # through tables, comments, ...

BASE_COUNTS = {
    "firms": 10_000,
    "missions": 500,
    "applications": 20_000,
    "partners": 200,
    "meetings": 5_000,
    "posts": 50_000,
    "comments": 100_000,
    "bench_notifications": 200,
    "bench_posts": 50,
}

FIRST_NAMES = [
    "Marco",
    "Giulia",
    "Luca",
    "Chiara",
    "Paolo",
    "Elena",
    "Andrea",
    "Sara",
    "Matteo",
    "Francesca",
    "Davide",
    "Silvia",
    "Stefano",
    "Laura",
    "Simone",
    "Anna",
]
LAST_NAMES = [
    "Fognini",
    "Gianoli",
    "Pedrotti",
    "Bianchi",
    "Della Bitta",
    "Moretti",
    "Songini",
    "Cusini",
    "Tognolini",
    "Bertolini",
    "Rossi",
    "Fumagalli",
    "Mottarella",
    "Sertori",
    "Pini",
    "Negri",
]
FIRM_WORDS = {
    "metalmeccanico": (
        [
            "Officine",
            "Meccanica",
            "Carpenterie",
            "Minuterie",
            "Torneria",
            "Stampaggi",
            "Fonderia",
            "Automazioni",
        ],
        ["Adda", "Retica", "Orobica", "Valchiavenna", "Alpina", "del Mera", "Tellina", "Bitto"],
    ),
    "lapideo": (
        ["Graniti", "Pietre", "Marmi", "Cave", "Serizzo", "Beole"],
        ["Val Masino", "Valmalenco", "di Chiavenna", "del Bernina", "Novate", "Retiche"],
    ),
    "agroalimentare": (
        [
            "Salumificio",
            "Cantina",
            "Latteria",
            "Meleti",
            "Pizzoccheri",
            "Distilleria",
            "Caseificio",
        ],
        [
            "Alta Valle",
            "Terrazze Retiche",
            "del Bitto",
            "di Ponte",
            "Teglio",
            "Valtellina",
            "Bormio",
        ],
    ),
}
LEGAL_FORMS = ["S.r.l.", "S.p.A.", "S.n.c.", "S.a.s.", "Soc. Coop."]
PRODUCTS = {
    "metalmeccanico": "Lavorazioni meccaniche CNC, componenti per macchine, carpenteria metallica.",
    "lapideo": "Granito e serizzo per facciate, pavimenti e arredo urbano.",
    "agroalimentare": "Bresaola IGP, formaggi d'alpeggio, vini della Valtellina, mele.",
}
MARKETS = [m.value for m in Firm.Market]
LANGUAGES = [lang.value for lang in Firm.Language]
CITY_NAMES = {"koeln": "Colonia", "dortmund": "Dortmund", "leipzig": "Lipsia", "berlin": "Berlino"}

IT_SUBJECTS = [
    "Il nostro importatore di Colonia",
    "Un buyer della Ruhr",
    "Il distributore",
    "La fiera di Norimberga",
    "L'agente plurimandatario",
    "Il cliente di Lipsia",
    "La Camera italo-tedesca",
    "Il nostro ufficio acquisti",
    "Lo spedizioniere",
]
IT_VERBS = ["chiede", "propone", "richiede", "ha confermato", "vuole rivedere", "ha rifiutato"]
IT_OBJECTS = [
    "il pagamento a 60 giorni",
    "la certificazione EN 1090",
    "un listino in euro",
    "campioni certificati",
    "la consegna franco destino",
    "un contratto quadro",
    "la documentazione tecnica in tedesco",
    "l'assicurazione del credito",
    "la marcatura CE",
    "un ordine di prova",
]
DE_SENTENCES = [
    "Wir suchen Lieferanten für Natursteinfassaden.",
    "Die Zahlung erfolgt innerhalb von 30 Tagen nach Rechnungsstellung.",
    "Unsere Kunden erwarten Lieferzeiten von höchstens vier Wochen.",
    "Bitte senden Sie uns ein Angebot mit Preisen frei Haus.",
    "Die Zertifizierung nach DIN EN ISO 9001 ist Voraussetzung.",
    "Wir haben gute Erfahrungen mit Handelsvertretern in Nordrhein-Westfalen gemacht.",
    "Die Messe in Köln ist der wichtigste Treffpunkt der Branche.",
]
IT_TITLES = [
    "Come gestire {obj} con un cliente tedesco?",
    "Esperienza: {obj} a {city}",
    "{city}: chi ha esperienza con {obj}?",
    "Consigli su {obj}",
    "Primo ordine in Germania: {obj}",
]
COMMENTS = [
    "Noi usiamo l'assicurazione del credito: costa poco rispetto al rischio.",
    "Chiedete una visura (Handelsregisterauszug) prima di firmare.",
    "Grazie, molto utile!",
    "Anche a noi è successo lo stesso a Dortmund.",
    "Vi consiglio di passare dalla Camera italo-tedesca.",
    "Das stimmt, wir liefern immer frei Haus.",
    "Quanto tempo è servito per il primo ordine?",
    "Il listino in tedesco fa la differenza.",
    "Meglio un contratto quadro annuale.",
]


def _sentence(rng: random.Random) -> str:
    return f"{rng.choice(IT_SUBJECTS)} {rng.choice(IT_VERBS)} {rng.choice(IT_OBJECTS)}."


def _body_pool(rng: random.Random, size: int) -> list[tuple[str, str]]:
    """(markdown, html) bodies, Italian with some German, rendered once each by the real
    renderer and reused: rendering 50,000 posts one by one would dominate the seed time."""
    pool = []
    for _ in range(size):
        paragraphs = []
        for _ in range(rng.randint(2, 4)):
            sentences = [_sentence(rng) for _ in range(rng.randint(1, 3))]
            if rng.random() < 0.4:
                sentences.append(rng.choice(DE_SENTENCES))
            paragraphs.append(" ".join(sentences))
        if rng.random() < 0.3:
            paragraphs.append("\n".join(f"- {rng.choice(IT_OBJECTS)}" for _ in range(3)))
        body = "\n\n".join(paragraphs)
        pool.append((body, markdown.render(body)))
    return pool


@contextmanager
def explicit_dates(fields: Iterable[Any]) -> Iterator[None]:
    """Let bulk_create store the created_at/updated_at values we give (spread over years)
    instead of now(): auto_now/auto_now_add are switched off on these fields, in this process,
    for the duration of the block only."""
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    try:
        for f, _, _ in saved:
            f.auto_now = f.auto_now_add = False
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


class Command(BaseCommand):
    help = "Load a large, deterministic dataset for benchmarks (refuses to run twice)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=float, default=1.0, help="1.0 (default) or 0.1")
        parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")

    def handle(self, *args: Any, scale: float, seed: int, **options: Any) -> None:
        if not 0 < scale <= 10:
            raise CommandError("--scale must be in (0, 10].")
        if (
            Firm.objects.filter(name=MARKER_FIRM).exists()
            or User.objects.filter(email=BENCH_EMAIL).exists()
        ):
            raise CommandError(
                f"seed_large has already run on this database (firm {MARKER_FIRM!r} / user "
                f"{BENCH_EMAIL} exist). Use a fresh database (e.g. `make clean`)."
            )
        self.rng = random.Random(seed)  # noqa: S311 - test data, not security
        self.n = {k: max(1, round(v * scale)) for k, v in BASE_COUNTS.items()}
        self.now = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        self.timings: list[tuple[str, float]] = []
        started = time.monotonic()
        self.stdout.write(f"seed_large: scale {scale}, seed {seed}")
        date_fields = [
            Post._meta.get_field(name) for name in ("created_at", "updated_at", "last_activity_at")
        ]
        date_fields += [Comment._meta.get_field(n) for n in ("created_at", "updated_at")]
        date_fields += [Notification._meta.get_field("created_at")]
        with explicit_dates(date_fields), transaction.atomic():
            self.step("firms, users, memberships", self.seed_firms)
            self.step("missions, programme, sectors", self.seed_missions)
            self.step("applications", self.seed_applications)
            self.step("partners, meeting requests, meetings", self.seed_meetings)
            self.step("bench partner contact, agenda", self.seed_partner_contact)
            self.step("posts, tags", self.seed_posts)
            self.step("post search vectors", self.seed_search)
            self.step("comments", self.seed_comments)
            self.step("notifications, follows", self.seed_notifications)
        # Through the services (badges, check-ins, check-ups): outside explicit_dates, so their
        # auto_now fields (and any notification they write) get now.
        with transaction.atomic():
            self.step("bench staff login (2FA)", self.seed_staff)
            self.step("mission day today, badges, check-ins", self.seed_mission_day)
            self.step("bench firm check-ups", self.seed_checkups)
        self.step("vacuum analyze", self.vacuum_analyze)
        total = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"seed_large: total {total:.1f} s"))
        self.stdout.write(f"  benchmark login: {BENCH_EMAIL} / {BENCH_PASSWORD}")
        self.stdout.write(
            f"  benchmark staff login: {BENCH_STAFF_EMAIL} / {BENCH_PASSWORD}, "
            f"TOTP secret {BENCH_TOTP_SECRET}"
        )

    def step(self, name: str, func: Callable[[], object]) -> None:
        started = time.monotonic()
        detail = func()
        elapsed = time.monotonic() - started
        self.timings.append((name, elapsed))
        self.stdout.write(f"  {name:40} {elapsed:6.1f} s  {detail or ''}")
        self.stdout.flush()

    # --- Firms ---------------------------------------------------------------------------------

    def seed_firms(self) -> str:
        rng, count = self.rng, self.n["firms"]
        self.sectors = {s.slug: s for s in Sector.objects.all()}
        sector_list = [self.sectors[slug] for slug in sorted(self.sectors) if slug in FIRM_WORDS]
        password = make_password(None)  # unusable: only the benchmark user logs in
        users, firms = [], []
        for n in range(count):
            sector = rng.choice(sector_list)
            first, second = FIRM_WORDS[sector.slug]
            prefix = rng.choice(sector.ateco_prefixes)
            is_mentor = rng.random() < 0.05
            users.append(
                User(
                    email=f"referente{n:05d}@imprese.bench.example",
                    first_name=rng.choice(FIRST_NAMES),
                    last_name=rng.choice(LAST_NAMES),
                    password=password,
                    terms_accepted_at=self.now,
                    terms_version="2026-11",
                    directory_consent=rng.random() < 0.6,
                    language=rng.choice(["it", "it", "it", "de", "en"]),
                )
            )
            firms.append(
                Firm(
                    name=f"{rng.choice(first)} {rng.choice(second)} {n:05d} "
                    f"{rng.choice(LEGAL_FORMS)}",
                    vat_number=example_vat_number(VAT_OFFSET + n),
                    ateco_code=f"{prefix}.{rng.randint(10, 99)}",
                    sector=sector,
                    comune=rng.choice(COMUNI_SONDRIO),
                    website=f"https://impresa{n:05d}.example.it" if rng.random() < 0.7 else "",
                    description="Impresa della provincia di Sondrio. " + PRODUCTS[sector.slug],
                    products=PRODUCTS[sector.slug],
                    employees=rng.choice(["1-9", "1-9", "10-49", "10-49", "50-249", "250+"]),
                    export_share=rng.choice([0, 0, 10, 25, 50, 100]),
                    target_markets=rng.sample(MARKETS, rng.randint(0, 3)),
                    languages=["it", *rng.sample(LANGUAGES[1:], rng.randint(0, 2))],
                    is_mentor=is_mentor,
                    status=Firm.Status.APPROVED,
                    approved_at=self.now - dt.timedelta(days=rng.randint(1, 1000)),
                )
            )
        # The benchmark login: owner of an approved mentor firm, the last row of each list.
        bench_user = User(
            email=BENCH_EMAIL,
            first_name="Bruno",
            last_name="Benchmark",
            password=make_password(BENCH_PASSWORD),
            terms_accepted_at=self.now,
            terms_version="2026-11",
            directory_consent=True,
        )
        users.append(bench_user)
        firms.append(
            Firm(
                name=MARKER_FIRM,
                vat_number=example_vat_number(VAT_OFFSET - 1),
                ateco_code="25.62.00",
                sector=self.sectors["metalmeccanico"],
                comune="Morbegno",
                website="https://bench.example.it",
                description="L'impresa dei benchmark.",
                products=PRODUCTS["metalmeccanico"],
                employees="10-49",
                export_share=50,
                target_markets=["DE", "AT"],
                languages=["it", "de"],
                is_mentor=True,
                status=Firm.Status.APPROVED,
                approved_at=self.now,
            )
        )
        users = User.objects.bulk_create(users, batch_size=BATCH)
        firms = Firm.objects.bulk_create(firms, batch_size=BATCH)
        Membership.objects.bulk_create(
            (
                Membership(user=u, firm=f, role=Membership.Role.OWNER)
                for u, f in zip(users, firms, strict=True)
            ),
            batch_size=BATCH_NARROW,
        )
        EmailAddress.objects.create(user=bench_user, email=BENCH_EMAIL, verified=True, primary=True)
        MentorProfile.objects.create(
            firm=firms[-1],
            markets="Germania, Austria",
            years_exporting=10,
            expertise="Subfornitura meccanica, certificazioni.",
        )
        self.bench_user, self.bench_firm = users[-1], firms[-1]
        self.firms = firms[:-1]
        self.owner_of = {f.pk: u.pk for u, f in zip(users, firms, strict=True)}
        return f"{len(firms)} firms, {len(users)} users"

    # --- Missions --------------------------------------------------------------------------------

    def seed_missions(self) -> str:
        rng, count = self.rng, self.n["missions"]
        cities = {c.slug: c for c in City.objects.all()}
        german = [cities[slug] for slug in CITY_NAMES if slug in cities]
        sector_list = sorted(self.sectors.values(), key=lambda s: s.slug)
        missions, plans = [], []
        for n in range(count):
            # Start dates from a year ago to a year ahead; deadline 15-40 days before the start.
            start = self.now.date() + dt.timedelta(days=rng.randint(-365, 365))
            length = rng.randint(1, 4)
            deadline = self.now.replace(hour=18) + dt.timedelta(
                days=(start - self.now.date()).days - rng.randint(15, 40)
            )
            opens = None
            if rng.random() < 0.15:
                opens = deadline - dt.timedelta(days=rng.randint(20, 90))
            trip = rng.sample(german, 2)
            mission_sectors = rng.sample(sector_list, rng.choice([1, 1, 2]))
            title = (
                f"{' e '.join(s.name for s in mission_sectors)} a "
                f"{CITY_NAMES[trip[0].slug]} e {CITY_NAMES[trip[1].slug]} #{n + 1}"
            )
            missions.append(
                Mission(
                    title=title,
                    summary="Incontri B2B con buyer e distributori tedeschi.",
                    description="Missione commerciale del Club: incontri B2B, visite aziendali "
                    "e una cena di networking con la Camera di Commercio italo-tedesca.",
                    start_date=start,
                    end_date=start + dt.timedelta(days=length),
                    seats=rng.randint(20, 50),
                    registration_opens_at=opens,
                    registration_deadline=deadline,
                    costs="Quota 350 € per impresa (IVA esclusa).",
                    status=Mission.Status.PUBLISHED,
                    published_at=deadline - dt.timedelta(days=100),
                )
            )
            plans.append((start, length, trip, mission_sectors))
        missions = Mission.objects.bulk_create(missions, batch_size=BATCH)
        through = Mission.sectors.through
        links, items = [], []
        kinds = [
            ("b2b", "Sessione B2B con buyer"),
            ("visit", "Visita aziendale"),
            ("research", "Visita a un centro di ricerca"),
            ("dinner", "Cena di networking"),
        ]
        for mission, (start, length, trip, mission_sectors) in zip(missions, plans, strict=True):
            links += [through(mission_id=mission.pk, sector_id=s.pk) for s in mission_sectors]
            for i, (kind, title) in enumerate(kinds):
                day = start + dt.timedelta(days=min(i // 2, length))
                city = trip[i // 2]
                begin = dt.datetime.combine(day, dt.time(9 + 5 * (i % 2)), tzinfo=city.tz)
                items.append(
                    ProgrammeItem(
                        mission=mission,
                        city=city,
                        kind=kind,
                        title=title,
                        starts_at=begin,
                        ends_at=begin + dt.timedelta(hours=3),
                        place=f"Centro congressi di {city.local_name}",
                    )
                )
        through.objects.bulk_create(links, batch_size=BATCH_NARROW)
        ProgrammeItem.objects.bulk_create(items, batch_size=BATCH)
        self.missions = missions
        self.mission_sectors = {
            m.pk: {s.pk for s in p[3]} for m, p in zip(missions, plans, strict=True)
        }
        return f"{len(missions)} missions, {len(items)} items"

    # --- Applications ----------------------------------------------------------------------------

    def seed_applications(self) -> str:
        rng, count = self.rng, self.n["applications"]
        firm_ids = [f.pk for f in self.firms]
        # The bench firm too: it is applied to its missions below (it is not in self.firms).
        sector_of = {f.pk: f.sector_id for f in [*self.firms, self.bench_firm]}
        # Split the total over the missions (some popular, some not), at most 3x the seats.
        weights = [rng.random() + 0.2 for _ in self.missions]
        scale = count / sum(weights)
        per_mission = [
            min(round(w * scale), 3 * m.seats) for w, m in zip(weights, self.missions, strict=True)
        ]
        per_mission[-1] += count - sum(per_mission)
        apps: list[Application] = []
        self.confirmed: list[tuple[int, int]] = []
        bench_missions = self._bench_missions()
        for mission, k in zip(self.missions, per_mission, strict=True):
            k = max(0, min(k, len(firm_ids)))
            chosen = rng.sample(firm_ids, k)
            if mission.pk in bench_missions:
                chosen = [self.bench_firm.pk] + [f for f in chosen if f != self.bench_firm.pk]
            seats = mission.seats
            for i, firm_id in enumerate(chosen):
                roll = rng.random()
                if i == 0 and mission.pk in bench_missions:
                    status = Application.Status.CONFIRMED
                    seats -= 1
                elif roll < 0.06:
                    status = Application.Status.WITHDRAWN
                elif roll < 0.09:
                    status = Application.Status.REJECTED
                elif roll < 0.13 and mission.registration_deadline > self.now:
                    status = Application.Status.PENDING
                elif seats > 0:
                    status = Application.Status.CONFIRMED
                    seats -= 1
                else:
                    status = Application.Status.WAITLISTED
                if status == Application.Status.CONFIRMED:
                    self.confirmed.append((mission.pk, firm_id))
                apps.append(
                    Application(
                        mission=mission,
                        firm_id=firm_id,
                        sector_id=sector_of[firm_id],
                        applied_by_id=self.owner_of[firm_id],
                        status=status,
                        delegates=rng.randint(1, 2),
                        note="Presentiamo le nostre lavorazioni e cerchiamo distributori.",
                        decided_at=self.now if status != Application.Status.PENDING else None,
                        waitlisted_at=self.now if status == Application.Status.WAITLISTED else None,
                        withdrawn_reason="firm" if status == Application.Status.WITHDRAWN else "",
                    )
                )
        Application.objects.bulk_create(apps, batch_size=BATCH)
        return f"{len(apps)} applications, {len(self.confirmed)} confirmed"

    def _bench_missions(self) -> set[int]:
        """The benchmark firm is confirmed on 10 missions of its sector, past and future."""
        metal = self.sectors["metalmeccanico"].pk
        ids = [m.pk for m in self.missions if metal in self.mission_sectors[m.pk]]
        future = [m.pk for m in self.missions if m.pk in ids and m.start_date >= self.now.date()]
        return set(future[:7] + [i for i in ids if i not in future][:3])

    # --- B2B -------------------------------------------------------------------------------------

    def seed_meetings(self) -> str:
        rng = self.rng
        cities = [c for c in City.objects.filter(country="DE").order_by("slug")]
        sector_list = sorted(self.sectors.values(), key=lambda s: s.slug)
        kinds = [k.value for k in Partner.Kind]
        partners = Partner.objects.bulk_create(
            [
                Partner(
                    name=f"{rng.choice(['Rhein', 'Ruhr', 'Elbe', 'Spree', 'Westfalen'])} "
                    f"{rng.choice(['Handel', 'Import', 'Einkauf', 'Technik', 'Feinkost'])} "
                    f"{n + 1:03d} GmbH",
                    kind=rng.choice(kinds),
                    city=rng.choice(cities),
                    nace_codes=[f"{rng.choice(['23', '25', '28', '10', '11'])}"],
                    products_sought="Komponenten, Naturstein, Feinkost aus Italien",
                    languages=["de", *rng.sample(["en", "it"], rng.randint(0, 2))],
                    description="Partner tedesco del Club.",
                    contact_name="Frau Schneider",
                )
                for n in range(self.n["partners"])
            ],
            batch_size=BATCH,
        )
        through = Partner.sectors.through
        through.objects.bulk_create(
            [
                through(partner_id=p.pk, sector_id=s.pk)
                for p in partners
                for s in rng.sample(sector_list, rng.randint(1, 2))
            ],
            batch_size=BATCH_NARROW,
        )
        partner_ids = [p.pk for p in partners]
        # Meetings go to confirmed firms (the bench firm's first), a few partners each.
        pairs = [pair for pair in self.confirmed if pair[1] == self.bench_firm.pk]
        others = [pair for pair in self.confirmed if pair[1] != self.bench_firm.pk]
        rng.shuffle(others)
        pairs += others
        wanted = self.n["meetings"]
        triples: list[tuple[int, int, int]] = []
        for mission_id, firm_id in pairs:
            if len(triples) >= wanted:
                break
            for partner_id in rng.sample(partner_ids, min(rng.randint(1, 4), len(partner_ids))):
                triples.append((mission_id, firm_id, partner_id))
        triples = triples[:wanted]
        requests = MeetingRequest.objects.bulk_create(
            [
                MeetingRequest(
                    mission_id=m,
                    firm_id=f,
                    partner_id=p,
                    priority=rng.randint(1, 5),
                    reason="Cerchiamo distributori",
                    status=MeetingRequest.Status.ACCEPTED,
                    requested_by_id=self.owner_of[f],
                    decided_at=self.now,
                )
                for m, f, p in triples
            ],
            batch_size=BATCH,
        )
        Meeting.objects.bulk_create(
            [
                Meeting(
                    request=r,
                    mission_id=r.mission_id,
                    firm_id=r.firm_id,
                    partner_id=r.partner_id,
                    needs_interpreter=rng.random() < 0.3,
                )
                for r in requests
            ],
            batch_size=BATCH,
        )
        mission_partners = sorted({(m, p) for m, _f, p in triples})
        MissionPartner.objects.bulk_create(
            [MissionPartner(mission_id=m, partner_id=p) for m, p in mission_partners],
            batch_size=BATCH_NARROW,
        )
        return f"{len(partners)} partners, {len(requests)} meetings"

    def seed_partner_contact(self) -> str:
        """The benchmark's partner contact: the partner of the bench firm's first meeting,
        invited to every mission that partner attends. On the mission of that meeting the
        partner's meetings are placed in slots and the agendas published, so the agenda page
        has rows to show."""
        first = (
            Meeting.objects.filter(firm=self.bench_firm)
            .order_by("pk")
            .values_list("partner_id", "mission_id")
            .first()
        )
        if first is None:
            return "no meeting of the bench firm: skipped"
        partner_id, mission_id = first
        user = User(
            email=BENCH_PARTNER_EMAIL,
            first_name="Bench",
            last_name="Partner",
            language="de",
            is_partner_contact=True,
        )
        user.set_unusable_password()
        user.save()
        contact = PartnerContact.objects.create(user=user, partner_id=partner_id, role="Einkauf")
        attended = list(
            MissionPartner.objects.filter(partner_id=partner_id).values_list(
                "mission_id", flat=True
            )
        )
        MissionPartner.objects.filter(partner_id=partner_id).update(
            attendance=MissionPartner.Attendance.CONFIRMED
        )
        PartnerInvitation.objects.bulk_create(
            [PartnerInvitation(contact=contact, mission_id=m, sent_at=self.now) for m in attended]
        )
        slots_generate(mission_id=mission_id)
        slots = list(
            Slot.objects.filter(session__mission_id=mission_id).order_by("starts_at", "pk")
        )
        meetings = list(
            Meeting.objects.filter(mission_id=mission_id, partner_id=partner_id).order_by("pk")
        )
        for meeting, slot in zip(meetings, slots, strict=False):
            meeting.slot, meeting.table = slot, 1
        Meeting.objects.bulk_update(meetings, ["slot", "table"])
        Mission.objects.filter(pk=mission_id).update(agenda_published_at=self.now)
        placed = min(len(meetings), len(slots))
        return f"{BENCH_PARTNER_EMAIL}: {len(attended)} missions, {placed} meetings placed"

    # --- Board -----------------------------------------------------------------------------------

    def seed_posts(self) -> str:
        rng, count = self.rng, self.n["posts"]
        tags = list(Tag.objects.order_by("pk"))
        pool = _body_pool(rng, 400)
        mission_ids = [m.pk for m in self.missions]
        authors = [(self.owner_of[f.pk], f.pk, f.is_mentor) for f in self.firms]
        bench = (self.bench_user.pk, self.bench_firm.pk, True)
        span = 3 * 365 * 86400
        # Comments per post: floor of an exponential whose mean is comments / posts (about 2).
        rate = math.log(1 + self.n["posts"] / self.n["comments"])
        posts, plans = [], []
        for n in range(count):
            author = bench if n < self.n["bench_posts"] else rng.choice(authors)
            user_id, firm_id, mentor = author
            created = self.now - dt.timedelta(seconds=rng.randint(3600, span))
            if n == 0:  # the showcase post: recent, with a fixed number of comments
                created = self.now - dt.timedelta(days=2)
                n_comments = SHOWCASE_COMMENTS
            else:
                n_comments = min(int(rng.expovariate(rate)), 25)
            n_replies = n_comments // 4 if n_comments >= 2 else 0
            age = (self.now - created).total_seconds()
            offsets = sorted(rng.uniform(60, min(age, 30 * 86400)) for _ in range(n_comments))
            body, body_html = rng.choice(pool)
            kind = Post.Kind.EXPERIENCE if mentor and rng.random() < 0.6 else Post.Kind.QUESTION
            title = rng.choice(IT_TITLES).format(
                obj=rng.choice(IT_OBJECTS), city=rng.choice(list(CITY_NAMES.values()))
            )
            last = created + dt.timedelta(seconds=offsets[-1]) if offsets else created
            posts.append(
                Post(
                    kind=Post.Kind.EXPERIENCE if n == 0 else kind,
                    title=SHOWCASE_TITLE if n == 0 else title[:200],
                    body=body,
                    body_html=body_html,
                    author_id=user_id,
                    author_firm_id=firm_id,
                    mission_id=rng.choice(mission_ids) if rng.random() < 0.05 else None,
                    is_hidden=n > 0 and rng.random() < 0.01,
                    is_pinned=0 < n <= 3,
                    comment_count=n_comments,
                    created_at=created,
                    updated_at=last,
                    last_activity_at=last,
                )
            )
            plans.append((created, offsets, n_replies))
        posts = Post.objects.bulk_create(posts, batch_size=BATCH)
        through = Post.tags.through
        links = [
            through(post_id=post.pk, tag_id=tag.pk)
            for post in posts
            for tag in rng.sample(tags, rng.randint(1, 3))
        ]
        through.objects.bulk_create(links, batch_size=BATCH_NARROW)
        self.posts = list(zip(posts, plans, strict=True))
        return f"{len(posts)} posts, {len(links)} tag links"

    def seed_search(self) -> str:
        """Mirror of board.services._update_search, one UPDATE per batch of ids."""
        ids = [post.pk for post, _plan in self.posts]
        statements = 0
        with connection.cursor() as cursor:
            for i in range(0, len(ids), BATCH_NARROW):
                chunk = ids[i : i + BATCH_NARROW]
                cursor.execute(
                    """
                    UPDATE board_post SET search =
                        setweight(to_tsvector('italian'::regconfig, COALESCE(title, '')), 'A')
                        || setweight(to_tsvector('italian'::regconfig, COALESCE(body, '')), 'B')
                        || setweight(to_tsvector('german'::regconfig, COALESCE(title, '')), 'A')
                        || setweight(to_tsvector('german'::regconfig, COALESCE(body, '')), 'B')
                    WHERE id BETWEEN %s AND %s
                    """,
                    [min(chunk), max(chunk)],
                )
                statements += 1
        return f"{len(ids)} posts in {statements} UPDATEs"

    def seed_comments(self) -> str:
        rng = self.rng
        people = [(self.owner_of[f.pk], f.pk) for f in self.firms]
        pool = [(text, markdown.render(text)) for text in COMMENTS]
        tops, replies_plan = [], []
        for post, (created, offsets, n_replies) in self.posts:
            n_top = len(offsets) - n_replies
            for j, offset in enumerate(offsets):
                user_id, firm_id = rng.choice(people)
                text, body_html = rng.choice(pool)
                moment = created + dt.timedelta(seconds=offset)
                comment = Comment(
                    post_id=post.pk,
                    author_id=user_id,
                    author_firm_id=firm_id,
                    body=text,
                    body_html=body_html,
                    created_at=moment,
                    updated_at=moment,
                )
                if j < n_top:
                    tops.append(comment)
                else:  # a reply to one of the earlier top-level comments of the same post
                    replies_plan.append((comment, len(tops) - 1 - rng.randrange(n_top)))
        tops = Comment.objects.bulk_create(tops, batch_size=BATCH_NARROW)
        replies = []
        for comment, index in replies_plan:
            comment.parent_id = tops[index].pk
            replies.append(comment)
        Comment.objects.bulk_create(replies, batch_size=BATCH_NARROW)
        # Some questions are marked answered by their first comment.
        with connection.cursor() as cursor:
            cursor.execute(
                """
                UPDATE board_post p SET answer_id = c.first_id
                FROM (SELECT post_id, min(id) AS first_id FROM board_comment
                      WHERE parent_id IS NULL GROUP BY post_id) c
                WHERE p.id = c.post_id AND p.kind = 'question' AND p.id %% %s = 0
                """,
                [4],
            )
            answered = cursor.rowcount
        return f"{len(tops) + len(replies)} comments ({len(replies)} replies), {answered} answered"

    # --- Notifications ---------------------------------------------------------------------------

    def seed_notifications(self) -> str:
        rng = self.rng
        rows = []
        bench_id = self.bench_user.pk
        kinds = [
            ("application_confirmed", {"firm": MARKER_FIRM, "mission": "Missione a Colonia"}),
            ("mission_published", {"mission": "Missione a Dortmund", "dates": "3-5 marzo"}),
            ("announcement", {"title": "Novità dal Club", "body": "Nuove missioni in arrivo."}),
            (
                "board_new_post",
                {
                    "title": "Pagamenti a 60 giorni",
                    "author": "Officine Adda",
                    "topics": "Pagamenti",
                },
            ),
        ]
        known = {k for k, _ in kinds if k in _kind_slugs()}
        kinds = [(k, c) for k, c in kinds if k in known]
        for i in range(self.n["bench_notifications"]):
            kind, context = kinds[i % len(kinds)]
            rows.append(
                Notification(
                    recipient_id=bench_id,
                    kind=kind,
                    object_key=f"bench:{i}",
                    key=f"{bench_id}:{kind}:bench:{i}:1",
                    context=context,
                    url=reverse("notifications:inbox"),
                    created_at=self.now - dt.timedelta(hours=i * 7 + rng.randint(0, 6)),
                    read_at=None if i < 15 else self.now,
                    email_status="sent",
                    sent_at=self.now,
                )
            )
        # A welcome in every other member's inbox, so the table has a club's volume.
        for firm in self.firms:
            user_id = self.owner_of[firm.pk]
            rows.append(
                Notification(
                    recipient_id=user_id,
                    kind="announcement",
                    object_key="announcement:welcome",
                    key=f"{user_id}:announcement:announcement:welcome:1",
                    context={"title": "Benvenuti nel Club", "body": "Il portale è online."},
                    created_at=self.now - dt.timedelta(days=rng.randint(1, 300)),
                    email_status="sent",
                    sent_at=self.now,
                )
            )
        Notification.objects.bulk_create(rows, batch_size=BATCH)
        tags = list(Tag.objects.order_by("pk")[:3])
        Follow.objects.bulk_create([Follow(user_id=bench_id, tag=t) for t in tags])
        return f"{len(rows)} notifications ({self.n['bench_notifications']} for {BENCH_EMAIL})"

    # --- Staff, mission day, check-ups ----------------------------------------------------------

    def seed_staff(self) -> str:
        """The benchmark's staff member: is_staff with a TOTP authenticator (the staff pages
        need two-factor authentication: core.staff.has_staff_powers), as an admin sets one up."""
        user = User.objects.create(
            email=BENCH_STAFF_EMAIL,
            first_name="Stefania",
            last_name="Staff",
            password=make_password(BENCH_PASSWORD),
            is_staff=True,
            terms_accepted_at=self.now,
            terms_version="2026-11",
        )
        EmailAddress.objects.create(user=user, email=BENCH_STAFF_EMAIL, verified=True, primary=True)
        TOTP.activate(user, BENCH_TOTP_SECRET)
        self.staff_user = user
        return f"{BENCH_STAFF_EMAIL}: is_staff, TOTP authenticator"

    def seed_mission_day(self) -> str:
        """A mission happening today in Köln (MISSION_DAY: the same size at every scale): the
        bench firm confirmed with 35 others, 24 partners attending (the bench partner contact's
        among them, the contact invited), each firm's accepted meetings placed in today's B2B
        session (a few left waiting for a free table), the agendas published, the badges issued
        (day_passes_issue, plus the second delegates and the partners' people without an
        account, as staff add them) and most people checked in (check_in_record)."""
        rng, size = self.rng, MISSION_DAY
        now = timezone.now()
        today = self.now.date()
        cologne = City.objects.get(slug="koeln")
        berlin = cologne.tz
        metal = self.sectors["metalmeccanico"]
        mission = Mission.objects.create(
            title=MISSION_DAY_TITLE,
            summary="Incontri B2B con buyer e distributori tedeschi, oggi.",
            description="La giornata B2B del benchmark: badge, check-in, agenda e tabellone.",
            start_date=today,
            end_date=today + dt.timedelta(days=1),
            seats=size.firms + 4,
            registration_deadline=self.now - dt.timedelta(days=14),
            costs="Quota 350 € per impresa (IVA esclusa).",
            status=Mission.Status.PUBLISHED,
            published_at=self.now - dt.timedelta(days=60),
            slot_minutes=size.slot_minutes,
            tables=size.tables,
        )
        mission.sectors.set([metal])
        first, last = size.hours
        session = ProgrammeItem.objects.create(
            mission=mission,
            city=cologne,
            kind=ProgrammeItem.Kind.B2B,
            title="Sessione B2B con buyer e distributori",
            place="Koelnmesse, Congress-Centrum Nord",
            starts_at=dt.datetime.combine(today, dt.time(first), tzinfo=berlin),
            ends_at=dt.datetime.combine(today, dt.time(last), tzinfo=berlin),
        )
        evening = dt.datetime.combine(today, dt.time(19, 30), tzinfo=berlin)
        ProgrammeItem.objects.create(
            mission=mission,
            city=cologne,
            kind=ProgrammeItem.Kind.NETWORKING,
            title="Cena di networking",
            place="Brauhaus Früh am Dom",
            starts_at=evening,
            ends_at=evening + dt.timedelta(hours=3),
        )
        slots_generate(mission_id=mission.pk)
        slots = list(Slot.objects.filter(session=session).order_by("index"))

        # The firms: the bench firm and 35 others, confirmed (as the staff confirm them).
        others = rng.sample(self.firms, min(size.firms - 1, len(self.firms)))
        firms = [self.bench_firm, *others]
        Application.objects.bulk_create(
            Application(
                mission=mission,
                firm_id=firm.pk,
                sector_id=firm.sector_id,
                applied_by_id=self.owner_of[firm.pk],
                status=Application.Status.CONFIRMED,
                delegates=2,
                note="Presentiamo le nostre lavorazioni e cerchiamo distributori.",
                decided_at=self.now - dt.timedelta(days=10),
            )
            for firm in firms
        )
        # The partners: the bench contact's partner first, then the seeded ones, then new ones
        # when the scale has fewer partners than a mission day needs.
        contact = PartnerContact.objects.filter(user__email=BENCH_PARTNER_EMAIL).first()
        partner_ids = [contact.partner_id] if contact else []
        partner_ids += [
            pk
            for pk in Partner.objects.order_by("pk").values_list("pk", flat=True)
            if pk not in partner_ids
        ][: size.partners - len(partner_ids)]
        missing = size.partners - len(partner_ids)
        if missing > 0:
            extra = Partner.objects.bulk_create(
                Partner(
                    name=f"Messe Köln Einkauf {n + 1:02d} GmbH",
                    kind=Partner.Kind.DISTRIBUTOR,
                    city=cologne,
                    nace_codes=["25"],
                    products_sought="Komponenten aus Italien",
                    languages=["de", "en"],
                    description="Partner tedesco del Club.",
                    contact_name="Herr Wagner",
                )
                for n in range(missing)
            )
            partner_ids += [p.pk for p in extra]
        MissionPartner.objects.bulk_create(
            MissionPartner(
                mission=mission,
                partner_id=pk,
                attendance=MissionPartner.Attendance.CONFIRMED,
                responded_at=self.now - dt.timedelta(days=20),
            )
            for pk in partner_ids
        )
        if contact:
            PartnerInvitation.objects.create(
                contact=contact, mission=mission, sent_at=self.now - dt.timedelta(days=30)
            )

        # Each firm's accepted meetings (the bench firm meets the bench partner first).
        pairs = []
        for firm in firms:
            chosen = rng.sample(partner_ids, size.meetings_per_firm)
            if firm is self.bench_firm and contact and contact.partner_id not in chosen:
                chosen[0] = contact.partner_id
            pairs += [(firm.pk, pk) for pk in chosen]
        requests = MeetingRequest.objects.bulk_create(
            MeetingRequest(
                mission=mission,
                firm_id=firm_id,
                partner_id=partner_id,
                priority=rng.randint(1, 5),
                reason="Cerchiamo distributori",
                status=MeetingRequest.Status.ACCEPTED,
                requested_by_id=self.owner_of[firm_id],
                decided_at=self.now - dt.timedelta(days=7),
            )
            for firm_id, partner_id in pairs
        )
        meetings = [
            Meeting(
                request=r,
                mission=mission,
                firm_id=r.firm_id,
                partner_id=r.partner_id,
                needs_interpreter=rng.random() < 0.3,
            )
            for r in requests
        ]
        # Placed as the scheduler places them: a firm and a partner in one meeting per slot, a
        # table for one meeting per slot; the last few wait for a freed table.
        order = meetings[:]
        rng.shuffle(order)
        waiting = set(map(id, order[-size.unplaced :]))
        firm_busy: set[tuple[int, int]] = set()
        partner_busy: set[tuple[int, int]] = set()
        used = [0] * len(slots)
        for meeting in order:
            if id(meeting) in waiting and meeting.firm_id != self.bench_firm.pk:
                continue
            start = rng.randrange(len(slots))
            for step in range(len(slots)):
                i = (start + step) % len(slots)
                if (
                    used[i] < size.tables
                    and (i, meeting.firm_id) not in firm_busy
                    and (i, meeting.partner_id) not in partner_busy
                ):
                    used[i] += 1
                    meeting.slot, meeting.table = slots[i], used[i]
                    firm_busy.add((i, meeting.firm_id))
                    partner_busy.add((i, meeting.partner_id))
                    break
        Meeting.objects.bulk_create(meetings, batch_size=BATCH)
        Mission.objects.filter(pk=mission.pk).update(agenda_published_at=now)

        # Badges: the default ones (the applicants, the partner contacts), then those staff add
        # by hand: each firm's second delegate and each partner's people, without an account.
        issued = day_passes_issue(mission=mission)
        by_hand = [
            DayPass(
                mission=mission,
                kind=DayPass.Kind.DELEGATE,
                firm=firm,
                full_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            )
            for firm in firms
            if rng.random() < 0.5
        ]
        by_hand += [
            DayPass(
                mission=mission,
                kind=DayPass.Kind.PARTNER,
                partner_id=pk,
                full_name=f"{rng.choice(['Max', 'Anna', 'Jonas', 'Lena'])} "
                f"{rng.choice(['Fischer', 'Weber', 'Schulz', 'Becker'])}",
            )
            for pk in partner_ids
            if not contact or pk != contact.partner_id
        ]
        DayPass.objects.bulk_create(by_hand)
        # Check-ins from the staff phones this morning (never before the mission's day began).
        midnight = dt.datetime.combine(today, dt.time(0), tzinfo=berlin)
        badges = list(DayPass.objects.filter(mission=mission).order_by("pk"))
        seen = [b for b in badges if rng.random() < size.checked_in]
        for badge in seen:
            check_in_record(
                mission=mission,
                token=badge.token,
                client_id=uuid.UUID(int=rng.getrandbits(128), version=4),
                checked_in_at=max(midnight, now - dt.timedelta(minutes=rng.randint(5, 90))),
                method=rng.choice(
                    [CheckIn.Method.SCAN, CheckIn.Method.SCAN, CheckIn.Method.SEARCH]
                ),
                by=self.staff_user,
                now=now,
            )
        placed = sum(1 for m in meetings if m.slot is not None)
        return (
            f"{len(firms)} firms, {len(partner_ids)} partners, {placed} meetings placed in "
            f"{len(slots)} slots x {size.tables} tables ({len(meetings) - placed} waiting), "
            f"{issued + len(by_hand)} badges, {len(seen)} checked in"
        )

    def seed_checkups(self) -> str:
        """Two completed check-ups of the bench firm (a year apart, the latest two months ago),
        through the services as checkup/demo.py makes them, so the result page shows scores,
        the change and the gaps."""
        questionnaire = Questionnaire.objects.filter(status=Questionnaire.Status.PUBLISHED).first()
        if questionnaire is None:
            return "no published questionnaire: skipped"
        dims = list(questionnaire.dimensions.prefetch_related("questions__options"))
        for days_ago, level in ((425, 0.4), (61, 0.8)):
            checkup = checkup_services.checkup_start(firm=self.bench_firm, user=self.bench_user)
            for n, dim in enumerate(dims):
                choices = {}
                for question in dim.questions.all():
                    options = sorted(question.options.all(), key=lambda o: o.points)
                    wobble = (n % 3 - 1) * 0.3  # some dimensions stronger, some gaps
                    pick = round(min(1.0, max(0.0, level + wobble)) * (len(options) - 1))
                    choices[question.pk] = options[pick].pk
                checkup_services.checkup_answer(
                    checkup_id=checkup.pk, dimension_id=dim.pk, choices=choices
                )
            when = timezone.now() - dt.timedelta(days=days_ago)
            checkup_services.checkup_complete(checkup_id=checkup.pk, at=when)
            CheckUp.objects.filter(pk=checkup.pk).update(started_at=when - dt.timedelta(minutes=15))
        return f"2 completed check-ups of {MARKER_FIRM} ({len(dims)} dimensions)"

    def vacuum_analyze(self) -> str:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        return "planner statistics up to date"


def _kind_slugs() -> set[str]:
    from notifications import registry

    return {kind.slug for kind in registry.kinds()}
