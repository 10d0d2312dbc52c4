"""The satisfaction survey: sent through the outbox to the people who checked in (delegates and
partner contacts), once however often it is triggered; answered once per person through a
personal signed link; a forged or expired link gets a clear 4xx page (issue 18)."""

import datetime as dt
import re

import pytest
from django.core import signing
from django.db import IntegrityError, transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from missionday.models import SurveyResponse, SurveySending
from missionday.services import surveys
from missionday.tasks import send_due_surveys
from notifications.models import Notification
from tests.missionday.after_support import delegate, partner_contact, past_mission

pytestmark = pytest.mark.django_db

ANSWERS = {"overall": "9", "meetings_usefulness": "4", "organisation": "5", "comment": "Ottima"}


def _people(mission):
    return {
        "delegate": delegate(mission, "Officine Valtellina S.r.l.", "Giulia", "Rossi"),
        "absent": delegate(mission, "Assente S.r.l.", "Marco", "Bianchi", checked_in=False),
        "partner": partner_contact(mission, "Naturstein Import GmbH", "Anna", "Schmidt"),
        "partner_absent": partner_contact(
            mission, "Abwesend GmbH", "Jonas", "Weber", checked_in=False
        ),
    }


def _survey_rows():
    return Notification.objects.filter(kind__startswith="missionday_survey")


def test_the_survey_reaches_checked_in_delegates_and_partner_contacts_only_and_once():
    mission = past_mission()
    people = _people(mission)

    surveys.survey_send(mission=mission)
    surveys.survey_send(mission=mission)  # staff press the button twice
    assert send_due_surveys() == 0  # beat the day after: already sent

    rows = {(n.recipient_id, n.kind) for n in _survey_rows()}
    assert rows == {
        (people["delegate"].user_id, "missionday_survey"),
        (people["partner"].user_id, "missionday_survey_partner"),
    }
    assert _survey_rows().count() == 2
    for row in _survey_rows():
        assert row.url.startswith("/giornata/questionario/")


def test_beat_sends_the_survey_the_day_after_the_mission_ends_once():
    ended = past_mission()
    people = _people(ended)
    running = past_mission(
        title="In corso", start_date=timezone.localdate(), end_date=timezone.localdate()
    )
    delegate(running, "Oggi S.r.l.", "Luca", "Verdi")

    assert send_due_surveys() == 1
    assert send_due_surveys() == 0

    assert SurveySending.objects.get().mission == ended
    assert set(_survey_rows().values_list("recipient_id", flat=True)) == {
        people["delegate"].user_id,
        people["partner"].user_id,
    }


def test_a_mission_nobody_checked_in_at_gets_no_survey():
    mission = past_mission()
    delegate(mission, "Assente S.r.l.", "Marco", "Bianchi", checked_in=False)

    assert send_due_surveys() == 0
    assert surveys.survey_send(mission=mission) == 0
    assert not _survey_rows().exists()


def test_staff_send_the_survey_from_the_missions_admin(staff_client):
    mission = past_mission()
    people = _people(mission)
    for _ in range(2):
        response = staff_client.post(
            reverse("admin:missions_mission_changelist"),
            {"action": "send_survey", "_selected_action": [mission.pk]},
            follow=True,
        )
        assert "questionario per 2 persone con check-in" in response.content.decode()
    assert _survey_rows().count() == 2
    assert people["absent"].user_id not in set(
        _survey_rows().values_list("recipient_id", flat=True)
    )


def _link(day_pass):
    return surveys.survey_url(mission_id=day_pass.mission_id, user_id=day_pass.user_id)


def test_a_delegate_answers_through_the_link_without_signing_in_and_only_once():
    mission = past_mission()
    badge = delegate(mission, "Officine Valtellina S.r.l.", "Giulia", "Rossi")
    client = Client()
    url = _link(badge)

    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Missione pietra a Colonia" in html
    assert "<legend" in html
    assert 'type="radio"' in html
    assert 'value="10"' in html

    done = client.post(url, ANSWERS, follow=True)
    assert done.status_code == 200
    assert "Grazie per le tue risposte" in done.content.decode()

    again = client.post(url, {**ANSWERS, "overall": "2"})
    assert again.status_code == 409
    assert "le risposte contano una volta sola" in again.content.decode()
    answer = SurveyResponse.objects.get()
    assert (answer.overall, answer.meetings_usefulness, answer.organisation) == (9, 4, 5)
    assert (answer.user, answer.kind, answer.comment) == (badge.user, "delegate", "Ottima")


def test_the_database_counts_an_answer_once_per_person():
    mission = past_mission()
    badge = delegate(mission, "Officine Valtellina S.r.l.", "Giulia", "Rossi")
    fields = {"mission": mission, "kind": "delegate", "meetings_usefulness": 3, "organisation": 3}
    SurveyResponse.objects.create(user=badge.user, overall=8, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyResponse.objects.create(user=badge.user, overall=2, **fields)
    # Anonymised answers (the person erased) do not collide.
    SurveyResponse.objects.create(user=None, overall=5, **fields)
    SurveyResponse.objects.create(user=None, overall=6, **fields)


@pytest.mark.parametrize(
    "changes",
    [
        {"overall": "11"},
        {"overall": "-1"},
        {"meetings_usefulness": "0"},
        {"organisation": "6"},
        {"organisation": "tanto"},
        {"overall": ""},
        {"comment": "x" * 1001},
    ],
)
def test_bad_answers_are_refused_with_a_message_and_nothing_saved(changes):
    mission = past_mission()
    badge = delegate(mission, "Officine Valtellina S.r.l.", "Giulia", "Rossi")

    response = Client().post(_link(badge), {**ANSWERS, **changes})

    assert response.status_code == 400
    assert "Controlla le risposte" in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_the_service_refuses_scores_out_of_scale():
    mission = past_mission()
    badge = delegate(mission, "Officine Valtellina S.r.l.", "Giulia", "Rossi")
    invitation = surveys.survey_invitation(token=_link(badge).split("/")[-2])
    with pytest.raises(surveys.SurveyInvalid):
        surveys.survey_answer(
            invitation=invitation, overall=10, meetings_usefulness=7, organisation=3
        )
    assert not SurveyResponse.objects.exists()


def _tamper(url: str) -> str:
    token = url.split("/")[-2]
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")
    return reverse("missionday:survey", args=[forged])


def test_a_tampered_or_forged_link_gets_a_clear_404_page():
    mission = past_mission()
    badge = delegate(mission, "Officine Valtellina S.r.l.", "Giulia", "Rossi")
    other_salt = reverse(
        "missionday:survey",
        args=[signing.dumps({"m": mission.pk, "u": badge.user_id}, salt="missionday.certificate")],
    )
    for url in (_tamper(_link(badge)), reverse("missionday:survey", args=["abc"]), other_salt):
        response = Client().post(url, ANSWERS)
        assert response.status_code == 404, url
        assert "Questo link al questionario non è valido" in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_a_link_for_someone_who_never_checked_in_is_refused():
    mission = past_mission()
    absent = delegate(mission, "Assente S.r.l.", "Marco", "Bianchi", checked_in=False)

    assert Client().get(_link(absent)).status_code == 404


@override_settings(SURVEY_LINK_VALID_DAYS=-1)
def test_an_expired_link_gets_a_clear_410_page():
    mission = past_mission()
    badge = delegate(mission, "Officine Valtellina S.r.l.", "Giulia", "Rossi")

    response = Client().post(_link(badge), ANSWERS)

    assert response.status_code == 410
    assert "Questo link al questionario è scaduto" in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_the_email_link_opens_the_survey_in_german_for_a_partner(
    django_capture_on_commit_callbacks, eager_celery, mailoutbox
):
    mission = past_mission()
    partner_contact(
        mission, "Naturstein Import GmbH", "Anna", "Schmidt", email="anna@naturstein.de"
    )

    with django_capture_on_commit_callbacks(execute=True):
        surveys.survey_send(mission=mission)

    (mail,) = mailoutbox
    assert mail.to == ["anna@naturstein.de"]
    assert "Naturstein-Mission Köln" in mail.subject
    link = re.search(r"https?://\S+(/giornata/questionario/[^/\s]+/)", mail.body).group(1)
    page = Client().get(link)
    html = page.content.decode()
    assert page.status_code == 200
    assert '<html lang="de">' in html
    assert "Naturstein-Mission Köln" in html
    Client().post(link, ANSWERS)
    assert SurveyResponse.objects.get().kind == "partner"


def test_erasing_the_person_keeps_their_scores_anonymised():
    from privacy.erasure import erase_user

    mission = past_mission()
    badge = delegate(mission, "Officine Valtellina S.r.l.", "Giulia", "Rossi")
    Client().post(_link(badge), ANSWERS)

    erase_user(user=badge.user)

    answer = SurveyResponse.objects.get()
    assert (answer.user, answer.comment, answer.overall) == (None, "", 9)


def test_beat_runs_the_survey_task_daily_and_leaves_old_missions_to_staff(settings):
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert send_due_surveys.name in scheduled
    assert send_due_surveys.name == "missionday.tasks.send_due_surveys"
    long_ago = past_mission(
        start_date=timezone.localdate() - dt.timedelta(days=40),
        end_date=timezone.localdate() - dt.timedelta(days=39),
    )
    delegate(long_ago, "Vecchia S.r.l.", "Anna", "Neri")

    assert send_due_surveys() == 0
    assert surveys.survey_send(mission=long_ago) == 1  # staff still can
