"""'Iscrivi la tua impresa': the three steps (account, email, firm) are said where people start."""

import re

import pytest
from django.urls import reverse

from tests.support.html import main_of

pytestmark = pytest.mark.django_db

STEPS = ("Crea il tuo account", "Conferma la tua email", "Registra la tua impresa")


def _steps_in_order(html: str) -> bool:
    positions = [html.find(step) for step in STEPS]
    return all(p >= 0 for p in positions) and positions == sorted(positions)


def test_home_call_to_action_explains_the_three_steps(client):
    main = main_of(client.get(reverse("home")).content.decode())

    assert reverse("account_signup") in main
    assert _steps_in_order(main)


def test_signup_page_explains_the_three_steps_before_the_form(client):
    main = main_of(client.get(reverse("account_signup")).content.decode())

    assert _steps_in_order(main)
    # Said before the account form, so people know the firm comes after the email check.
    assert main.find(STEPS[2]) < main.find("<form")


def test_verification_sent_page_says_the_firm_comes_next(client, mailoutbox):
    main = main_of(client.get(reverse("account_email_verification_sent")).content.decode())

    assert _steps_in_order(main)
    assert 'aria-current="step"' in main


# Account emails leave through the outbox on commit, sent by a worker (eager here).
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("eager_celery")
def test_after_email_check_people_land_on_the_firm_step(client, mailoutbox):
    client.post(
        reverse("account_signup"),
        {
            "email": "nuovo@example.it",
            "first_name": "Anna",
            "last_name": "Della Vedova",
            "password1": "Sondrio-Colonia-2026",
            "password2": "Sondrio-Colonia-2026",
            "accept_terms": "on",
        },
    )
    link = re.search(r"http://[^/]+(/accounts/confirm-email/[^/\s]+/)", mailoutbox[0].body).group(1)

    response = client.post(link, follow=True)

    assert response.redirect_chain[-1][0] == reverse("my_firm")
    main = main_of(response.content.decode())
    assert "Passo 3 di 3" in main
    assert reverse("members:firm_create") in main
