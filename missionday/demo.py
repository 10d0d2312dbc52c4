"""Demo data of the mission day (seed_demo): a mission happening today in Köln, so that a new
user opens the companion, the check-in page and the staff board at once (issue 18).

The metalworking demo firms are confirmed on it; two Köln partners attend (Rhein Naturstein with
the demo contact, who signs in with the link `seed_demo --accounts` prints); today's B2B session
has slots around now: meetings in past slots, one running, some later, and one accepted request
left unplaced (the board's "freed slot" has something to offer). Badges are issued, and one
delegate and one partner are already checked in.

Written through the services staff and firms use (partner attendance, wishes and answers,
manual placement, agenda publication, badges, check-in); the mission and its programme are
created as missions/demo.py creates its own. Idempotent: found by title; a mission left from an
earlier day is replaced by one dated today.
"""

import datetime as dt
import uuid
import zoneinfo

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from members.models import Firm, Sector, User
from missionday.models import DayPass
from missionday.services.passes import check_in_record, day_passes_issue
from missions.models import (
    Application,
    City,
    Meeting,
    Mission,
    MissionPartner,
    Partner,
    ProgrammeItem,
    Slot,
)
from missions.services import agenda, meeting_requests, partner_attendance, scheduling_runs, slots

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
DEMO_MISSION = "Giornata B2B di oggi a Colonia: metalmeccanico"
SLOT_MINUTES = 30

FIRMS = [
    "Officine Meccaniche Adda S.r.l.",
    "Carpenterie Tellina S.p.A.",
    "Minuterie Valchiavenna S.r.l.",
]
STONE, STEEL = "Rhein Naturstein Import GmbH", "Kölner Stahlbau Handel KG"
# (firm, partner, slot index or None: accepted but not placed, table)
MEETINGS = [
    (FIRMS[0], STEEL, 0, 1),  # past
    (FIRMS[1], STONE, 1, 1),  # past
    (FIRMS[0], STONE, 2, 1),  # running now
    (FIRMS[1], STEEL, 3, 2),  # later
    (FIRMS[2], STONE, 4, 1),  # later
    (FIRMS[2], STEEL, None, None),  # accepted, left unplaced
]
# Badges staff add by hand: people without an account (the two firms have no members in the
# demo; the Köln distributor has no contact on the portal).
BY_HAND = [
    (FIRMS[1], None, "Paolo Ferrari"),
    (FIRMS[2], None, "Elena Del Nero"),
    (None, STEEL, "Max Fischer"),
]
CHECKED_IN = ["Elena Del Nero", "Max Fischer"]  # one delegate and one partner: both present


def seed(today: dt.date | None = None, now: dt.datetime | None = None) -> Mission | None:
    """The mission happening `today` (default: today), its B2B session around `now`'s time of
    day. Nothing without the demo firms, partners and cities (the other seeds make them)."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    firms = {f.name: f for f in Firm.objects.filter(name__in=FIRMS)}
    partners = {p.name: p for p in Partner.objects.filter(name__in=[STONE, STEEL])}
    cologne = City.objects.filter(slug="koeln").first()
    sector = Sector.objects.filter(slug="metalmeccanico").first()
    if len(firms) < len(FIRMS) or len(partners) < 2 or cologne is None or sector is None:
        return None
    existing = Mission.objects.filter(title_it=DEMO_MISSION).first()
    if existing is not None and existing.start_date == today:
        return existing
    if existing is not None:  # yesterday's demo: today gets a fresh one
        existing.delete()
    # The session in Köln's time: from an hour before the current half hour, four hours long.
    local_now = dt.datetime.combine(today, timezone.localtime(now, BERLIN).time(), tzinfo=BERLIN)
    half_hour = local_now.replace(minute=local_now.minute // 30 * 30, second=0, microsecond=0)
    midnight = dt.datetime.combine(today, dt.time(0), tzinfo=BERLIN)
    start = max(half_hour - dt.timedelta(minutes=2 * SLOT_MINUTES), midnight)
    mission = _mission(today, start, cologne, sector)
    slots.slots_generate(mission_id=mission.pk)
    for firm in firms.values():
        _confirm(mission, firm)
    staff = User.objects.filter(is_staff=True).order_by("pk").first()
    for partner in partners.values():
        mission_partner, _created = MissionPartner.objects.get_or_create(
            mission=mission, partner=partner
        )
        partner_attendance.mission_partner_respond(
            mission_partner_id=mission_partner.pk, attending=True
        )
    _meetings(mission, firms, partners)
    agenda.agenda_publish(mission_id=mission.pk)
    day_passes_issue(mission=mission)
    for firm_name, partner_name, full_name in BY_HAND:
        DayPass.objects.get_or_create(
            mission=mission,
            full_name=full_name,
            defaults={
                "kind": DayPass.Kind.DELEGATE if firm_name else DayPass.Kind.PARTNER,
                "firm": firms.get(firm_name or ""),
                "partner": partners.get(partner_name or ""),
            },
        )
    demo_now = max(local_now, midnight)
    for day_pass in DayPass.objects.filter(mission=mission, full_name__in=CHECKED_IN):
        check_in_record(
            mission=mission,
            token=day_pass.token,
            client_id=uuid.uuid4(),
            checked_in_at=max(demo_now - dt.timedelta(minutes=50), midnight),
            method="search",
            by=staff,
            now=demo_now,
        )
    return mission


def _mission(today: dt.date, start: dt.datetime, cologne: City, sector: Sector) -> Mission:
    mission = Mission.objects.create(
        title=DEMO_MISSION,
        title_de="B2B-Tag heute in Köln: Metallbranche",
        title_en="Today's B2B day in Cologne: metalworking",
        summary="La missione di prova della giornata: check-in, agenda sul telefono e tabellone.",
        description=(
            "Una missione che si svolge oggi, per provare la giornata di missione: i badge con "
            "il codice QR, il check-in dal telefono, l'agenda di oggi per delegati e partner e "
            "il tabellone dello staff con gli incontri in corso."
        ),
        start_date=today,
        end_date=today + dt.timedelta(days=1),
        seats=12,
        registration_deadline=timezone.now() - dt.timedelta(days=14),
        costs="Quota di partecipazione 250 € per impresa (IVA esclusa).",
        status=Mission.Status.PUBLISHED,
        published_at=timezone.now() - dt.timedelta(days=40),
        slot_minutes=SLOT_MINUTES,
        tables=4,
    )
    mission.sectors.set([sector])
    ProgrammeItem.objects.create(
        mission=mission,
        city=cologne,
        kind=ProgrammeItem.Kind.B2B,
        title="Sessione B2B con buyer e distributori",
        place="Koelnmesse, Congress-Centrum Nord",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=4),
    )
    tomorrow = today + dt.timedelta(days=1)
    ProgrammeItem.objects.create(
        mission=mission,
        city=cologne,
        kind=ProgrammeItem.Kind.RESEARCH_VISIT,
        title="Visita alla Technische Hochschule Köln",
        place="Betzdorfer Str. 2",
        starts_at=dt.datetime.combine(tomorrow, dt.time(9, 30), tzinfo=BERLIN),
        ends_at=dt.datetime.combine(tomorrow, dt.time(12), tzinfo=BERLIN),
    )
    return mission


def _confirm(mission: Mission, firm: Firm) -> None:
    owner = User.objects.filter(membership__firm=firm, membership__role="owner").first()
    Application.objects.get_or_create(
        mission=mission,
        firm=firm,
        defaults={
            "status": Application.Status.CONFIRMED,
            "applied_by": owner,
            "delegates": 2,
            "note": "Cerchiamo distributori e buyer in Renania.",
            "decided_at": timezone.now(),
        },
    )


def _meetings(mission: Mission, firms: dict[str, Firm], partners: dict[str, Partner]) -> None:
    """Each pair through the partner's wish (entered by staff) and the firm's yes; placed by
    hand in its slot and table, as staff move meetings."""
    session_slots = list(Slot.objects.filter(session__mission=mission).order_by("starts_at"))
    for firm_name, partner_name, index, table in MEETINGS:
        request = meeting_requests.partner_wish_create(
            mission_id=mission.pk,
            partner_id=partners[partner_name].pk,
            firm_id=firms[firm_name].pk,
            reason="Cerchiamo fornitori di componenti lavorati",
        )
        meeting_requests.partner_wish_answer(
            request_id=request.pk, firm=firms[firm_name], accept=True
        )
        if index is not None and index < len(session_slots):
            meeting = Meeting.objects.get(request=request)
            scheduling_runs.meeting_move(
                meeting_id=meeting.pk, slot_id=session_slots[index].pk, table=table
            )


def demo_mission() -> Mission | None:
    return Mission.objects.filter(title_it=DEMO_MISSION).first()


def _url(name: str, path: str, **kwargs: int) -> str:
    """The page's address by its agreed name; its agreed path while that part is not merged."""
    try:
        return reverse(f"missionday:{name}", kwargs=kwargs)
    except NoReverseMatch:
        return path


def urls() -> list[tuple[str, str]]:
    """(what, path) of the demo mission's day pages, for seed_demo to print."""
    mission = demo_mission()
    if mission is None:
        return []
    m = mission.pk
    session = (
        ProgrammeItem.objects.filter(mission=mission, kind=ProgrammeItem.Kind.B2B)
        .order_by("starts_at")
        .first()
    )
    found = [
        (
            "companion (delegates, partner contacts)",
            _url("companion", f"/giornata/{m}/", mission_id=m),
        ),
        ("your badge", _url("my_badge", f"/giornata/{m}/mio-badge/", mission_id=m)),
        ("check-in (staff)", _url("checkin", f"/giornata/{m}/check-in/", mission_id=m)),
        ("board (staff)", _url("board", f"/giornata/{m}/tabellone/", mission_id=m)),
        ("badge sheet PDF (staff)", _url("badges", f"/giornata/{m}/badge.pdf", mission_id=m)),
    ]
    if session is not None:
        found.insert(
            4,
            (
                "board of today's session (staff)",
                _url(
                    "board_session",
                    f"/giornata/{m}/tabellone/{session.pk}/",
                    mission_id=m,
                    session_id=session.pk,
                ),
            ),
        )
    return found
