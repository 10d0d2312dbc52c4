"""B2B matchmaking between Club firms and German partners: pure, deterministic, explainable.

No Django imports: services turn model instances into ``FirmProfile`` / ``PartnerProfile`` and
templates turn ``Reason`` codes into sentences.

Scoring
=======
Two interest sides are computed, each in 0..1: the sum of its weights (at most 1 by design, so a
side only reaches 1 when everything on it matches; capped at 1 all the same):

Partner's interest in the firm (side P)
    same_nace_class     0.40   firm ATECO class == a partner NACE code at class level ("25.62")
    same_nace_group     0.32   same group ("25.6"); also when the partner names the group itself
    same_nace_division  0.20   same division ("25")   (only the best NACE level counts)
    sector_of_interest  0.15   firm.sector in partner.sectors
    product_match       0.25, 0.12, 0.08 for the 1st, 2nd, 3rd shared product concept: concepts
                        of firm.products + firm.description that are also in
                        partner.products_sought (partner.description when that is blank)

Firm's interest in the partner (side F)
    product_match       0.35, 0.15, 0.10 for the same shared concepts (1st, 2nd, 3rd)
    targets_market      0.20   partner.country in firm.target_markets
    partner_kind        0.20   the partner is a channel that fits the firm: importers,
                               distributors and buyers for food / consumer / stone products;
                               buyers, manufacturers and distributors for metalworking
                        0.15   research centres, for industrial firms (metalworking, stone) and
                               only with a NACE or sector match

Score
    base  = 90 * sqrt(P * F)            -> a one-sided match (P or F = 0) scores 0
    score = base + language adjustment, clamped to 0..100, where the adjustment applies only
            when base > 0:
        common_language    +10 for "it" or "de", +6 for "en", +4 for any other language
                           (the best common language is reported: it > de > en > others)
        needs_interpreter  -15 when the firm and the partner share no language

Explanation
    The base is split exactly among the reasons with Euler's decomposition of the geometric
    mean: sqrt(P*F) = 1/2*sqrt(F/P)*P + 1/2*sqrt(P/F)*F, so each side earns half of the base,
    shared among its reasons in proportion to their weights. The shares are rounded with the
    largest-remainder method, and the language points are clipped so that the score stays in
    0..100. Hence ``sum(r.points for r in suggestion.reasons) == suggestion.score`` always: the
    UI never shows a number that no reason explains. A pair with base 0 keeps its (partial)
    reasons, all with 0 points, so one-sided interest can still be shown; ``suggest`` drops it
    with the default ``minimum=1``. ``FirmProfile.exports`` does not affect the score.

Concepts
========
``concepts(text)`` finds canonical (English) product concepts through a small multilingual
glossary (Italian, German, English keywords). Text and keywords are normalised alike:
lowercase, accents stripped ("ä" -> "a", "ß" -> "ss"), anything but letters and digits becomes
a space. A keyword matches at the start of a word (so "granit" finds "granito", "Granit",
"granite"); a keyword written "~stem" matches anywhere inside a word (German compounds:
"~fassade" finds "Natursteinfassaden"); a keyword written "stem=" must also end a word
("viti=" finds "viti" but not "vitivinicolo"). Keywords may span words ("piani cucina").
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "FirmProfile",
    "PartnerProfile",
    "Reason",
    "Suggestion",
    "GLOSSARY",
    "NO_INTEREST",
    "OPEN_OFFER",
    "PairHistory",
    "PastMeeting",
    "concepts",
    "pair_history",
    "normalize",
    "score_pair",
    "suggest",
]


# --------------------------------------------------------------------------------------------
# Data


@dataclass(frozen=True)
class FirmProfile:
    id: int
    name: str
    sector: str  # slug: "metalmeccanico" | "lapideo" | "agroalimentare" | other
    ateco: str  # ATECO 2007 code, e.g. "25.62.00" or "23.70"
    products: str
    description: str
    languages: frozenset[str]  # "it", "de", "en", "fr", "es"
    target_markets: frozenset[str]  # "DE", "AT", "CH", ...
    exports: bool  # already exports


@dataclass(frozen=True)
class PartnerProfile:
    id: int
    name: str
    kind: str  # "buyer" | "importer" | "distributor" | "manufacturer" | "research" | "association"
    country: str  # "DE"
    sectors: frozenset[str]
    nace_codes: tuple[str, ...]  # "25.62", "23.7", "10.13", or divisions "25"
    products_sought: str
    description: str
    languages: frozenset[str]


@dataclass(frozen=True)
class Reason:
    code: str
    params: tuple[tuple[str, str], ...] = ()
    points: int = 0


@dataclass(frozen=True)
class Suggestion:
    firm_id: int
    partner_id: int
    score: int  # 0..100
    reasons: tuple[Reason, ...]  # most important first; never empty for a score > 0
    follow_up: bool = False  # an offer from an earlier mission is open: suggested first


# --------------------------------------------------------------------------------------------
# What earlier meetings of the same firm and partner teach (the outcome ledger)

NO_INTEREST = "no_interest"
OPEN_OFFER = "open_offer"
DEAL_OUTCOMES = frozenset({"order", "agreement"})
OFFER_OUTCOMES = frozenset({"offer", "samples"})
OFFER_STEPS = frozenset({"offer", "samples"})
COMMITTED_STEPS = frozenset({"offer", "samples", "order"})


@dataclass(frozen=True)
class PastMeeting:
    """A meeting of the pair at an earlier mission: the firm's outcome, the partner's feedback."""

    firm_id: int
    partner_id: int
    mission: str  # its title, for the reason in words
    mission_start: str  # ISO date: the latest meeting of a pair decides
    outcome: str  # "" | "no_interest" | "contact" | "offer" | "samples" | "order" | "agreement"
    partner_interest: int | None  # 1 (none) .. 5
    partner_next_step: str  # "" | "none" | "call" | "offer" | "samples" | "visit" | "order"


@dataclass(frozen=True)
class PairHistory:
    kind: str  # NO_INTEREST | OPEN_OFFER
    mission: str


def _lesson(meeting: PastMeeting) -> str | None:
    """No interest on both sides: the partner said "no interest" (1) without asking for an
    offer, samples or an order, and the firm recorded "no interest" as the outcome (one side
    alone is not enough: a firm that kept the contact, or has not said yet, is matched as
    usual). An open offer: the firm sent an offer or samples, or the partner asked for them,
    and no order or agreement followed."""
    if meeting.outcome in DEAL_OUTCOMES:
        return None
    if meeting.outcome in OFFER_OUTCOMES or meeting.partner_next_step in OFFER_STEPS:
        return OPEN_OFFER
    if (
        meeting.outcome == NO_INTEREST
        and meeting.partner_interest == 1
        and meeting.partner_next_step not in COMMITTED_STEPS
    ):
        return NO_INTEREST
    return None


def pair_history(meetings: Iterable[PastMeeting]) -> dict[tuple[int, int], PairHistory]:
    """(firm id, partner id) -> what their latest earlier meeting teaches, if anything.

    A pair that already made a deal (order or agreement) at any meeting is matched as usual.
    """
    latest: dict[tuple[int, int], PastMeeting] = {}
    dealt: set[tuple[int, int]] = set()
    for m in meetings:
        pair = (m.firm_id, m.partner_id)
        if m.outcome in DEAL_OUTCOMES:
            dealt.add(pair)
        known = latest.get(pair)
        if known is None or (m.mission_start, m.mission) > (known.mission_start, known.mission):
            latest[pair] = m
    result = {}
    for pair, m in latest.items():
        kind = _lesson(m)
        if kind is not None and pair not in dealt:
            result[pair] = PairHistory(kind, m.mission)
    return result


# --------------------------------------------------------------------------------------------
# Weights (see the module docstring)

NACE_WEIGHTS = {"same_nace_class": 0.40, "same_nace_group": 0.32, "same_nace_division": 0.20}
SECTOR_WEIGHT = 0.15
PRODUCT_WEIGHTS_PARTNER = (0.25, 0.12, 0.08)
PRODUCT_WEIGHTS_FIRM = (0.35, 0.15, 0.10)
MAX_PRODUCT_REASONS = 3
MARKET_WEIGHT = 0.20
KIND_WEIGHT = 0.20
RESEARCH_KIND_WEIGHT = 0.15

BASE_SCALE = 90
LANGUAGE_PREFERENCE = ("it", "de", "en")
LANGUAGE_BONUS = {"it": 10, "de": 10, "en": 6}
OTHER_LANGUAGE_BONUS = 4
INTERPRETER_PENALTY = 15

INDUSTRIAL_SECTORS = frozenset({"metalmeccanico", "lapideo"})
CONSUMER_SECTORS = frozenset({"agroalimentare"})
# Channels that fit each kind of firm (side F, "partner_kind").
CONSUMER_CHANNELS = frozenset({"importer", "distributor", "buyer"})
STONE_CHANNELS = frozenset({"importer", "distributor", "buyer"})
METAL_CHANNELS = frozenset({"buyer", "manufacturer", "distributor"})

# Tie-break for reasons with equal points (most telling first).
_CODE_ORDER = (
    "same_nace_class",
    "same_nace_group",
    "same_nace_division",
    "product_match",
    "sector_of_interest",
    "targets_market",
    "partner_kind",
    "common_language",
    "needs_interpreter",
)


# --------------------------------------------------------------------------------------------
# Glossary: canonical concept (English) -> keywords in Italian, German and English.
# Order matters only for reporting: earlier (more specific) concepts are listed first.

# A keyword table: the formatter would put each keyword on a line of its own.
# fmt: off
GLOSSARY: dict[str, tuple[str, ...]] = {
    # Stone (lapideo)
    "stone cladding": (
        "rivestiment", "cladding", "~fassade", "~verkleidung", "facciate ventilate", "facciat",
        "facade",
    ),
    "granite": ("~granit",),
    "marble": ("marmo=", "marmi=", "~marmor", "marble"),
    "natural stone": (
        "pietra natural", "pietre natural", "~naturstein", "natural stone", "serizzo", "beola",
        "pietra di", "pietre ornamental", "dimension stone",
    ),
    "kitchen worktops": (
        "piani cucina", "piano cucina", "top cucina", "top da cucina", "~arbeitsplatte",
        "~kuchenplatte", "worktop", "countertop",
    ),
    "paving": (
        "pavimentaz", "pavimenti esterni", "lastricat", "cubetti", "porfido", "~pflaster",
        "~bodenplatte", "paving", "pavers",
    ),
    "tiles": ("piastrell", "~fliese", "tiles", "tile="),
    "funeral art": (
        "arte funeraria", "lapide=", "lapidi=", "monumenti funebri", "~grabmal", "~grabstein",
        "headstone", "gravestone", "funerary", "funeral art",
    ),
    # Metalworking (metalmeccanico)
    "cnc machining": (
        "cnc", "lavorazioni meccaniche", "lavorazione meccanica", "tornitur", "fresatur",
        "~zerspan", "~drehteil", "~frasteil", "machining", "turned parts", "milled parts",
    ),
    "precision components": (
        "componenti di precisione", "meccanica di precisione", "~prazision", "precision parts",
        "precision component", "precision engineering", "~feinmechanik",
    ),
    "screws and fasteners": (
        "viti=", "vite=", "bullon", "minuteria", "rivett", "~schraub", "~befestigung",
        "fastener", "screws", "bolts",
    ),
    "steel structures": (
        "carpenteria metallica", "carpenterie metalliche", "strutture in acciaio",
        "strutture metalliche", "~stahlbau", "~stahlkonstruktion", "steel structure",
        "structural steel",
    ),
    "sheet metal": (
        "lamiera", "lamiere", "tranciatur", "punzonatur", "~blech", "~stanzteil",
        "sheet metal", "stamping",
    ),
    "welding": ("saldat", "~schweiss", "welding", "welded"),
    "moulds": ("stampi=", "stampo=", "~formenbau", "~werkzeugbau", "mould", "molds=", "mold="),
    "valves": ("valvol", "~ventil", "valve"),
    "hydraulics": ("oleodinamic", "idraulic", "~hydraulik", "hydraulic"),
    "agricultural machinery parts": (
        "macchine agricole", "macchina agricola", "ricambi agricoli", "trattori=", "trattore=",
        "~landmaschin", "~landtechnik", "~traktor", "agricultural machinery", "farm machinery",
        "tractor",
    ),
    "industrial machinery": (
        "macchinari", "macchine industriali", "macchine utensili", "~maschinenbau",
        "~werkzeugmaschin", "~sondermaschin", "industrial machinery", "machine tools",
        "machine building",
    ),
    "automation": ("automazion", "robot", "plc=", "~automatisier", "~automation"),
    "surface treatment": (
        "trattamenti superficiali", "trattamento superficial", "verniciatur", "zincatur",
        "galvanic", "anodizz", "~oberflachen", "~beschichtung", "~lackier", "~verzink",
        "surface treatment", "coating", "galvaniz",
    ),
    "automotive components": (
        "automotive", "componenti auto", "~kfz", "~fahrzeugteil", "~zulieferteil", "car parts",
    ),
    "prototyping": ("prototip", "~prototyp"),
    "research and development": (
        "ricerca e sviluppo", "ricerca applicata", "~forschung", "research and development",
        "applied research",
    ),
    "industry 4.0": (
        "industria 4 0", "industrie 4 0", "industry 4 0", "digitalizzazion", "~digitalisier",
        "digitalization", "digitalisation",
    ),
    "renewable energy": (
        "energia rinnovabil", "energie rinnovabil", "fotovoltaic", "idroelettric",
        "~photovoltaik", "~wasserkraft", "erneuerbare energie", "renewable energ",
        "hydropower", "photovoltaic",
    ),
    # Agri-food (agroalimentare)
    "bresaola": ("bresaola", "bresaole", "~bundnerfleisch", "~trockenfleisch", "air dried beef"),
    "cured meat": (
        "salum", "salame", "salami", "prosciutt", "slinzeg", "violino di capra", "~wurst",
        "~schinken", "~aufschnitt", "~fleischware", "cured meat", "charcuterie", "cold cuts",
        "bresaola", "bresaole",
    ),
    "cheese": ("formagg", "bitto", "casera", "~kase", "cheese"),
    "dairy products": (
        "lattiero", "casear", "burro", "~molkerei", "~milchprodukt", "~butter", "dairy",
    ),
    "wine": (
        "vino", "vini=", "vinicol", "vitivinicol", "nebbiolo", "sforzato", "sfursat",
        "sassella", "grumello", "wein", "~rotwein", "~weisswein", "~schaumwein",
        "~qualitatswein", "~weinhandel", "~weinimport", "wine",
    ),
    "spirits": (
        "grappa", "grappe", "liquor", "amaro=", "amari=", "distillat", "~spirituose",
        "~schnaps", "~likor", "~obstbrand", "~edelbrand", "~branntwein", "spirits", "liqueur",
    ),
    "apples": ("mele=", "mela=", "~apfel", "apple"),
    "fruit and vegetables": (
        "frutta", "ortaggi", "ortofrutt", "verdur", "piccoli frutti", "~obst", "~gemuse",
        "fruit", "vegetable", "berries",
    ),
    "honey": ("miele", "~honig", "honey"),
    "buckwheat": ("grano saraceno", "pizzoccher", "sciatt", "~buchweizen", "buckwheat"),
    "pasta": ("pasta=", "paste alimentari", "~nudel", "~teigware"),
    "bakery products": (
        "prodotti da forno", "biscott", "panetton", "bisciola", "~backware", "~geback",
        "bakery", "biscuit", "cookies",
    ),
    "fine food": (
        "specialita alimentari", "specialita gastronomiche", "gastronomi", "prodotti tipici",
        "eccellenze alimentari", "~feinkost", "~delikatess", "delicatessen", "fine food",
        "gourmet",
    ),
    "organic food": ("biologic", "bio=", "~okologisch", "organic"),
    "PDO/PGI products": (
        "dop=", "igp=", "docg=", "denominazione di origine", "~ursprungsbezeichnung", "pdo=",
        "pgi=", "protected designation",
    ),
    "mineral water": ("acqua minerale", "acque minerali", "~mineralwasser", "mineral water"),
    # Cross-sector
    "wood products": ("legno", "lignam", "~holz", "wood", "timber"),
    "packaging": ("imballag", "confezionament", "~verpackung", "packaging"),
    "logistics": (
        "logistic", "spedizion", "trasport", "~logistik", "~spedition", "freight", "shipping",
    ),
    "textiles": (
        "tessil", "tessut", "filati", "abbigliament", "~textil", "~bekleidung", "stoffe=",
        "textile", "apparel", "fabric=", "fabrics=", "yarn",
    ),
}

# Concepts that mark a firm as a food / consumer producer (for the "partner_kind" fit).
CONSUMER_CONCEPTS = frozenset({
    "bresaola", "cured meat", "cheese", "dairy products", "wine", "spirits", "apples",
    "fruit and vegetables", "honey", "buckwheat", "pasta", "bakery products", "fine food",
    "organic food", "PDO/PGI products", "mineral water",
})
# fmt: on


# --------------------------------------------------------------------------------------------
# Text normalisation and concepts

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def normalize(text: str) -> str:
    """Lowercase, strip accents ("ä" -> "a", "ß" -> "ss"), keep only letters/digits/spaces."""
    text = text.casefold()  # "ß" -> "ss"
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _NON_ALNUM.sub(" ", text).strip()


def _keyword_pattern(keyword: str) -> str:
    infix = keyword.startswith("~")
    whole = keyword.endswith("=")
    core = normalize(keyword.strip("~="))
    if not core:
        raise ValueError(f"empty glossary keyword: {keyword!r}")
    pattern = re.escape(core).replace(r"\ ", " ")
    if not infix:
        pattern = r"(?<![a-z0-9])" + pattern
    if whole:
        pattern += r"(?![a-z0-9])"
    return pattern


_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (concept, re.compile("|".join(_keyword_pattern(k) for k in keywords)))
    for concept, keywords in GLOSSARY.items()
)
_CONCEPT_RANK = {concept: i for i, concept in enumerate(GLOSSARY)}


@lru_cache(maxsize=4096)
def concepts(text: str) -> frozenset[str]:
    """Canonical product concepts (English names from ``GLOSSARY``) mentioned in ``text``."""
    norm = normalize(text or "")
    if not norm:
        return frozenset()
    return frozenset(concept for concept, pattern in _PATTERNS if pattern.search(norm))


# --------------------------------------------------------------------------------------------
# NACE / ATECO


def _nace_digits(code: str) -> str:
    """ "25.62.00" -> "256200", "23.7" -> "237", "1.11" -> "0111"; "" when unusable."""
    parts = [p for p in (code or "").strip().split(".") if p != ""]
    if not parts or not all(p.isdigit() for p in parts):
        return ""
    return parts[0].zfill(2) + "".join(parts[1:])


def _nace_match(ateco: str, nace_codes: Iterable[str]) -> Reason | None:
    """The finest NACE level (class > group > division) shared by the firm and the partner."""
    firm = _nace_digits(ateco)[:4]
    best = 0
    for code in nace_codes:
        partner = _nace_digits(code)[:4]
        level = 0
        for a, b in zip(firm, partner, strict=False):
            if a != b:
                break
            level += 1
        best = max(best, level)
    if best >= 4:
        return Reason("same_nace_class", (("code", f"{firm[:2]}.{firm[2:4]}"),))
    if best == 3:
        return Reason("same_nace_group", (("group", f"{firm[:2]}.{firm[2]}"),))
    if best == 2:
        return Reason("same_nace_division", (("division", firm[:2]),))
    return None


# --------------------------------------------------------------------------------------------
# Scoring


def _firm_concepts(firm: FirmProfile) -> frozenset[str]:
    return concepts(firm.products) | concepts(firm.description)


def _partner_concepts(partner: PartnerProfile) -> frozenset[str]:
    # What the partner seeks, not what it is: its description only when nothing is sought.
    return concepts(partner.products_sought or partner.description)


def _slugs(values: Iterable[str]) -> frozenset[str]:
    return frozenset(v.strip().lower() for v in values if v and v.strip())


def _kind_weight(sector: str, kind: str, firm_concepts: frozenset[str], has_match: bool) -> float:
    """Side-F weight of the partner's kind for this firm (0 when the kind does not fit)."""
    if kind == "research":
        return RESEARCH_KIND_WEIGHT if sector in INDUSTRIAL_SECTORS and has_match else 0.0
    if sector in CONSUMER_SECTORS or (
        sector not in INDUSTRIAL_SECTORS and firm_concepts & CONSUMER_CONCEPTS
    ):
        channels = CONSUMER_CHANNELS
    elif sector == "lapideo":
        channels = STONE_CHANNELS
    elif sector == "metalmeccanico":
        channels = METAL_CHANNELS
    else:
        return 0.0
    return KIND_WEIGHT if kind in channels else 0.0


def _best_language(common: frozenset[str]) -> str:
    for lang in LANGUAGE_PREFERENCE:
        if lang in common:
            return lang
    return min(common)


def _allocate(values: list[float], total: int) -> list[int]:
    """Round non-negative ``values`` (summing to ~``total``) to integers summing to ``total``."""
    floors = [math.floor(v) for v in values]
    rest = total - sum(floors)
    by_remainder = sorted(range(len(values)), key=lambda i: (-(values[i] - floors[i]), i))
    for k in range(max(0, rest)):
        floors[by_remainder[k % len(by_remainder)]] += 1
    return floors


def score_pair(firm: FirmProfile, partner: PartnerProfile) -> Suggestion:
    """Score one firm/partner pair; see the module docstring for the weights."""
    sector = firm.sector.strip().lower()
    kind = partner.kind.strip().lower()
    country = partner.country.strip().upper()

    # Each entry: (reason without points, weight on side P, weight on side F).
    parts: list[tuple[Reason, float, float]] = []

    nace = _nace_match(firm.ateco, partner.nace_codes)
    if nace is not None:
        parts.append((nace, NACE_WEIGHTS[nace.code], 0.0))

    sector_match = bool(sector) and sector in _slugs(partner.sectors)
    if sector_match:
        parts.append((Reason("sector_of_interest", (("sector", sector),)), SECTOR_WEIGHT, 0.0))

    firm_concepts = _firm_concepts(firm)
    shared = sorted(firm_concepts & _partner_concepts(partner), key=_CONCEPT_RANK.__getitem__)
    for i, concept in enumerate(shared[:MAX_PRODUCT_REASONS]):
        reason = Reason("product_match", (("concept", concept),))
        parts.append((reason, PRODUCT_WEIGHTS_PARTNER[i], PRODUCT_WEIGHTS_FIRM[i]))

    if country and country in {m.strip().upper() for m in firm.target_markets}:
        parts.append((Reason("targets_market", (("country", country),)), 0.0, MARKET_WEIGHT))

    kind_weight = _kind_weight(sector, kind, firm_concepts, nace is not None or sector_match)
    if kind_weight:
        parts.append((Reason("partner_kind", (("kind", kind),)), 0.0, kind_weight))

    raw_p = sum(p for _, p, _ in parts)
    raw_f = sum(f for _, _, f in parts)
    if raw_p > 0 and raw_f > 0:
        base_float = BASE_SCALE * math.sqrt(min(1.0, raw_p) * min(1.0, raw_f))
        # Euler split of the geometric mean: each side earns half of the base, shared among
        # its reasons in proportion to their (raw) weights.
        share_p = base_float / 2 / raw_p
        share_f = base_float / 2 / raw_f
        base = math.floor(base_float + 0.5)
        points = _allocate([p * share_p + f * share_f for _, p, f in parts], base)
    else:
        base = 0  # one-sided (or no) interest
        points = [0] * len(parts)

    reasons = [Reason(r.code, r.params, pts) for (r, _, _), pts in zip(parts, points, strict=True)]

    common = _slugs(firm.languages) & _slugs(partner.languages)
    if common:
        lang = _best_language(common)
        bonus = min(LANGUAGE_BONUS.get(lang, OTHER_LANGUAGE_BONUS), 100 - base) if base else 0
        reasons.append(Reason("common_language", (("language", lang),), bonus))
    else:
        reasons.append(Reason("needs_interpreter", (), -min(INTERPRETER_PENALTY, base)))

    # Most important first: by points, then by kind of reason, then in order of discovery.
    order = sorted(
        range(len(reasons)),
        key=lambda i: (-reasons[i].points, _CODE_ORDER.index(reasons[i].code), i),
    )
    ordered = tuple(reasons[i] for i in order)
    return Suggestion(firm.id, partner.id, sum(r.points for r in ordered), ordered)


def suggest(
    firms: Iterable[FirmProfile],
    partners: Iterable[PartnerProfile],
    *,
    limit: int | None = None,
    minimum: int = 1,
    history: dict[tuple[int, int], PairHistory] | None = None,
) -> dict[int, list[Suggestion]]:
    """Firm id -> its suggestions, best first (ties by partner name, then id).

    With ``history`` (``pair_history``): a pair with no interest on both sides at an earlier
    mission is not suggested; a pair with an open offer comes first, whatever its score, with
    an ``open_offer`` reason (0 points: the score stays the sum of its reasons).

    Every firm gets a key (an empty list when nothing reaches ``minimum``). Suggestions scoring
    below ``minimum`` are dropped; ``limit`` caps each list. The result does not depend on the
    order of the inputs; duplicated ids raise ``ValueError``.
    """
    if limit is not None and limit < 0:
        raise ValueError("limit must be >= 0 or None")
    firm_list = sorted(firms, key=lambda f: f.id)
    partner_list = sorted(partners, key=lambda p: (p.name, p.id))
    for label, items in (("firm", firm_list), ("partner", partner_list)):
        ids = [item.id for item in items]
        if len(ids) != len(set(ids)):
            raise ValueError(f"duplicated {label} ids")

    result: dict[int, list[Suggestion]] = {}
    for firm in firm_list:
        scored = []
        for partner in partner_list:
            lesson = (history or {}).get((firm.id, partner.id))
            if lesson is not None and lesson.kind == NO_INTEREST:
                continue
            suggestion = score_pair(firm, partner)
            if lesson is not None and lesson.kind == OPEN_OFFER:
                reason = Reason(OPEN_OFFER, (("mission", lesson.mission),))
                suggestion = Suggestion(
                    firm.id, partner.id, suggestion.score, (reason, *suggestion.reasons), True
                )
            elif suggestion.score < minimum:
                continue
            scored.append((suggestion, partner))
        scored.sort(key=lambda sp: (not sp[0].follow_up, -sp[0].score, sp[1].name, sp[1].id))
        suggestions = [s for s, _ in scored]
        result[firm.id] = suggestions if limit is None else suggestions[:limit]
    return result
