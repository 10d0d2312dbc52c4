"""Content in the reader's language: missions, programme items, sectors and firm profiles have
German and English texts beside the Italian (django-modeltranslation), shown in the reader's
language and falling back to Italian."""

import pytest
from django.urls import reverse
from django.utils import translation

from members.models import Firm, Sector
from missions.models import Mission
from missions.services import missions as mission_services
from notifications.emails import build_notification_email
from notifications.models import Notification
from privacy.export import export_user_data
from tests.factories import (
    ApplicationFactory,
    MembershipFactory,
    MissionFactory,
    ProgrammeItemFactory,
    sector,
)
from tests.support.admin_forms import submit_change_form
from tests.support.clients import login

pytestmark = pytest.mark.django_db


def _translated_mission() -> Mission:
    mission = MissionFactory(
        title="Missione pietra a Colonia",
        title_de="Naturstein-Mission nach Köln",
        title_en="Natural stone mission to Cologne",
        summary="Incontri con gli importatori",
        summary_de="Treffen mit Importeuren",
        costs="Quota 350 €",
        costs_de="Teilnahmegebühr 350 €",
    )
    ProgrammeItemFactory(
        mission=mission,
        title="Visita alla fiera",
        title_de="Messebesuch",
        description="Con l'interprete",
        description_de="Mit Dolmetscher",
    )
    ProgrammeItemFactory(mission=mission, title="Cena di gala")  # no German text yet
    return mission


def test_a_german_reader_sees_the_german_texts_and_italian_where_there_is_none(owner):
    mission = _translated_mission()
    german = login(owner, language="de")
    detail = german.get(reverse("missions:detail", args=[mission.pk])).content.decode()
    assert "Naturstein-Mission nach Köln" in detail
    assert "Teilnahmegebühr 350 €" in detail
    assert "Messebesuch" in detail
    assert "Mit Dolmetscher" in detail
    assert "Cena di gala" in detail  # falls back to the Italian
    assert "Missione pietra a Colonia" not in detail
    listed = german.get(reverse("missions:list")).content.decode()
    assert "Naturstein-Mission nach Köln" in listed
    assert "Treffen mit Importeuren" in listed

    italian = login(owner, language="it")
    detail = italian.get(reverse("missions:detail", args=[mission.pk])).content.decode()
    assert "Missione pietra a Colonia" in detail
    assert "Visita alla fiera" in detail
    assert "Naturstein-Mission" not in detail
    english = login(owner, language="en")
    listed = english.get(reverse("missions:list")).content.decode()
    assert "Natural stone mission to Cologne" in listed
    assert "Incontri con gli importatori" in listed  # no English summary: the Italian one


def test_a_mission_without_german_texts_shows_the_italian_ones_to_a_german_reader(owner):
    mission = MissionFactory(title="Missione vino a Berlino", summary="Degustazioni")
    german = login(owner, language="de")
    listed = german.get(reverse("missions:list")).content.decode()
    assert "Missione vino a Berlino" in listed
    assert "Degustazioni" in listed
    detail = german.get(reverse("missions:detail", args=[mission.pk])).content.decode()
    assert "Missione vino a Berlino" in detail


def test_search_finds_a_mission_by_its_italian_or_german_words_in_any_language(owner):
    _translated_mission()
    MissionFactory(title="Missione vino a Berlino")
    for language in ["de", "it"]:
        client = login(owner, language=language)
        for word in ["pietra", "Naturstein"]:
            page = client.get(reverse("missions:list"), {"q": word})
            assert [m.title_it for m in page.context["page"]] == ["Missione pietra a Colonia"], (
                language,
                word,
            )


def test_a_sector_name_follows_the_reader_and_sectors_keep_the_italian_order(owner):
    stone = sector("lapideo")
    Sector.objects.filter(pk=stone.pk).update(name_it="Lapideo", name_de="Naturstein")
    MissionFactory(title="Missione pietra", sectors=[stone])
    listed = login(owner, language="de").get(reverse("missions:list")).content.decode()
    assert "Naturstein" in listed
    with translation.override("de"):
        names = [s.name_it for s in Sector.objects.all()]
    assert names == sorted(names)


def test_staff_edit_the_german_and_english_texts_in_admin(staff_client):
    mission = _translated_mission()
    url = reverse("admin:missions_mission_change", args=[mission.pk])
    page = staff_client.get(url).content.decode()
    for name in ["title_it", "title_de", "title_en", "summary_de", "costs_en", "description_de"]:
        assert f'name="{name}"' in page, name
    assert 'name="programme-0-title_de"' in page
    response = submit_change_form(
        staff_client,
        url,
        title_de="Naturstein-Reise nach Köln",
        costs_en="Fee 350 €",
        **{"programme-1-title_de": "Galadinner"},
    )
    assert response.status_code == 302
    mission.refresh_from_db()
    assert (mission.title_it, mission.title_de) == (
        "Missione pietra a Colonia",
        "Naturstein-Reise nach Köln",
    )
    assert mission.costs_en == "Fee 350 €"
    assert sorted(mission.programme.values_list("title_de", flat=True)) == [
        "Galadinner",
        "Messebesuch",
    ]

    stone = sector("lapideo")
    response = submit_change_form(
        staff_client,
        reverse("admin:members_sector_change", args=[stone.pk]),
        name_de="Naturstein",
    )
    assert response.status_code == 302
    stone.refresh_from_db()
    assert (stone.name_it, stone.name_de) == ("Lapideo", "Naturstein")


def test_the_mission_title_of_a_notification_follows_the_recipient_language():
    mission = _translated_mission()
    application = ApplicationFactory(mission=mission)
    german = MembershipFactory(firm=application.firm, user__language="de").user
    italian = MembershipFactory(firm=application.firm, user__language="it").user
    with translation.override("it"):  # staff act in Italian
        mission_services.mission_cancel(mission_id=mission.pk)
    subjects = {
        n.recipient_id: build_notification_email(n).subject
        for n in Notification.objects.filter(recipient__in=[german, italian])
    }
    assert "Naturstein-Mission nach Köln" in subjects[german.pk]
    assert "Missione pietra a Colonia" in subjects[italian.pk]


def _firm_form(firm: Firm, **changes: str) -> dict[str, object]:
    """The firm form as the owner's browser posts it, with `changes`."""
    data: dict[str, object] = {
        "name": firm.name,
        "vat_number": firm.vat_number,
        "ateco_code": firm.ateco_code,
        "sector": firm.sector_id,
        "comune": firm.comune,
        "website": firm.website,
        "employees": firm.employees,
        "export_share": firm.export_share,
        "target_markets": firm.target_markets,
        "languages": firm.languages,
    }
    for field in ["description", "products"]:
        for language in ["it", "de", "en"]:
            name = f"{field}_{language}"
            data[name] = getattr(firm, name) or ""
    data.update(changes)
    return data


def test_firm_owner_saves_german_and_english_texts_and_completeness_counts_the_german(
    owner_client, owner
):
    firm = owner.membership.firm
    Firm.objects.filter(pk=firm.pk).update(
        website="https://example.it",
        description_it="Officina meccanica",
        products_it="Flange",
        target_markets=["DE"],
        languages=["it"],
    )
    firm.refresh_from_db()
    percent, missing = firm.completeness()
    assert missing == ["descrizione in tedesco", "prodotti e servizi in tedesco"]
    page = owner_client.get(reverse("my_firm")).content.decode()
    assert f"{percent}%" in page
    assert "descrizione in tedesco, prodotti e servizi in tedesco" in page

    form = owner_client.get(reverse("members:firm_edit")).content.decode()
    assert "Descrizione in tedesco (facoltativa)" in form
    assert "Descrizione in inglese (facoltativa)" in form
    response = owner_client.post(
        reverse("members:firm_edit"),
        _firm_form(
            firm,
            description_de="Feinmechanische Werkstatt",
            products_de="Flansche",
            description_en="Precision machining",
        ),
    )
    assert response.status_code == 302
    firm.refresh_from_db()
    assert (firm.description_it, firm.description_de, firm.description_en) == (
        "Officina meccanica",
        "Feinmechanische Werkstatt",
        "Precision machining",
    )
    assert firm.products_de == "Flansche"
    assert firm.completeness() == (100, [])
    assert "100%" in owner_client.get(reverse("my_firm")).content.decode()


def test_a_german_page_edits_the_italian_description_in_italian(owner):
    """The owner's page in German still edits the Italian text in the Italian box."""
    firm = owner.membership.firm
    german = login(owner, language="de")
    response = german.post(
        reverse("members:firm_edit"), _firm_form(firm, description_it="Officina")
    )
    assert response.status_code == 302
    firm.refresh_from_db()
    assert (firm.description_it, firm.description_de) == ("Officina", "")
    # German readers of the firm's page see the Italian text while there is no German one.
    with translation.override("de"):
        assert firm.description == "Officina"


def test_the_privacy_export_holds_every_language_of_the_firm_texts(owner):
    firm = owner.membership.firm
    Firm.objects.filter(pk=firm.pk).update(
        description_it="Officina", description_de="Werkstatt", products_en="Flanges"
    )
    with translation.override("de"):
        profile = export_user_data(user=owner)["firm"]["profile"]
    assert profile["description"] == "Officina"
    assert profile["description_de"] == "Werkstatt"
    assert profile["description_en"] == ""
    assert profile["products_en"] == "Flanges"


def test_the_calendar_of_a_mission_is_in_the_reader_language(owner):
    mission = _translated_mission()
    german = login(owner, language="de")
    body = german.get(reverse("missions:ics", args=[mission.pk])).content.decode()
    # iCalendar folds long lines: compare the unfolded text.
    body = body.replace("\r\n ", "")
    assert "Messebesuch — Naturstein-Mission nach Köln" in body
    assert "Cena di gala — Naturstein-Mission nach Köln" in body


def test_a_german_reader_sees_the_firm_profile_in_german_and_finds_it_by_either_text(owner):
    other = MembershipFactory().firm
    Firm.objects.filter(pk=other.pk).update(
        description_it="Cava in Val Masino", description_de="Steinbruch im Val Masino"
    )
    german = login(owner, language="de")
    page = german.get(reverse("members:firm_detail", args=[other.pk])).content.decode()
    assert "Steinbruch im Val Masino" in page
    assert "Cava in Val Masino" not in page
    for word in ["Steinbruch", "Cava"]:
        found = german.get(reverse("members:directory"), {"q": word}).content.decode()
        assert other.name in found, word


def test_sectors_without_an_english_name_can_be_saved_in_admin(staff_client):
    # The per-language names are unique when set: two empty ones must not collide.
    for slug in ["lapideo", "agroalimentare"]:
        response = submit_change_form(
            staff_client,
            reverse("admin:members_sector_change", args=[sector(slug).pk]),
            name_de=slug.upper(),
            name_en="",
        )
        assert response.status_code == 302
    assert list(
        Sector.objects.filter(slug__in=["lapideo", "agroalimentare"]).values_list(
            "name_en", flat=True
        )
    ) == [None, None]
