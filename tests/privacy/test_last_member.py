"""A firm whose last member erases their account releases its seats and is flagged for staff."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import Firm, Membership
from missions.models import Application
from privacy.erasure import erase_user
from tests.factories import ApplicationFactory, FirmFactory, MembershipFactory, MissionFactory

pytestmark = pytest.mark.django_db
Status = Application.Status


def _mission_with_a_waiting_list(firm):
    """A one-seat mission held by `firm`, with another firm waiting."""
    mission = MissionFactory(seats=1)
    held = ApplicationFactory(mission=mission, firm=firm, status=Status.CONFIRMED)
    waiting = ApplicationFactory(
        mission=mission, status=Status.WAITLISTED, waitlisted_at=timezone.now()
    )
    MembershipFactory(firm=waiting.firm)
    return held, waiting


def test_the_last_member_leaving_releases_the_seats_and_flags_the_firm(staff_client):
    firm = FirmFactory(name="Impresa Rimasta Vuota S.r.l.")
    last = MembershipFactory(firm=firm).user
    held, waiting = _mission_with_a_waiting_list(firm)
    pending = ApplicationFactory(firm=firm, status=Status.PENDING)
    past_mission = MissionFactory(
        start_date=timezone.localdate() - dt.timedelta(days=30),
        end_date=timezone.localdate() - dt.timedelta(days=28),
        registration_deadline=timezone.now() - dt.timedelta(days=40),
    )
    history = ApplicationFactory(mission=past_mission, firm=firm, status=Status.CONFIRMED)

    result = erase_user(user=last)

    assert result["unlinked"]["applications_released"] == 2
    for application in (held, waiting, pending, history):
        application.refresh_from_db()
    assert (held.status, held.withdrawn_reason) == (Status.WITHDRAWN, "no_members")
    assert pending.status == Status.WITHDRAWN
    assert waiting.status == Status.OFFERED  # the waiting list moved up
    assert history.status == Status.CONFIRMED  # a mission already over is a record, untouched
    firm.refresh_from_db()
    assert firm.without_members_since is not None
    page = staff_client.get(reverse("admin:members_firm_change", args=[firm.pk]))
    assert "Senza membri dal" in page.content.decode()


def test_a_firm_with_members_left_keeps_its_seats():
    firm = FirmFactory()
    leaving = MembershipFactory(firm=firm).user
    MembershipFactory(firm=firm, role=Membership.Role.MEMBER)
    held, waiting = _mission_with_a_waiting_list(firm)

    result = erase_user(user=leaving)

    assert result["unlinked"]["applications_released"] == 0
    held.refresh_from_db()
    waiting.refresh_from_db()
    assert (held.status, waiting.status) == (Status.CONFIRMED, Status.WAITLISTED)
    assert Firm.objects.get(pk=firm.pk).without_members_since is None
