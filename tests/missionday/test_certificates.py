"""Attendance certificates: only for delegates checked in at the mission, with a verification
URL anyone can open that says whether the certificate is genuine (issue 18)."""

import io
import re

import pytest
from django.core import signing
from django.test import Client, override_settings
from django.urls import reverse
from pypdf import PdfReader

from missionday.certificates import CERTIFICATE_SALT, certificate_code
from tests.factories import UserFactory
from tests.missionday.after_support import delegate, partner_contact, past_mission
from tests.support.clients import login

pytestmark = pytest.mark.django_db


def _pdf_text(response) -> str:
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def _url(mission):
    return reverse("missionday:certificate", args=[mission.pk])


@override_settings(CAMERA_NAME="Camera di Commercio di Prova")
def test_a_checked_in_delegate_downloads_a_certificate_with_its_facts():
    mission = past_mission()
    badge = delegate(mission, "Officine Valtellina S.r.l.", "Giulia", "Rossi")

    response = login(badge.user).get(_url(mission))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response)
    flat = re.sub(r"\s+", "", text)
    assert "Attestato di partecipazione" in text
    assert "Giulia Rossi" in text
    assert "Officine Valtellina S.r.l." in text
    assert "Missione pietra a Colonia" in text
    assert str(mission.end_date.year) in text
    assert "Camera di Commercio di Prova" in text
    verify = "http://testserver" + reverse("missionday:verify", args=[certificate_code(badge)])
    assert verify in flat


def test_the_certificate_is_in_the_delegates_language():
    mission = past_mission()
    badge = delegate(mission, "Officine Valtellina S.r.l.", "Giulia", "Rossi")
    badge.user.language = "de"
    badge.user.save()

    text = _pdf_text(login(badge.user).get(_url(mission)))

    assert "Naturstein-Mission Köln" in text


def test_a_delegate_never_checked_in_gets_no_certificate():
    mission = past_mission()
    badge = delegate(mission, "Assente S.r.l.", "Marco", "Bianchi", checked_in=False)

    response = login(badge.user).get(_url(mission))

    assert response.status_code == 404
    assert "dopo il tuo primo check-in" in response.content.decode()


def test_a_partner_contact_gets_no_certificate_even_checked_in():
    mission = past_mission()
    badge = partner_contact(mission, "Naturstein Import GmbH", "Anna", "Schmidt")

    response = login(badge.user, language="it").get(_url(mission))

    assert response.status_code == 404
    assert "i partner non lo ricevono" in response.content.decode()


def test_the_url_is_the_holders_own_nobody_reaches_another_persons_certificate():
    mission = past_mission()
    delegate(mission, "Officine Valtellina S.r.l.", "Giulia", "Rossi")
    stranger = UserFactory()

    assert login(stranger).get(_url(mission)).status_code == 404
    anonymous = Client().get(_url(mission))
    assert anonymous.status_code == 302  # to the sign-in page
    assert reverse("account_login") in anonymous["Location"]


def test_the_verification_page_says_genuine_with_only_the_certificates_facts():
    mission = past_mission()
    badge = delegate(
        mission, "Officine Valtellina S.r.l.", "Giulia", "Rossi", email="giulia@officine.it"
    )

    response = Client().get(reverse("missionday:verify", args=[certificate_code(badge)]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Attestato autentico" in page
    assert "Giulia Rossi" in page
    assert "Officine Valtellina S.r.l." in page
    assert "Missione pietra a Colonia" in page
    assert "giulia@officine.it" not in page  # no other personal data


def _sign(value, salt):
    return signing.Signer(salt=salt).sign_object(value)


def _badge_id(code):
    return int(signing.Signer(salt=CERTIFICATE_SALT).unsign_object(code))


def _tampered(code: str) -> str:
    last = code[-1]
    return code[:-1] + ("A" if last != "A" else "B")


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(_tampered, id="tampered-signature"),
        pytest.param(lambda code: "not-a-certificate", id="random-string"),
        pytest.param(lambda code: _sign(999999, CERTIFICATE_SALT), id="no-such-badge"),
        pytest.param(lambda code: _sign(_badge_id(code), "another.salt"), id="another-salt"),
        pytest.param(
            lambda code: signing.dumps(_badge_id(code), salt=CERTIFICATE_SALT),
            id="timestamped-not-ours",
        ),
        pytest.param(
            lambda code: _sign(_badge_id(code) + 1, "missionday.survey"), id="the-surveys-salt"
        ),
    ],
)
def test_a_forged_code_is_refused_with_a_404_page(forge):
    mission = past_mission()
    badge = delegate(mission, "Officine Valtellina S.r.l.", "Giulia", "Rossi")
    # Another person's badge, not checked in: a signature of its id proves nothing either.
    delegate(mission, "Assente S.r.l.", "Marco", "Bianchi", checked_in=False)

    response = Client().get(reverse("missionday:verify", args=[forge(certificate_code(badge))]))

    assert response.status_code == 404
    page = response.content.decode()
    assert "non corrisponde a un attestato autentico" in page
    assert "Giulia Rossi" not in page


def test_a_certificate_of_a_badge_deleted_since_no_longer_verifies():
    mission = past_mission()
    badge = delegate(mission, "Officine Valtellina S.r.l.", "Giulia", "Rossi")
    code = certificate_code(badge)
    badge.delete()

    response = Client().get(reverse("missionday:verify", args=[code]))

    assert response.status_code == 404
    assert "non corrisponde a un attestato autentico" in response.content.decode()


def test_the_certificate_link_shows_for_checked_in_delegates_only():
    from django.template.loader import render_to_string

    mission = past_mission()
    present = delegate(mission, "Officine Valtellina S.r.l.", "Giulia", "Rossi")
    absent = delegate(mission, "Assente S.r.l.", "Marco", "Bianchi", checked_in=False)
    partner = partner_contact(mission, "Naturstein Import GmbH", "Anna", "Schmidt")
    url = _url(mission)

    assert url in render_to_string("missionday/_certificate_link.html", {"day_pass": present})
    assert url not in render_to_string("missionday/_certificate_link.html", {"day_pass": absent})
    assert url not in render_to_string("missionday/_certificate_link.html", {"day_pass": partner})


def test_la_mia_impresa_links_the_persons_certificates_only():
    mission = past_mission()
    present = delegate(mission, "Officine Valtellina S.r.l.", "Giulia", "Rossi")
    other = past_mission(title="Missione senza check-in")
    absent = delegate(other, "Assente S.r.l.", "Marco", "Bianchi", checked_in=False)

    mine = login(present.user).get(reverse("my_firm")).content.decode()
    theirs = login(absent.user).get(reverse("my_firm")).content.decode()

    assert _url(mission) in mine
    assert "Attestati di partecipazione" in mine
    assert _url(other) not in theirs
    assert "Attestati di partecipazione" not in theirs
