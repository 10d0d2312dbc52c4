"""Every model that links to a person or a firm is accounted for by a privacy contributor.

The registry (core.privacy) replaces the central list of tables the erasure used to keep: these
tests are what makes it as safe, by failing when an app adds such a model and says nothing of it.
"""

import pytest
from django.db import models
from django.test.utils import isolate_apps

from core import privacy
from members.models import Firm, User
from privacy.coverage import coverage_gaps, declaration_errors, linked_models
from privacy.erasure import kept_keys

NO_GAPS = {"export": [], "erasure": []}


def test_every_model_linked_to_a_person_or_a_firm_is_covered_for_export_and_erasure():
    assert coverage_gaps(privacy.contributors()) == NO_GAPS


def test_the_declarations_name_real_models_each_one_way_with_a_reason():
    assert declaration_errors(privacy.contributors()) == []


def test_the_walk_sees_history_many_to_many_and_firm_only_tables():
    labels = {model._meta.label for model in linked_models()}
    assert {
        "members.Membership",  # one-to-one to the user
        "members.HistoricalMembership",  # a history table
        "members.User_groups",  # an auto-created many-to-many table
        "missions.MatchSuggestion",  # linked to the firm only
        "board.MentorProfile",  # one-to-one to the firm
        "notifications.Notification",
    } <= labels
    assert "missions.Mission" not in labels  # no link to a person or a firm


def test_every_app_with_personal_data_registers_a_contributor_in_order():
    assert [c.app_label for c in privacy.contributors()] == [
        "members",
        "notifications",
        "missions",
        "board",
        "partners",
        "checkup",
        "missionday",
        "privacy",
    ]


def test_the_kept_records_keep_their_order_on_the_goodbye_page():
    assert kept_keys() == [
        "user_row",
        "consents",
        "data_requests",
        "applications",
        "firm_records",
        "reports",
        "checkups",
        "mission_surveys",
    ]


def test_the_check_fails_when_an_app_stops_declaring_its_models():
    board = privacy.unregister("board")
    assert board is not None
    try:
        gaps = coverage_gaps(privacy.contributors())
    finally:
        privacy.register(board)
    assert "board.Follow" in gaps["export"]
    assert "board.Follow" in gaps["erasure"]
    assert "board.MentorProfile" in gaps["erasure"]
    assert coverage_gaps(privacy.contributors()) == NO_GAPS


@isolate_apps("privacy")
def test_the_check_fails_for_a_new_model_linked_to_the_user_until_an_app_declares_it():
    # Throw-away models in an isolated registry: no __str__, no table.
    class Diary(models.Model):  # noqa: DJ008
        author = models.ForeignKey(User, on_delete=models.CASCADE)

        class Meta:
            app_label = "privacy"

    class FirmNote(models.Model):  # noqa: DJ008
        firm = models.OneToOneField(Firm, on_delete=models.CASCADE)

        class Meta:
            app_label = "privacy"

    class Weather(models.Model):  # noqa: DJ008
        city = models.CharField(max_length=50)

        class Meta:
            app_label = "privacy"

    found = linked_models(candidates=[Diary, FirmNote, Weather])
    assert found == [Diary, FirmNote]
    assert coverage_gaps(privacy.contributors(), found) == {
        "export": ["privacy.Diary", "privacy.FirmNote"],
        "erasure": ["privacy.Diary", "privacy.FirmNote"],
    }

    declared = privacy.Contributor(
        app_label="diary",
        order=50,
        exported={"privacy.Diary"},
        erased={"privacy.Diary"},
        not_exported={"privacy.FirmNote": "A note of the firm's, naming no person."},
        kept={"privacy.FirmNote": "A note of the firm's, naming no person."},
    )
    assert coverage_gaps([*privacy.contributors(), declared], found) == NO_GAPS


def test_declaration_errors_catch_typos_contradictions_and_missing_reasons():
    wrong = privacy.Contributor(
        app_label="wrong",
        order=50,
        exported={"board.Folow", "board.Follow"},
        not_exported={"board.Follow": " "},
        erased={"board.Report"},
        kept={"board.Report": "Moderation."},
    )
    assert declaration_errors([wrong]) == [
        "wrong: board.Folow is not a model",
        "wrong: board.Follow has no reason",
        "wrong: board.Follow both exported and not exported",
        "wrong: board.Report both erased and kept untouched",
    ]


@pytest.mark.parametrize("step", list(privacy.ErasureStep))
def test_the_erasure_steps_name_the_parts_of_the_summary(step):
    assert step.value in {"deleted", "unlinked", "scrubbed", "history"}
