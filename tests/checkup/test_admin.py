"""Staff edit the questionnaire in admin: drafts only; a new version is a copy, published by an
action that retires the one before (checkup/admin.py, checkup/services.py)."""

import pytest
from django.urls import reverse

from checkup import services
from checkup.models import CheckUp, Dimension, Option, Question, Questionnaire
from tests.factories import member
from tests.support.admin_forms import submit_change_form

pytestmark = pytest.mark.django_db


def _v1():
    return Questionnaire.objects.get(version=1)


def _action(staff_client, action, *objs):
    return staff_client.post(
        reverse("admin:checkup_questionnaire_changelist"),
        {"action": action, "_selected_action": [o.pk for o in objs]},
        follow=True,
    )


def test_a_published_questionnaire_cannot_be_edited(staff_client):
    dim = _v1().dimensions.get(code="languages")
    url = reverse("admin:checkup_dimension_change", args=[dim.pk])
    page = staff_client.get(url)
    assert page.status_code == 200
    assert 'name="name_de"' not in page.content.decode()  # shown read-only
    response = staff_client.post(url, {"name_it": "Altro", "code": "x", "order": 1, "weight": 9})
    assert response.status_code == 403
    dim.refresh_from_db()
    assert dim.name_it == "Lingue"
    assert dim.weight == 1
    question = dim.questions.first()
    response = staff_client.post(
        reverse("admin:checkup_question_change", args=[question.pk]), {"text_it": "Cambiata"}
    )
    assert response.status_code == 403
    assert (
        staff_client.post(
            reverse("admin:checkup_questionnaire_delete", args=[_v1().pk]), {"post": "yes"}
        ).status_code
        == 403
    )


def test_new_draft_copies_the_version_in_every_language_and_is_editable(staff_client):
    response = _action(staff_client, "new_draft", _v1())
    assert "Creata la bozza v2 dalla versione 1" in response.content.decode()
    draft = Questionnaire.objects.get(version=2)
    assert draft.status == "draft"
    assert draft.dimensions.count() == 8
    assert Question.objects.filter(dimension__questionnaire=draft).count() == 24
    assert (
        Option.objects.filter(question__dimension__questionnaire=draft).count()
        == Option.objects.filter(question__dimension__questionnaire=_v1()).count()
    )
    copy = draft.dimensions.get(code="product")
    assert copy.name_de == "Produkt und Zertifizierungen"
    assert "LUCID" in copy.advice_de
    response = submit_change_form(
        staff_client,
        reverse("admin:checkup_dimension_change", args=[copy.pk]),
        name_de="Produkt, Normen und Zertifikate",
    )
    assert response.status_code == 302
    copy.refresh_from_db()
    assert copy.name_de == "Produkt, Normen und Zertifikate"
    assert _v1().dimensions.get(code="product").name_de == "Produkt und Zertifizierungen"


def test_publishing_a_draft_retires_the_previous_version_and_old_check_ups_keep_theirs(
    staff_client,
):
    owner = member()
    old = services.checkup_start(firm=owner.membership.firm, user=owner)
    services.checkup_complete(checkup_id=old.pk)
    draft = services.questionnaire_copy(questionnaire_id=_v1().pk)
    response = _action(staff_client, "publish", draft)
    assert "Versione 2 pubblicata" in response.content.decode()
    assert Questionnaire.objects.get(version=1).status == "retired"
    assert Questionnaire.objects.get(version=2).status == "published"
    assert CheckUp.objects.get(pk=old.pk).questionnaire.version == 1
    new = services.checkup_start(firm=owner.membership.firm, user=owner)
    assert new.questionnaire.version == 2


def test_an_incomplete_draft_is_not_published(staff_client):
    draft = Questionnaire.objects.create(version=2)
    Dimension.objects.create(questionnaire=draft, code="x", name="Vuota")
    response = _action(staff_client, "publish", draft)
    assert "non ha domande" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert _v1().status == "published"


def test_a_published_version_cannot_be_published_again(staff_client):
    response = _action(staff_client, "publish", _v1())
    assert "Solo una bozza può essere pubblicata" in response.content.decode()
