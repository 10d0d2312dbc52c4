"""The check-ups in the privacy export and erasure (checkup/privacy.py)."""

import pytest

from checkup import services
from checkup.models import CheckUp
from privacy.erasure import erase_user
from privacy.export import export_user_data
from tests.factories import member

pytestmark = pytest.mark.django_db


def _completed(owner):
    checkup = services.checkup_start(firm=owner.membership.firm, user=owner)
    dim = checkup.questionnaire.dimensions.get(code="languages")
    question = dim.questions.first()
    option = question.options.order_by("-points").first()
    services.checkup_answer(
        checkup_id=checkup.pk, dimension_id=dim.pk, choices={question.pk: option.pk}
    )
    return services.checkup_complete(checkup_id=checkup.pk), question, option


def test_the_firms_export_holds_its_check_ups_with_answers_and_scores():
    owner = member()
    checkup, question, option = _completed(owner)
    data = export_user_data(user=owner)
    [exported] = data["firm"]["checkups"]
    assert exported["questionnaire_version"] == 1
    assert exported["overall"] == checkup.overall
    assert exported["scores"]["languages"] == checkup.scores["languages"]
    assert exported["answers"] == [
        {"question": question.text, "answer": option.text, "points": option.points}
    ]
    assert exported["started_by"] == (owner.get_full_name() or owner.email)
    assert data["checkups_started"][0]["completed_at"]


def test_erasing_the_person_keeps_the_firms_check_up_without_their_name():
    owner = member()
    checkup, _question, _option = _completed(owner)
    erase_user(user=owner)
    assert CheckUp.objects.get(pk=checkup.pk).created_by is None


def test_the_stage_staff_set_by_hand_is_in_the_firms_export_and_loses_the_staff_name_on_erasure():
    from checkup.journey import stage_override_set
    from checkup.models import FirmStageOverride
    from tests.factories import StaffFactory

    owner, staff = member(), StaffFactory()
    stage_override_set(
        firm=owner.membership.firm, stage="first_order", reason="Ordine confermato", by=staff
    )

    [exported] = export_user_data(user=owner)["firm"]["journey_stage_overrides"]
    assert (exported["stage"], exported["reason"]) == ("first_order", "Ordine confermato")

    erase_user(user=staff)
    override = FirmStageOverride.objects.get()
    assert override.by is None
    assert override.reason == "Ordine confermato"
