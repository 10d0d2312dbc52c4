import pytest
from django.urls import reverse

from members.models import Firm, Membership
from members.vat import example_vat_number
from tests.factories import FirmFactory, UserFactory, sector
from tests.support.clients import login

pytestmark = pytest.mark.django_db

URL = reverse("members:firm_create")


def valid_data(**overrides):
    data = {
        "name": "Officine Orobiche S.r.l.",
        "vat_number": example_vat_number(777),
        "ateco_code": "25.62.00",
        "sector": sector("metalmeccanico").pk,
        "comune": "Morbegno",
        "website": "https://www.officine-orobiche.it",
        "employees": "10-49",
        "export_share": "10",
        "target_markets": ["DE", "AT"],
        "languages": ["it", "de"],
        "description_it": "Officina meccanica fondata nel 1978.",
        "products_it": "Alberi di trasmissione, flange",
    }
    data.update(overrides)
    return data


@pytest.fixture
def user_client():
    user = UserFactory()
    client = login(user)
    client.user = user
    return client


def test_creates_a_pending_firm_owned_by_the_user(user_client):
    response = user_client.post(URL, valid_data())

    assert response.status_code == 302
    firm = Firm.objects.get()
    assert firm.status == Firm.Status.PENDING
    assert firm.target_markets == ["DE", "AT"]
    membership = Membership.objects.get(user=user_client.user)
    assert membership.firm == firm
    assert membership.role == Membership.Role.OWNER
    page = user_client.get(response["Location"]).content.decode()
    assert "In attesa di approvazione" in page


def test_accepts_vat_number_with_it_prefix_and_spaces(user_client):
    vat = example_vat_number(778)
    user_client.post(URL, valid_data(vat_number=f"IT {vat[:5]} {vat[5:]}"))
    assert Firm.objects.get().vat_number == vat


@pytest.mark.parametrize(
    "vat",
    ["12345678901", "1234567890", "abcdefghijk", "00000000000", ""],
    ids=["bad-checksum", "too-short", "letters", "zeros", "empty"],
)
def test_bad_vat_number_is_a_form_error_and_stores_nothing(user_client, vat):
    response = user_client.post(URL, valid_data(vat_number=vat))

    assert response.status_code == 200
    assert "vat_number" in response.context["form"].errors
    assert not Firm.objects.exists()
    assert not Membership.objects.exists()


def test_duplicate_vat_number_is_a_form_error_and_stores_nothing(user_client):
    existing = FirmFactory(vat_number=example_vat_number(779))

    response = user_client.post(URL, valid_data(vat_number=existing.vat_number))

    assert response.status_code == 200
    assert "già iscritta" in str(response.context["form"].errors["vat_number"])
    assert Firm.objects.count() == 1
    assert not Membership.objects.filter(user=user_client.user).exists()


@pytest.mark.parametrize("field", ["name", "vat_number", "ateco_code", "sector", "comune"])
def test_missing_required_field_is_a_form_error_and_stores_nothing(user_client, field):
    response = user_client.post(URL, valid_data(**{field: ""}))

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Firm.objects.exists()


@pytest.mark.parametrize("code", ["2562", "25.6.2.1", "AB.12", "25..62"])
def test_malformed_ateco_code_is_a_form_error(user_client, code):
    response = user_client.post(URL, valid_data(ateco_code=code))
    assert "ateco_code" in response.context["form"].errors
    assert not Firm.objects.exists()


def test_comune_outside_the_province_is_rejected(user_client):
    response = user_client.post(URL, valid_data(comune="Milano"))
    assert "comune" in response.context["form"].errors


def test_a_user_who_already_has_a_firm_cannot_create_another(owner_client, owner):
    response = owner_client.post(URL, valid_data())

    assert response.status_code == 302
    assert Firm.objects.count() == 1
    assert Membership.objects.get(user=owner).firm.vat_number != valid_data()["vat_number"]


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
