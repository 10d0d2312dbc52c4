"""Staff edits go through the services (issue 14): a state field that a service owns cannot be
changed by submitting an admin change form; the change goes through an admin action that calls
the service, so its effects (approver, consent log, rendered HTML, notifications, capacity) hold."""

import pytest
from django.urls import reverse

from board import markdown
from board import services as board_services
from board.models import MentorProfile, MentorshipRequest
from members import services as member_services
from members.models import Consent, Firm, JoinRequest, Membership
from missions.models import Mission
from notifications.models import Notification
from tests.factories import FirmFactory, MissionFactory, UserFactory, member
from tests.support.admin_forms import submit_change_form

pytestmark = pytest.mark.django_db


def _change_url(obj) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def _saved(response) -> bool:
    """The admin redirects after a save; a form error renders the page again."""
    return response.status_code == 302


# --- members ------------------------------------------------------------------------------------


def test_firm_status_cannot_be_changed_by_form(staff_client):
    firm = FirmFactory(status=Firm.Status.PENDING, name="Graniti Sondrio S.r.l.")
    response = submit_change_form(
        staff_client, _change_url(firm), status="approved", name="Graniti Valtellina S.r.l."
    )
    assert _saved(response)
    firm.refresh_from_db()
    assert firm.name == "Graniti Valtellina S.r.l."  # the form saved its other fields
    assert firm.status == Firm.Status.PENDING  # but not the status: approving is an action
    assert firm.approved_by is None
    assert not Notification.objects.filter(kind="firm_approved").exists()


def test_user_consents_cannot_be_changed_by_form(staff_client):
    person = UserFactory(directory_consent=False, newsletter_consent=False, first_name="Ada")
    response = submit_change_form(
        staff_client,
        _change_url(person),
        directory_consent="on",
        newsletter_consent="on",
        first_name="Adele",
    )
    assert _saved(response)
    person.refresh_from_db()
    assert person.first_name == "Adele"
    # A consent is the person's own choice, logged by members.consents: staff cannot tick it.
    assert (person.directory_consent, person.newsletter_consent) == (False, False)
    assert not Consent.objects.filter(user=person).exists()


def test_join_request_status_cannot_be_changed_by_form(staff_client):
    firm = FirmFactory()
    join_request = member_services.join_request_create(user=UserFactory(), firm=firm)
    response = submit_change_form(staff_client, _change_url(join_request), status="accepted")
    assert response.status_code in (200, 302, 403)
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.PENDING
    assert not Membership.objects.filter(user=join_request.user).exists()


def test_join_request_accepted_through_the_action_joins_the_firm_and_notifies(staff_client):
    firm = FirmFactory()
    person = UserFactory()
    join_request = member_services.join_request_create(user=person, firm=firm)
    response = staff_client.post(
        reverse("admin:members_joinrequest_changelist"),
        {"action": "accept", "_selected_action": [join_request.pk]},
        follow=True,
    )
    assert "1 richiesta accettata" in response.content.decode()
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.ACCEPTED
    assert join_request.decided_at is not None
    assert Membership.objects.filter(user=person, firm=firm).exists()
    assert Notification.objects.filter(recipient=person, kind="join_request_accepted").exists()


# --- missions -----------------------------------------------------------------------------------


def test_mission_status_cannot_be_changed_by_form(staff_client):
    mission = MissionFactory(status=Mission.Status.DRAFT, published_at=None)
    response = submit_change_form(staff_client, _change_url(mission), status="published")
    assert _saved(response)
    mission.refresh_from_db()
    # Publishing is the "Pubblica" action: publication time and the announcement to the sectors.
    assert mission.status == Mission.Status.DRAFT
    assert mission.published_at is None


# --- board --------------------------------------------------------------------------------------


def test_post_body_cannot_be_changed_by_form(staff_client):
    post = board_services.post_create(
        author=member(), kind="question", title="Campioni?", body="Serve la *dogana*?", tags=[]
    )
    submit_change_form(staff_client, _change_url(post), body="**Testo cambiato dallo staff**")
    post.refresh_from_db()
    assert post.body == "Serve la *dogana*?"
    assert post.body_html == markdown.render(post.body)  # what is shown matches what is stored


def test_comment_body_cannot_be_changed_by_form(staff_client):
    author = member()
    post = board_services.post_create(
        author=author, kind="question", title="Campioni?", body="Serve la dogana?", tags=[]
    )
    comment = board_services.comment_create(post=post, author=author, body="Sì, *sempre*.")
    submit_change_form(staff_client, _change_url(comment), body="**Cambiato**")
    comment.refresh_from_db()
    assert comment.body == "Sì, *sempre*."
    assert comment.body_html == markdown.render(comment.body)


def _mentorship_request(mentor: Firm | None = None) -> MentorshipRequest:
    mentor = mentor or FirmFactory(is_mentor=True)
    requester_user = member()
    return board_services.mentorship_request_create(
        requester=requester_user.membership.firm,
        user=requester_user,
        mentor=mentor,
        topic="Fiere in Germania",
        message="Ci aiutate?",
    )


def test_mentorship_status_cannot_be_changed_by_form(staff_client):
    request = _mentorship_request()
    MentorProfile.objects.create(firm=request.mentor, max_open_requests=0)
    response = submit_change_form(staff_client, _change_url(request), status="accepted")
    assert response.status_code in (200, 302, 403)
    request.refresh_from_db()
    assert request.status == MentorshipRequest.Status.PENDING  # the mentor is full, too


def test_mentorship_accepted_through_the_action_keeps_capacity_and_notifies(staff_client):
    request = _mentorship_request()
    MentorProfile.objects.create(firm=request.mentor, max_open_requests=1)
    url = reverse("admin:board_mentorshiprequest_changelist")
    response = staff_client.post(
        url, {"action": "accept", "_selected_action": [request.pk]}, follow=True
    )
    assert "1 richiesta accettata" in response.content.decode()
    request.refresh_from_db()
    assert request.status == MentorshipRequest.Status.ACCEPTED
    assert request.decided_at is not None
    assert Notification.objects.filter(kind="mentorship_accepted").exists()

    second = _mentorship_request(mentor=request.mentor)
    response = staff_client.post(
        url, {"action": "accept", "_selected_action": [second.pk]}, follow=True
    )
    assert "ha già il massimo" in response.content.decode()
    second.refresh_from_db()
    assert second.status == MentorshipRequest.Status.PENDING


def test_membership_role_cannot_be_changed_by_form(staff_client):
    owner = member()
    membership = owner.membership
    response = submit_change_form(staff_client, _change_url(membership), role="member")
    assert response.status_code in (200, 302)
    membership.refresh_from_db()
    assert membership.role == Membership.Role.OWNER


def test_the_firm_page_does_not_change_roles_either(staff_client):
    owner = member()
    firm = owner.membership.firm
    submit_change_form(
        staff_client,
        _change_url(firm),
        **{"memberships-0-id": str(owner.membership.pk), "memberships-0-role": "member"},
    )
    owner.membership.refresh_from_db()
    assert owner.membership.role == Membership.Role.OWNER


def test_role_actions_keep_an_owner(staff_client):
    owner = member()
    colleague = Membership.objects.create(
        user=UserFactory(), firm=owner.membership.firm, role=Membership.Role.MEMBER
    )
    url = reverse("admin:members_membership_changelist")
    refused = staff_client.post(
        url, {"action": "make_member", "_selected_action": [owner.membership.pk]}, follow=True
    )
    assert "unico referente" in refused.content.decode()
    assert (
        staff_client.get(
            reverse("admin:members_membership_delete", args=[owner.membership.pk])
        ).status_code
        == 403
    )

    staff_client.post(url, {"action": "make_owner", "_selected_action": [colleague.pk]})
    staff_client.post(url, {"action": "make_member", "_selected_action": [owner.membership.pk]})
    owner.membership.refresh_from_db()
    colleague.refresh_from_db()
    assert (owner.membership.role, colleague.role) == ("member", "owner")
