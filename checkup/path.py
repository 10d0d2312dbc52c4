"""The personal path: what a firm can do next, built from the gaps of its latest check-up.

A selector (reads only). From the gaps (dimension codes below the threshold, most urgent first)
it suggests, each with its reason in words ("Perché: …"):

- Camera services and training that address a gap and are still ahead or open (not ended, the
  registration deadline not passed; a service without dates is a standing one: `open_services`);
- funding instruments that address a gap, whose deadline has not passed, for the firm's sector
  (or for every sector);
- mentor firms whose experience covers a gap (MENTOR_RULES below);
- missions of the firm's sector open for applications now, that the firm has not applied to.

Queries: one for the dimensions of the check-up's version and one for the missions, whatever the
number of items; the open catalogue of services and funding (`open_catalogue`) and the mentors
(checkup/mentors.py) come from Redis, shared by every firm (two and three queries to build them
after a change): pages pin it (tests/checkup/test_path.py).

How a mentor covers a gap (MENTOR_RULES in checkup/mentors.py, keyed by the check-up's stable
dimension codes): a mentor is an approved firm with `is_mentor`. For each gap it may match on
- "market" (knowledge of the German market): it exports to Germany (Germany among its target
  markets, or "German…"/"Deutsch…" in its mentor profile's markets);
- "languages": its people speak German;
- "experience" (past exports), "product" (adaptation, certifications), "organisation",
  "finance": it is of the firm's sector (the same products, rules and buyers);
- "pricing" (Incoterms), "digital": it exports to Germany;
- any gap: the topics of its board experiences name the gap's theme (TOPIC_WORDS).
Mentors of the firm's sector come first, then those covering more gaps. They are ranked on a
table of every mentor shared by all firms and kept in Redis (checkup/mentors.py), so the path's
cost does not grow with the club.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from checkup.mentors import (
    EXPORTS_TO_GERMANY,
    MENTOR_RULES,
    SPEAKS_GERMAN,
    MentorCandidate,
    facts,
    gaps_mask,
    top_mentors,
    topic_hits,
)
from checkup.models import CameraService, CheckUp, Dimension, FundingInstrument
from checkup.scoring import Gap
from checkup.selectors import checkup_gaps, completed_checkups, dimensions
from checkup.versioned import Version, cached
from members.models import Firm
from missions.models import Application, Mission

LIMIT = 3  # suggestions per list


@dataclass
class Suggestion:
    kind: str  # "service", "training", "funding", "mentor", "mission"
    title: str
    url: str
    reason: str
    when: dt.date | None = None  # a start date or a deadline, as the kind says
    detail: str = ""


@dataclass
class FirmPath:
    checkup: CheckUp | None = None
    gaps: list[Gap] = field(default_factory=list)
    services: list[Suggestion] = field(default_factory=list)
    funding: list[Suggestion] = field(default_factory=list)
    mentors: list[Suggestion] = field(default_factory=list)
    missions: list[Suggestion] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.services or self.funding or self.mentors or self.missions)


def _names_list(names: list[str]) -> str:
    quoted = [f"«{name}»" for name in names]
    if len(quoted) <= 1:
        return "".join(quoted)
    return _("%(first)s e %(last)s") % {"first": ", ".join(quoted[:-1]), "last": quoted[-1]}


def firm_path(
    *,
    firm: Firm,
    checkup: CheckUp | None = None,
    dims: list[Dimension] | None = None,
    now: dt.datetime | None = None,
) -> FirmPath:
    """The firm's path from `checkup` (default: its latest completed one; `dims`, its version's
    dimensions, when the caller has them). Empty without gaps."""
    if checkup is None:
        checkup = completed_checkups(firm=firm).first()
    if checkup is None or checkup.completed_at is None:
        return FirmPath()
    dims = dims if dims is not None else dimensions(checkup=checkup)
    gaps = checkup_gaps(checkup=checkup, dims=dims)
    path = FirmPath(checkup=checkup, gaps=gaps)
    if not gaps:
        return path
    now = now or timezone.now()
    today = timezone.localdate(now)
    names = {d.code: d.name for d in dims}
    codes = [gap.code for gap in gaps]  # most urgent first
    services, funding = open_catalogue(today)
    path.services = _services(codes, names, services)
    path.funding = _funding(firm, codes, names, funding)
    path.mentors = _mentors(firm, codes, names)
    path.missions = _missions(firm, codes, names, now)
    return path


def _covered(item_codes: list[str], codes: list[str], names: dict[str, str]) -> list[str]:
    """The gap names an item addresses, most urgent gap first."""
    return [names.get(code, code) for code in codes if code in item_codes]


def open_services(today: dt.date) -> Q:
    """Camera services and training still open on `today`: the registration deadline (if any)
    not passed, and not over (it ends today or later; without an end, it starts today or later;
    with no dates at all it is a standing service, always open). The path suggests only these,
    and only these are announced (checkup/catalogue.py)."""
    return (Q(registration_deadline__isnull=True) | Q(registration_deadline__gte=today)) & (
        Q(ends_on__gte=today)
        | Q(ends_on__isnull=True, starts_on__gte=today)
        | Q(ends_on__isnull=True, starts_on__isnull=True)
    )


def open_funding(today: dt.date) -> Q:
    """Funding instruments whose deadline (if any) has not passed on `today`."""
    return Q(deadline__isnull=True) | Q(deadline__gte=today)


class OpenService(NamedTuple):
    kind: str
    kind_display: str
    title: str
    link: str
    starts_on: dt.date | None
    registration_deadline: dt.date | None
    dimension_codes: list[str]


class OpenFunding(NamedTuple):
    name: str
    provider: str
    link: str
    deadline: dt.date | None
    dimension_codes: list[str]
    sector_ids: list[int]  # none: for every sector


# The published catalogue open on a day, in the active language (titles, kinds), kept in Redis:
# bumped on commit of any change to a service, a funding instrument or its sectors
# (`watch_catalogue_data`, CheckupConfig.ready), and keyed on the day.
CATALOGUE = Version("checkup-catalogue-version")


def _build_catalogue(today: dt.date) -> tuple[list[OpenService], list[OpenFunding]]:
    services = [
        OpenService(
            kind=item.kind,
            kind_display=str(item.get_kind_display()),
            title=item.title,
            link=item.link,
            starts_on=item.starts_on,
            registration_deadline=item.registration_deadline,
            dimension_codes=list(item.dimension_codes),
        )
        for item in CameraService.objects.filter(published_at__isnull=False)
        .filter(open_services(today))
        .order_by(F("starts_on").asc(nulls_first=True), "pk")
    ]
    funding = [
        OpenFunding(
            name=item.name,
            provider=item.provider,
            link=item.link,
            deadline=item.deadline,
            dimension_codes=list(item.dimension_codes),
            sector_ids=list(item.sector_ids),
        )
        for item in FundingInstrument.objects.filter(published_at__isnull=False)
        .filter(open_funding(today))
        .annotate(sector_ids=ArrayAgg("sectors", filter=Q(sectors__isnull=False), default=[]))
        .order_by(F("deadline").asc(nulls_last=True), "pk")
    ]
    return services, funding


def open_catalogue(today: dt.date) -> tuple[list[OpenService], list[OpenFunding]]:
    """The published services and funding instruments open on `today` (`open_services`,
    `open_funding`), in the order the path shows them: from Redis, or two queries. Staff keep
    the catalogue: its size does not grow with the club."""
    key = f"checkup-catalogue:{get_language() or ''}:{today.isoformat()}"
    return cached(CATALOGUE, key, lambda: _build_catalogue(today))


def _services(
    codes: list[str], names: dict[str, str], catalogue: list[OpenService]
) -> list[Suggestion]:
    wanted = set(codes)
    rows = [item for item in catalogue if wanted.intersection(item.dimension_codes)][:LIMIT]
    suggestions = []
    for item in rows:
        covered = _covered(item.dimension_codes, codes, names)
        reason = _("Perché: lavora su %(gaps)s, dove il check-up mostra una lacuna.") % {
            "gaps": _names_list(covered)
        }
        if item.registration_deadline:
            reason += " " + _("Iscrizioni entro il %(date)s.") % {
                "date": date_format(item.registration_deadline, "SHORT_DATE_FORMAT")
            }
        suggestions.append(
            Suggestion(
                kind=item.kind,
                title=item.title,
                url=item.link,
                reason=reason,
                when=item.starts_on,
                detail=item.kind_display,
            )
        )
    return suggestions


def _funding(
    firm: Firm, codes: list[str], names: dict[str, str], catalogue: list[OpenFunding]
) -> list[Suggestion]:
    wanted = set(codes)
    rows = [
        item
        for item in catalogue
        if wanted.intersection(item.dimension_codes)
        # For every sector (none named) or for the firm's.
        and (not item.sector_ids or firm.sector_id in item.sector_ids)
    ][:LIMIT]
    suggestions = []
    for item in rows:
        covered = _covered(item.dimension_codes, codes, names)
        reason = _("Perché: sostiene il lavoro su %(gaps)s.") % {"gaps": _names_list(covered)}
        if item.deadline:
            reason += " " + _("Domande entro il %(date)s.") % {
                "date": date_format(item.deadline, "SHORT_DATE_FORMAT")
            }
        suggestions.append(
            Suggestion(
                kind="funding",
                title=item.name,
                url=item.link,
                reason=reason,
                when=item.deadline,
                detail=item.provider,
            )
        )
    return suggestions


def _bump_catalogue(sender: object, **kwargs: object) -> None:
    CATALOGUE.bump()


def watch_catalogue_data() -> None:
    """Bump the catalogue's version on every committed change to it (CheckupConfig.ready)."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    for model in (CameraService, FundingInstrument):
        post_save.connect(_bump_catalogue, sender=model, weak=False)
        post_delete.connect(_bump_catalogue, sender=model, weak=False)
    m2m_changed.connect(_bump_catalogue, sender=FundingInstrument.sectors.through, weak=False)


def _mentors(firm: Firm, codes: list[str], names: dict[str, str]) -> list[Suggestion]:
    """The LIMIT mentors covering most gaps, those of the firm's sector first, then by name, from
    the shared ranking (checkup/mentors.py: no query when Redis has it). One more is read, the
    firm itself may be among them; the reasons are written for the LIMIT shown only."""
    top = top_mentors(sector_id=firm.sector_id, gaps=gaps_mask(codes), count=LIMIT + 1)
    shown = [mentor for mentor in top if mentor.pk != firm.pk][:LIMIT]
    return [_mentor_suggestion(mentor, firm, codes, names) for mentor in shown]


def _mentor_suggestion(
    mentor: MentorCandidate, firm: Firm, codes: list[str], names: dict[str, str]
) -> Suggestion:
    """The suggestion with its reason: what the mentor is, the topics it wrote about that name a
    gap, and the gaps it covers, most urgent first."""
    same_sector = mentor.sector_id == firm.sector_id
    known = facts(mentor, same_sector=same_sector)
    because: list[str] = []
    covered: list[str] = []
    for code in codes:
        rule_hit = any(known[need] for need in MENTOR_RULES.get(code, ()))
        topic_hit = topic_hits(mentor.topics, code)
        if rule_hit or topic_hit:
            covered.append(names.get(code, code))
        for topic in topic_hit:
            if topic not in because:
                because.append(topic)
    facts_words = []
    if known[EXPORTS_TO_GERMANY]:
        facts_words.append(_("esporta in Germania"))
    if same_sector:
        facts_words.append(_("è del tuo settore (%(sector)s)") % {"sector": mentor.sector})
    if known[SPEAKS_GERMAN]:
        facts_words.append(_("parla tedesco"))
    if because:
        facts_words.append(
            _("ha scritto in bacheca di %(topics)s") % {"topics": ", ".join(because)}
        )
    reason = _("Perché: %(facts)s; può aiutarti su %(gaps)s.") % {
        "facts": ", ".join(facts_words),
        "gaps": _names_list(covered),
    }
    return Suggestion(
        kind="mentor",
        title=mentor.name,
        url=reverse("members:firm_detail", args=[mentor.pk]),
        reason=reason,
        detail=mentor.sector,
    )


def _missions(
    firm: Firm, codes: list[str], names: dict[str, str], now: dt.datetime
) -> list[Suggestion]:
    applied = Application.objects.filter(mission=OuterRef("pk"), firm=firm).exclude(
        status=Application.Status.WITHDRAWN
    )
    rows = (
        Mission.objects.filter(
            status=Mission.Status.PUBLISHED,
            sectors=firm.sector_id,
            registration_deadline__gte=now,
            start_date__gte=timezone.localdate(now),
        )
        .filter(Q(registration_opens_at__isnull=True) | Q(registration_opens_at__lte=now))
        .exclude(Exists(applied))
        .order_by("start_date", "pk")[:LIMIT]
    )
    first_gap = names.get(codes[0], codes[0])
    return [
        Suggestion(
            kind="mission",
            title=mission.title,
            url=mission.get_absolute_url(),
            reason=_(
                "Perché: è per il tuo settore, le iscrizioni sono aperte fino al %(date)s, e "
                "incontrare buyer tedeschi è il modo più diretto di colmare «%(gap)s»."
            )
            % {
                "date": date_format(
                    timezone.localtime(mission.registration_deadline), "SHORT_DATE_FORMAT"
                ),
                "gap": first_gap,
            },
            when=mission.start_date,
        )
        for mission in rows
    ]
