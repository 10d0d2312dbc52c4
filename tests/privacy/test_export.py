"""The export of a person's data (GDPR arts. 15 and 20): content, query count, download."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.models import DataRequest, Membership
from privacy.export import export_user_data
from tests.factories import MembershipFactory, member, pdf_bytes
from tests.privacy.people import EMAIL, FIRST, LAST, populate
from tests.support.clients import login

pytestmark = pytest.mark.django_db

# The export runs in a fixed number of queries, whatever the firm's volume. (34: the check-ups
# added three, the person's, the firm's and their answers, and one for the journey stages staff
# set by hand; issue 19. 38: the mission day's badges of the person and of the firm, each with
# their check-ins; issue 18. 39: the debriefs the person wrote in the companion; issue 18.)
EXPORT_MAX_QUERIES = 39


def test_export_contains_every_kind_of_data_about_the_person_and_their_firm(zebedeo):
    data = export_user_data(user=zebedeo)

    json.dumps(data)  # JSON-serialisable as it is: dates are ISO strings
    assert data["account"]["email"] == EMAIL
    for key in [
        "email_addresses",
        "consents",
        "data_requests",
        "membership",
        "join_requests",
        "invitations",
        "notifications",
        "notification_preferences",
        "posts",
        "comments",
        "follows",
        "reports",
        "mentorship_requests",
        "applications",
        "meeting_requests",
        "interests",
        "firm",
        "attachments",
    ]:
        assert data[key], key
    assert data["attachments"][0]["name"] == f"CV {FIRST} {LAST}.pdf"
    assert data["attachments"][0]["type"] == "PDF"
    assert data["attachments"][0]["size"] == len(pdf_bytes(f"{FIRST} {LAST}"))
    assert data["attachments"][0]["post"] == "Cerco un agente"
    assert data["attachments"][0]["created_at"]
    assert data["firm"]["profile"]["has_logo"] is True
    for key in [
        "profile",
        "memberships",
        "invitations",
        "applications",
        "meetings",
        "mentorship_requests",
        "posts",
    ]:
        assert data["firm"][key], key
    assert data["applications"][0]["answers"] == [
        {"question": "Obiettivo 0", "answer": "Risposta 0"}
    ]
    assert data["firm"]["meetings"][0]["outcome"] == "Ordine"
    assert data["firm"]["meetings"][0]["outcome_note"] == "Primo ordine firmato"
    assert {m["email"] for m in data["firm"]["memberships"]} >= {EMAIL}
    assert data["join_requests"][0]["message"] == "Sono il cugino di Piero"
    assert data["notifications"][0]["title"]
    assert data["consents"][0]["policy_version"] == "2026-11"


def test_the_sections_come_in_the_contributors_order(zebedeo):
    data = export_user_data(user=zebedeo)
    assert list(data) == [
        "generated_at",
        # members
        "account",
        "email_addresses",
        "consents",
        "data_requests",
        "membership",
        "join_requests",
        "invitations",
        # notifications
        "notifications",
        "notification_preferences",
        # missions
        "applications",
        "meeting_requests",
        "interests",
        # board
        "posts",
        "attachments",
        "comments",
        "follows",
        "reports",
        "mentorship_requests",
        # checkup
        "checkups_started",
        # missionday
        "mission_day_badges",
        "mission_surveys",
        "mission_day_debriefs",
        # the firm's document, for its owners
        "firm",
    ]
    assert list(data["firm"]) == [
        "profile",
        "memberships",
        "invitations",
        "change_requests",
        "applications",
        "meetings",
        "mentorship_requests",
        "posts",
        "checkups",
        "journey_stage_overrides",
        "mission_day_badges",
        "mission_day_debriefs",
    ]


def test_a_member_export_has_no_firm_section():
    colleague = MembershipFactory(role=Membership.Role.MEMBER).user
    data = export_user_data(user=colleague)
    assert data["membership"]["role"] == "Collaboratore"
    assert data["firm"] is None


def test_export_runs_in_the_same_number_of_queries_for_2_and_20_rows(
    django_assert_max_num_queries,
):
    counts = []
    for n, prefix in [(2, "small"), (20, "large")]:
        user = member()
        populate(user, user.membership.firm, n, prefix)
        with CaptureQueriesContext(connection) as queries:
            with django_assert_max_num_queries(EXPORT_MAX_QUERIES):
                data = export_user_data(user=user)
        assert len(data["firm"]["meetings"]) == n
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_export_view_downloads_the_own_data_as_an_attachment_and_logs_it(zebedeo):
    export = reverse("privacy:export")
    someone_else = login(member())
    response = login(zebedeo).get(export)

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="dati-club-esportatori.json"'
    assert json.loads(response.content)["account"]["email"] == EMAIL
    logged = DataRequest.objects.get(user=zebedeo, kind="export")
    assert logged.completed_at is not None
    # There is no id in the URL: everyone downloads their own data only.
    assert EMAIL not in someone_else.get(export).content.decode()
