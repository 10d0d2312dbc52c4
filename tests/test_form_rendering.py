"""The shared form rendering (templates/_form_fields.html, used by every form, allauth's too):
required fields are marked with a visible "*" explained once per form, and after a failed
submit a summary at the top says how many errors there are and links to each field."""

import re

import pytest
from django.urls import reverse

from members.vat import example_vat_number
from tests.factories import UserFactory, sector
from tests.support.clients import login
from tests.support.html import main_of

pytestmark = pytest.mark.django_db

MARK = 'class="required"'  # the "*" after the label (CSS, with an empty alternative text)


def label_of(html: str, field_id: str) -> str:
    match = re.search(rf'<label for="{field_id}"[^>]*>', html, re.S)
    assert match, f"no label for {field_id}"
    return match.group(0)


def summary_of(html: str) -> str:
    match = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert match, "no error summary"
    return match.group(0)


@pytest.fixture
def user_client():
    return login(UserFactory())


def test_the_firm_form_marks_its_required_fields_and_explains_the_mark(user_client):
    html = main_of(user_client.get(reverse("members:firm_create")).content.decode())
    assert "obbligatorio" in html
    for required in ["id_name", "id_vat_number", "id_sector", "id_comune"]:
        assert MARK in label_of(html, required), required
        assert re.search(rf'id="{required}"[^>]*required|required[^>]*id="{required}"', html)
    for optional in ["id_website", "id_description_it"]:
        assert MARK not in label_of(html, optional), optional
    assert "error-summary" not in html
    assert "{#" not in html
    assert "{% comment" not in html


def test_a_failed_submit_shows_a_summary_linking_to_each_field_in_error(user_client):
    data = {
        "name": "",
        "vat_number": "123",
        "ateco_code": "25.62.00",
        "sector": sector("metalmeccanico").pk,
        "comune": "Morbegno",
        "employees": "10-49",
        "export_share": "10",
    }
    response = user_client.post(reverse("members:firm_create"), data)
    assert response.status_code == 200
    html = main_of(response.content.decode())
    summary = summary_of(html)
    assert 'role="alert"' in summary
    assert 'tabindex="-1"' in summary
    assert "Ci sono 2 errori" in summary
    assert '<a href="#id_name">Ragione sociale</a>' in summary
    assert '<a href="#id_vat_number">Partita IVA</a>' in summary
    # Each message stays beside its field (said once); the summary names the fields.
    assert "La partita IVA non è valida" not in summary
    assert "La partita IVA non è valida" in html
    # The summary comes first in the form, before the first field.
    assert html.index("error-summary") < html.index('<label for="id_name"')


def test_one_error_reads_in_the_singular(user_client):
    data = {
        "name": "Officine Orobiche S.r.l.",
        "vat_number": example_vat_number(778),
        "ateco_code": "25.62.00",
        "sector": sector("metalmeccanico").pk,
        "comune": "Milano",  # outside the province
        "employees": "10-49",
        "export_share": "10",
    }
    html = main_of(user_client.post(reverse("members:firm_create"), data).content.decode())
    assert "C&#x27;è un errore" in summary_of(html) or "C'è un errore" in summary_of(html)


def test_allauths_signup_form_gets_the_same_summary(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "non-una-email", "password1": "x", "password2": "y"},
    )
    summary = summary_of(main_of(response.content.decode()))
    assert re.search(r"Ci sono \d+ errori", summary)
    assert '<a href="#id_email">' in summary
