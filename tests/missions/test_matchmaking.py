"""Pure matchmaking (missions.matchmaking): no database, hand-written Valtellina/Germany fixture."""

import random
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from missions.matchmaking import (
    GLOSSARY,
    FirmProfile,
    PartnerProfile,
    Reason,
    Suggestion,
    concepts,
    normalize,
    score_pair,
    suggest,
)

# --------------------------------------------------------------------------------------------
# Fixture

CNC = FirmProfile(
    id=1,
    name="Meccanica Morbegno Srl",
    sector="metalmeccanico",
    ateco="25.62.00",
    products="Lavorazioni meccaniche CNC conto terzi: tornitura e fresatura di precisione",
    description="Officina di Morbegno, piccole e medie serie, componenti per macchinari.",
    languages=frozenset({"it", "de"}),
    target_markets=frozenset({"DE", "AT", "CH"}),
    exports=True,
)
STONE = FirmProfile(
    id=2,
    name="Graniti Val Masino",
    sector="lapideo",
    ateco="23.70",
    products="Serizzo e granito per rivestimenti, pavimentazioni esterne e piani cucina",
    description="Cava e segheria in Val Masino: lastre e lavorati in pietra naturale.",
    languages=frozenset({"it"}),
    target_markets=frozenset({"DE", "CH"}),
    exports=False,
)
BRESAOLA = FirmProfile(
    id=3,
    name="Salumificio Valtellinese",
    sector="agroalimentare",
    ateco="10.13.00",
    products="Bresaola della Valtellina IGP, slinzega e salumi stagionati",
    description="Salumificio artigianale di Chiavenna.",
    languages=frozenset({"it", "en"}),
    target_markets=frozenset({"DE", "GB"}),
    exports=True,
)
WINERY = FirmProfile(
    id=4,
    name="Cantina Rupi Retiche",
    sector="agroalimentare",
    ateco="11.02.00",
    products="Vini rossi Valtellina Superiore DOCG, Sforzato, nebbiolo",
    description="Viticoltura eroica sui terrazzamenti di Sondrio.",
    languages=frozenset({"it", "de", "en"}),
    target_markets=frozenset({"DE", "CH", "US"}),
    exports=True,
)
FIRMS = [CNC, STONE, BRESAOLA, WINERY]

MACHINERY_BUYER = PartnerProfile(
    id=11,
    name="Maschinenbau Westfalen GmbH",
    kind="buyer",
    country="DE",
    sectors=frozenset({"metalmeccanico"}),
    nace_codes=("25.62",),
    products_sought="CNC-Drehteile, Zerspanung, Frästeile für den Sondermaschinenbau",
    description="Einkauf von Zulieferteilen, Dortmund.",
    languages=frozenset({"de", "en"}),
)
STONE_IMPORTER = PartnerProfile(
    id=12,
    name="Rheinstein Naturstein Import",
    kind="importer",
    country="DE",
    sectors=frozenset({"lapideo"}),
    nace_codes=("23.7",),
    products_sought="Natursteinfassaden, Granit",
    description="Importeur von Naturstein in Köln.",
    languages=frozenset({"de", "it"}),
)
FOOD_IMPORTER = PartnerProfile(
    id=13,
    name="Sachsen Feinkost Import",
    kind="importer",
    country="DE",
    sectors=frozenset({"agroalimentare"}),
    nace_codes=("10.1",),
    products_sought="Feinkost aus Italien, Bresaola, Käse",
    description="Lebensmittelimport, Leipzig.",
    languages=frozenset({"de", "it"}),
)
WINE_DISTRIBUTOR = PartnerProfile(
    id=14,
    name="Spree Weinvertrieb",
    kind="distributor",
    country="DE",
    sectors=frozenset({"agroalimentare"}),
    nace_codes=("11.02",),
    products_sought="Rotwein und Schaumwein aus Norditalien",
    description="Weinhandel in Berlin.",
    languages=frozenset({"de", "en"}),
)
RESEARCH = PartnerProfile(
    id=15,
    name="Institut für Produktionstechnik",
    kind="research",
    country="DE",
    sectors=frozenset({"metalmeccanico"}),
    nace_codes=("25", "28"),
    products_sought="Kooperation in Zerspanung, Automatisierung und Prototypenbau",
    description="Angewandte Forschung für den Maschinenbau.",
    languages=frozenset({"de", "en"}),
)
TEXTILE_BUYER = PartnerProfile(
    id=16,
    name="Textilhandel Nord",
    kind="buyer",
    country="DE",
    sectors=frozenset({"tessile"}),
    nace_codes=("13",),
    products_sought="Textilien, Stoffe, Garne",
    description="Einkauf für die Bekleidungsindustrie.",
    languages=frozenset({"de", "en"}),
)
STONEMASON_SUPPLIER = PartnerProfile(
    id=17,
    name="Steinmetzbedarf Brandenburg",
    kind="distributor",
    country="DE",
    sectors=frozenset({"lapideo"}),
    nace_codes=("23.70",),
    products_sought="Grabsteine und Arbeitsplatten aus Granit",
    description="Großhandel für Steinmetze.",
    languages=frozenset({"de"}),
)
PARTNERS = [
    MACHINERY_BUYER,
    STONE_IMPORTER,
    FOOD_IMPORTER,
    WINE_DISTRIBUTOR,
    RESEARCH,
    TEXTILE_BUYER,
    STONEMASON_SUPPLIER,
]


def codes(suggestion: Suggestion) -> list[str]:
    return [r.code for r in suggestion.reasons]


def reason(suggestion: Suggestion, code: str) -> Reason:
    return next(r for r in suggestion.reasons if r.code == code)


def params(suggestion: Suggestion, code: str) -> list[dict[str, str]]:
    return [dict(r.params) for r in suggestion.reasons if r.code == code]


# --------------------------------------------------------------------------------------------
# Suggestions on the fixture


@pytest.mark.parametrize(
    ("firm", "partner", "expected"),
    [
        (
            CNC,
            MACHINERY_BUYER,
            {
                "same_nace_class",
                "product_match",
                "sector_of_interest",
                "targets_market",
                "partner_kind",
                "common_language",
            },
        ),
        (
            STONE,
            STONE_IMPORTER,
            {
                "same_nace_group",
                "product_match",
                "sector_of_interest",
                "targets_market",
                "partner_kind",
                "common_language",
            },
        ),
        (
            BRESAOLA,
            FOOD_IMPORTER,
            {
                "same_nace_group",
                "product_match",
                "sector_of_interest",
                "targets_market",
                "partner_kind",
                "common_language",
            },
        ),
        (
            WINERY,
            WINE_DISTRIBUTOR,
            {
                "same_nace_class",
                "product_match",
                "sector_of_interest",
                "targets_market",
                "partner_kind",
                "common_language",
            },
        ),
    ],
    ids=["cnc", "stone", "bresaola", "winery"],
)
def test_top_suggestion_per_firm(firm, partner, expected):
    top = suggest(FIRMS, PARTNERS)[firm.id][0]
    assert top.partner_id == partner.id
    assert set(codes(top)) == expected
    assert top.score >= 75


def test_stone_firm_reasons():
    top = suggest(FIRMS, PARTNERS)[STONE.id][0]
    assert top.partner_id == STONE_IMPORTER.id
    assert params(top, "same_nace_group") == [{"group": "23.7"}]
    concepts_found = {p["concept"] for p in params(top, "product_match")}
    assert {"stone cladding", "granite"} <= concepts_found
    assert params(top, "common_language") == [{"language": "it"}]
    assert params(top, "targets_market") == [{"country": "DE"}]
    assert params(top, "partner_kind") == [{"kind": "importer"}]


def test_cnc_firm_prefers_buyer_to_research_centre():
    ranked = suggest(FIRMS, PARTNERS)[CNC.id]
    assert [s.partner_id for s in ranked] == [MACHINERY_BUYER.id, RESEARCH.id]
    buyer, research = ranked
    assert params(buyer, "same_nace_class") == [{"code": "25.62"}]
    assert params(research, "same_nace_division") == [{"division": "25"}]
    assert params(research, "partner_kind") == [{"kind": "research"}]
    assert buyer.score > research.score
    assert {"concept": "cnc machining"} in params(buyer, "product_match")
    assert params(buyer, "common_language") == [{"language": "de"}]


def test_research_kind_bonus_needs_a_nace_or_sector_match():
    # A stone firm that makes prototypes shares a concept with the research centre but neither
    # its NACE division nor a sector of interest: no partner_kind bonus.
    prototypes = replace(STONE, products="Prototipi in granito", languages=frozenset({"de"}))
    s = score_pair(prototypes, RESEARCH)
    assert params(s, "product_match") == [{"concept": "prototyping"}]
    assert "partner_kind" not in codes(s)
    assert "partner_kind" in codes(score_pair(CNC, RESEARCH))


def test_textile_buyer_never_in_anyones_top_two():
    for minimum in (0, 1):
        for firm_id, ranked in suggest(FIRMS, PARTNERS, minimum=minimum).items():
            assert TEXTILE_BUYER.id not in [s.partner_id for s in ranked[:2]], firm_id
    for firm in FIRMS:
        assert score_pair(firm, TEXTILE_BUYER).score == 0


def test_no_common_language_needs_interpreter():
    s = score_pair(STONE, STONEMASON_SUPPLIER)  # it only vs de only
    assert "common_language" not in codes(s)
    interpreter = reason(s, "needs_interpreter")
    assert interpreter.params == ()
    assert interpreter.points < 0
    assert s.reasons[-1] == interpreter  # negative points come last
    # The same partner with an Italian speaker scores higher.
    speaks_it = replace(STONEMASON_SUPPLIER, languages=frozenset({"de", "it"}))
    assert score_pair(STONE, speaks_it).score > s.score
    # Also reported (without points) for a pair that does not match at all.
    s = score_pair(STONE, MACHINERY_BUYER)
    assert s.score == 0
    assert reason(s, "needs_interpreter").points == 0


@pytest.mark.parametrize(
    ("firm_langs", "partner_langs", "expected"),
    [
        ({"it", "de", "en"}, {"en", "de", "it"}, "it"),
        ({"it", "de", "en"}, {"en", "de"}, "de"),
        ({"it", "en", "fr"}, {"fr", "en"}, "en"),
        ({"it", "fr", "es"}, {"es", "fr", "de"}, "es"),
    ],
)
def test_best_common_language(firm_langs, partner_langs, expected):
    firm = replace(WINERY, languages=frozenset(firm_langs))
    partner = replace(WINE_DISTRIBUTOR, languages=frozenset(partner_langs))
    s = score_pair(firm, partner)
    assert params(s, "common_language") == [{"language": expected}]
    assert reason(s, "common_language").points > 0


def test_one_sided_match_scores_lower_than_two_sided():
    # The partner wants the firm (same NACE class, sector of interest) but nothing on the firm's
    # side: not a targeted market, no shared product, a kind that is no channel for the firm.
    one_sided = replace(
        MACHINERY_BUYER,
        id=90,
        kind="association",
        country="FR",
        products_sought="Membri per la rete europea",
    )
    s = score_pair(CNC, one_sided)
    assert s.score == 0
    assert reason(s, "same_nace_class").points == 0
    two_sided = score_pair(CNC, MACHINERY_BUYER)
    assert two_sided.score > s.score
    # Partly reciprocal: the wine distributor only shares the sector with the bresaola maker.
    partial = score_pair(BRESAOLA, WINE_DISTRIBUTOR)
    assert 0 < partial.score < 50 < score_pair(BRESAOLA, FOOD_IMPORTER).score
    # The firm is interested (its product is sought) but the partner's NACE/sector are unrelated:
    # still scores, but below the same partner that also has the firm's NACE class.
    product_only = replace(MACHINERY_BUYER, sectors=frozenset(), nace_codes=("13",))
    assert 0 < score_pair(CNC, product_only).score < two_sided.score


def test_deterministic_and_order_independent():
    first = suggest(FIRMS, PARTNERS)
    assert first == suggest(FIRMS, PARTNERS)
    rng = random.Random(2024)
    for _ in range(5):
        firms, partners = FIRMS[:], PARTNERS[:]
        rng.shuffle(firms)
        rng.shuffle(partners)
        again = suggest(firms, partners)
        assert again == first
        assert list(again) == sorted(again)
    assert list(suggest(reversed(FIRMS), iter(PARTNERS))) == [1, 2, 3, 4]


def test_every_point_is_explained():
    for ranked in suggest(FIRMS, PARTNERS, minimum=0).values():
        for s in ranked:
            assert 0 <= s.score <= 100
            assert sum(r.points for r in s.reasons) == s.score
            if s.score > 0:
                assert s.reasons
                assert s.reasons[0].points > 0
                assert any(r.points > 0 for r in s.reasons)
            points = [r.points for r in s.reasons]
            assert points == sorted(points, reverse=True)
            assert len(params(s, "product_match")) <= 3
            hash(s)  # frozen all the way down


def test_suggest_filters_limits_and_breaks_ties_by_name_then_id():
    twin_b = replace(WINE_DISTRIBUTOR, id=40, name="B Wein")
    twin_a2 = replace(WINE_DISTRIBUTOR, id=42, name="A Wein")
    twin_a1 = replace(WINE_DISTRIBUTOR, id=41, name="A Wein")
    ranked = suggest([WINERY], [twin_b, twin_a2, twin_a1, TEXTILE_BUYER])[WINERY.id]
    assert [s.partner_id for s in ranked] == [41, 42, 40]
    assert suggest([WINERY], [twin_b, twin_a2, twin_a1], limit=2)[WINERY.id] == ranked[:2]
    assert suggest([WINERY], [twin_b], limit=0) == {WINERY.id: []}
    # minimum: everything below is dropped, firms without suggestions keep an empty list.
    everything = suggest(FIRMS, PARTNERS, minimum=0)
    assert all(len(ranked) == len(PARTNERS) for ranked in everything.values())
    strict = suggest(FIRMS, PARTNERS, minimum=90)
    assert all(s.score >= 90 for ranked in strict.values() for s in ranked)
    assert suggest(FIRMS, [TEXTILE_BUYER]) == {f.id: [] for f in FIRMS}
    assert suggest([], PARTNERS) == {}


def test_suggest_rejects_bad_input():
    with pytest.raises(ValueError, match="limit"):
        suggest(FIRMS, PARTNERS, limit=-1)
    with pytest.raises(ValueError, match="firm"):
        suggest([CNC, CNC], PARTNERS)
    with pytest.raises(ValueError, match="partner"):
        suggest(FIRMS, [RESEARCH, replace(RESEARCH, name="Other")])


# --------------------------------------------------------------------------------------------
# NACE levels


@pytest.mark.parametrize(
    ("ateco", "nace", "code", "params_"),
    [
        ("25.62.00", ("25.62",), "same_nace_class", {"code": "25.62"}),
        ("25.62", ("25.62.00",), "same_nace_class", {"code": "25.62"}),
        ("25.62.00", ("25.61",), "same_nace_group", {"group": "25.6"}),
        ("23.70", ("23.7",), "same_nace_group", {"group": "23.7"}),
        ("25.62.00", ("28", "25"), "same_nace_division", {"division": "25"}),
        ("25.62.00", ("25.9", "25.62", "25"), "same_nace_class", {"code": "25.62"}),
        ("01.11.00", ("1.1",), "same_nace_group", {"group": "01.1"}),
    ],
)
def test_nace_levels(ateco, nace, code, params_):
    firm = replace(CNC, ateco=ateco, products="", description="")
    partner = replace(MACHINERY_BUYER, nace_codes=nace, products_sought="")
    s = score_pair(firm, partner)
    nace_reasons = [r for r in s.reasons if r.code.startswith("same_nace_")]
    assert [(r.code, dict(r.params)) for r in nace_reasons] == [(code, params_)]


@pytest.mark.parametrize(
    ("ateco", "nace"),
    [("25.62.00", ("26.11",)), ("25.62.00", ()), ("", ("25",)), ("n/d", ("25",)), ("25", ("2",))],
)
def test_nace_no_match(ateco, nace):
    s = score_pair(replace(CNC, ateco=ateco), replace(MACHINERY_BUYER, nace_codes=nace))
    assert not any(r.code.startswith("same_nace_") for r in s.reasons)


def test_nace_weights_order_class_over_group_over_division():
    def score(nace):
        return score_pair(CNC, replace(MACHINERY_BUYER, nace_codes=nace)).score

    assert score(("25.62",)) > score(("25.61",)) > score(("25",)) > score(("13",))


# --------------------------------------------------------------------------------------------
# Concepts


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Italian
        ("Serizzo e granito per rivestimenti", {"natural stone", "granite", "stone cladding"}),
        ("Piani cucina in pietra naturale", {"kitchen worktops", "natural stone"}),
        ("Bresaola della Valtellina IGP", {"bresaola", "cured meat", "PDO/PGI products"}),
        ("Pizzoccheri e farina di grano saraceno", {"buckwheat"}),
        ("Viti, bulloni e minuteria metallica", {"screws and fasteners"}),
        ("Carpenteria metallica e saldatura", {"steel structures", "welding"}),
        ("Mele della Valtellina e miele di montagna", {"apples", "honey"}),
        ("Formaggi d'alpeggio: Bitto e Valtellina Casera", {"cheese"}),
        # German
        ("Natursteinfassaden, Granit", {"natural stone", "stone cladding", "granite"}),
        ("CNC-Drehteile, Zerspanung", {"cnc machining"}),
        ("Feinkost aus Italien, Bresaola, Käse", {"fine food", "bresaola", "cured meat", "cheese"}),
        ("Schweißkonstruktionen und Stahlbau", {"welding", "steel structures"}),
        ("Äpfel und Apfelsaft", {"apples"}),
        ("Arbeitsplatten für Küchen", {"kitchen worktops"}),
        ("Rotwein und Schaumwein", {"wine"}),
        # English
        ("Stone cladding and granite slabs", {"stone cladding", "granite"}),
        ("Precision CNC machining", {"cnc machining"}),
        ("Cured meat, cheese and wine", {"cured meat", "cheese", "wine"}),
        (
            "Fasteners for agricultural machinery",
            {"screws and fasteners", "agricultural machinery parts"},
        ),
    ],
)
def test_concepts_by_language(text, expected):
    assert concepts(text) == frozenset(expected)


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("Azienda vitivinicola", "screws and fasteners"),  # "vit..." is not "viti"
        ("Marmellata di mirtilli", "marble"),
        ("Schweinefleisch", "wine"),  # contains "wein" inside a word
        ("Materiali lapidei", "funeral art"),  # "lapidei" is not "lapide"
        ("Trattoria tipica", "agricultural machinery parts"),
        ("Werkstoffe und Kunststoffe", "textiles"),
        ("Brand awareness", "spirits"),
    ],
)
def test_concepts_avoid_false_friends(text, absent):
    assert absent not in concepts(text)


def test_concepts_normalisation():
    assert concepts("KÄSE") == concepts("kase") == concepts("Käse") == {"cheese"}
    assert concepts("Schweißtechnik") == concepts("SCHWEISSTECHNIK") == {"welding"}
    assert concepts("Specialità gastronomiche") == {"fine food"}
    assert concepts("") == frozenset()
    assert concepts("Nulla di pertinente qui") == frozenset()
    assert normalize("  Grüße, Café-Bar!  ") == "grusse cafe bar"


def test_glossary_is_multilingual_and_large_enough():
    assert len(GLOSSARY) >= 40
    # Every canonical name is found by its own glossary (English form present).
    for concept in GLOSSARY:
        assert concept in concepts(concept), concept
    assert "industry 4.0" in concepts("Industrie 4.0")


# --------------------------------------------------------------------------------------------
# Properties on random profiles

_LANGS = st.frozensets(st.sampled_from(["it", "de", "en", "fr", "es"]), max_size=3)
_WORDS = st.lists(
    st.sampled_from(
        [
            "granito",
            "Naturstein",
            "CNC",
            "Zerspanung",
            "bresaola",
            "Käse",
            "vino",
            "Wein",
            "miele",
            "Honig",
            "lamiera",
            "Blech",
            "valvole",
            "textile",
            "apple",
            "e",
            "und",
            "für",
        ]
    ),
    max_size=6,
).map(" ".join)
_NACE = st.sampled_from(["25.62", "25.6", "25", "23.70", "23.7", "10.13", "10.1", "11.02", "13"])
_SECTORS = st.sampled_from(["metalmeccanico", "lapideo", "agroalimentare", "tessile"])

firm_profiles = st.builds(
    FirmProfile,
    id=st.integers(1, 1000),
    name=st.text(max_size=5),
    sector=_SECTORS,
    ateco=_NACE,
    products=_WORDS,
    description=_WORDS,
    languages=_LANGS,
    target_markets=st.frozensets(st.sampled_from(["DE", "AT", "CH", "FR"]), max_size=3),
    exports=st.booleans(),
)
partner_profiles = st.builds(
    PartnerProfile,
    id=st.integers(1, 1000),
    name=st.text(max_size=5),
    kind=st.sampled_from(
        ["buyer", "importer", "distributor", "manufacturer", "research", "association"]
    ),
    country=st.sampled_from(["DE", "AT"]),
    sectors=st.frozensets(_SECTORS, max_size=2),
    nace_codes=st.lists(_NACE, max_size=3).map(tuple),
    products_sought=_WORDS,
    description=_WORDS,
    languages=_LANGS,
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(firm=firm_profiles, partner=partner_profiles)
def test_score_invariants(firm, partner):
    s = score_pair(firm, partner)
    assert s == score_pair(firm, partner)
    assert (s.firm_id, s.partner_id) == (firm.id, partner.id)
    assert 0 <= s.score <= 100
    assert sum(r.points for r in s.reasons) == s.score
    if s.score > 0:
        assert s.reasons
        assert s.reasons[0].points > 0
    codes_ = codes(s)
    assert ("common_language" in codes_) != ("needs_interpreter" in codes_)
    assert sum(c.startswith("same_nace_") for c in codes_) <= 1
    assert codes_.count("product_match") <= 3
