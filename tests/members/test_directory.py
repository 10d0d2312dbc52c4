import pytest
from django.urls import reverse

from core.fragment_cache import fragments
from members.models import Firm
from tests.factories import FirmFactory, MembershipFactory, sector
from tests.support.html import card_of, main_of

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    return [firm.name for firm in response.context["page"]]


@pytest.mark.parametrize("count", [1, 30])
def test_directory_query_count_does_not_grow_with_firms(
    owner_client, count, django_assert_num_queries
):
    url = reverse("members:directory")
    FirmFactory.create_batch(count)
    owner_client.get(url)  # warm the session
    fragments().clear()
    # user, membership+firm+sector, page count, page rows, sector choices (filter form),
    # unread notifications (the bell)
    with django_assert_num_queries(7):
        cold = owner_client.get(url)
    # The filter form now comes from the fragment cache (core/fragment_cache.py): no sector query.
    with django_assert_num_queries(2):
        warm = owner_client.get(url)
    assert (cold.status_code, warm.status_code) == (200, 200)
    assert main_of(warm.content.decode()) == main_of(cold.content.decode())
    assert warm.content.decode().count('<li class="card">') == min(count + 1, 20)


@pytest.mark.parametrize("contacts", [1, 10])
def test_firm_detail_query_count_does_not_grow_with_contacts(
    owner_client, contacts, django_assert_num_queries
):
    firm = FirmFactory()
    url = reverse("members:firm_detail", args=[firm.pk])
    people = MembershipFactory.create_batch(contacts, firm=firm, user__directory_consent=True)
    owner_client.get(url)
    # user, own membership, firm+sector, listed contacts with users, unread count
    with django_assert_num_queries(2):
        response = owner_client.get(url)
    assert response.status_code == 200
    assert len(response.context["firm"].listed_contacts) == contacts
    body = response.content.decode()
    assert firm.name in body
    assert all(membership.user.email in body for membership in people)


def test_filters_by_sector_comune_exports_mentor_and_text(owner_client):
    url = reverse("members:directory")
    stone = sector("lapideo")
    FirmFactory(name="Graniti Alfa", sector=stone, comune="Val Masino", export_share=0)
    FirmFactory(
        name="Beole Beta", sector=stone, comune="Chiavenna", export_share=25, is_mentor=True
    )
    FirmFactory(name="Bresaole Gamma", sector=sector("agroalimentare"), products="bresaola IGP")
    own = "Impresa Valtellinese"  # the owner's own firm from the factory

    by_sector = names(owner_client.get(url, {"sector": stone.pk}))
    assert sorted(by_sector) == ["Beole Beta", "Graniti Alfa"]
    assert names(owner_client.get(url, {"comune": "Chiavenna"})) == ["Beole Beta"]
    assert names(owner_client.get(url, {"mentor": "true"})) == ["Beole Beta"]
    exporting = names(owner_client.get(url, {"exports": "true"}))
    assert exporting == ["Beole Beta"]
    not_exporting = names(owner_client.get(url, {"exports": "false"}))
    assert "Graniti Alfa" in not_exporting
    assert "Beole Beta" not in not_exporting
    assert names(owner_client.get(url, {"q": "bresaola"})) == ["Bresaole Gamma"]
    assert any(own in n for n in names(owner_client.get(url)))


def test_bad_filter_values_show_errors_not_a_crash(owner_client):
    response = owner_client.get(reverse("members:directory"), {"sector": "abc", "comune": "Milano"})
    assert response.status_code == 200
    assert response.context["filter"].errors


def test_directory_is_paginated_and_keeps_filters(owner_client):
    url = reverse("members:directory")
    FirmFactory.create_batch(25, comune="Tirano")
    first = owner_client.get(url, {"comune": "Tirano"})
    assert len(first.context["page"]) == 20
    body = first.content.decode()
    assert "comune=Tirano&amp;page=2" in body
    second = owner_client.get(url, {"comune": "Tirano", "page": 2})
    assert len(second.context["page"]) == 5
    assert owner_client.get(url, {"page": "999"}).status_code == 200


def test_mentor_firms_are_marked(owner_client):
    FirmFactory(name="Mentore S.p.A.", is_mentor=True)
    FirmFactory(name="Apprendista S.r.l.", is_mentor=False)
    body = owner_client.get(reverse("members:directory")).content.decode()
    # Every directory page says "Impresa mentore" (the label of the mentor filter): the badge
    # must be on the mentor's card, and only there.
    assert "Impresa mentore" in card_of(body, "Mentore S.p.A.")
    assert "Impresa mentore" not in card_of(body, "Apprendista S.r.l.")


def test_directory_lists_only_approved_firms(owner_client):
    FirmFactory(name="Attesa", status=Firm.Status.PENDING)
    assert "Attesa" not in names(owner_client.get(reverse("members:directory")))


def test_the_cached_directory_cards_show_every_change_at_once(owner_client):
    """The directory's cards come from the fragment cache (members.views.directory): an edit of
    any value a card shows is on the next page."""
    url = reverse("members:directory")
    firm = FirmFactory(name="Graniti Alfa", comune="Val Masino", export_share=0, is_mentor=False)
    card = card_of(owner_client.get(url).content.decode(), "Graniti Alfa")
    assert "Impresa mentore" not in card
    assert "Esporta già" not in card
    Firm.objects.filter(pk=firm.pk).update(
        name="Graniti Alfa Due",
        comune="Chiavenna",
        export_share=30,
        is_mentor=True,
        products_it="Lastre e cubetti",
        sector=sector("lapideo"),
    )
    card = card_of(owner_client.get(url).content.decode(), "Graniti Alfa Due")
    assert "Chiavenna" in card
    assert "Impresa mentore" in card
    assert "Esporta già" in card
    assert "Lastre e cubetti" in card
    assert sector("lapideo").name in card
