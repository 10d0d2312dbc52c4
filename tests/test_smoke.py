import pytest
from django.core.mail import send_mail

from tests.support.html import main_of


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
