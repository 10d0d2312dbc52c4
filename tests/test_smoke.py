import pytest
from django.core.mail import send_mail

from tests.support.html import main_of
from tests.support.urls import assert_public_path


def test_home_page_explains_the_club_in_italian(client, db):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="it")
    assert response.status_code == 200
    body = main_of(response.content.decode())  # the header and title name the Club on every page
    assert "Club degli Esportatori" in body
    assert "Colonia e Dortmund" in body
    assert "Metalmeccanico" in body


def test_mail_goes_to_the_test_outbox(mailoutbox):
    send_mail("s", "b", None, ["a@example.it"])
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_database_is_postgresql():
    from django.db import connection

    assert connection.vendor == "postgresql"


# The one test of this app that writes paths as literals, on purpose: the home page, the terms and
# La mia impresa (where people land after logging in) are bookmarked. Every other test builds its
# URLs with reverse().
@pytest.mark.parametrize(
    ("name", "args", "path"),
    [
        ("home", [], "/"),
        ("terms", [], "/termini/"),
        ("my_firm", [], "/imprese/la-mia/"),
    ],
)
def test_public_paths_stay_as_they_are(name, args, path):
    assert_public_path(name, path, *args)
