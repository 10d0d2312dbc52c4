"""Badges are issued to the people expected at a mission, and a check-in is stored exactly once."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from missionday.models import CheckIn, DayPass
from missionday.services.errors import CheckInInvalid, NotAMissionDay, PassNotFound
from missionday.services.passes import check_in_record, day_passes_issue
from missions.models import Application, MissionPartner, Partner
from partners.models import PartnerContact
from tests.factories import (
    ApplicationFactory,
    MissionFactory,
    UserFactory,
    city,
    member,
)

pytestmark = pytest.mark.django_db


def _mission_today():
    today = timezone.localdate()
    return MissionFactory(start_date=today, end_date=today + dt.timedelta(days=1))


def _partner_with_contact(mission, *, attendance=MissionPartner.Attendance.CONFIRMED):
    partner = Partner.objects.create(name="Müller Maschinenbau GmbH", kind="buyer", city=city())
    MissionPartner.objects.create(mission=mission, partner=partner, attendance=attendance)
    user = UserFactory(first_name="Jonas", last_name="Müller")
    PartnerContact.objects.create(user=user, partner=partner)
    return partner, user


def test_badges_for_confirmed_delegates_and_attending_partners_only():
    mission = _mission_today()
    delegate = member(name="Officine Valtellina")
    ApplicationFactory(mission=mission, firm=delegate.membership.firm, applied_by=delegate)
    waiting = member(name="In attesa Srl")
    ApplicationFactory(
        mission=mission,
        firm=waiting.membership.firm,
        applied_by=waiting,
        status=Application.Status.WAITLISTED,
    )
    partner, contact = _partner_with_contact(mission)
    _partner_with_contact(mission, attendance=MissionPartner.Attendance.DECLINED)

    assert day_passes_issue(mission=mission) == 2
    assert day_passes_issue(mission=mission) == 0  # again: nothing new
    badges = {p.user: p for p in DayPass.objects.select_related("firm", "partner")}
    assert set(badges) == {delegate, contact}
    assert badges[delegate].organisation == "Officine Valtellina"
    assert badges[contact].organisation == "Müller Maschinenbau GmbH"
    assert badges[contact].full_name == "Jonas Müller"
    # The token is opaque: no name, no id in it.
    assert "Müller" not in badges[contact].token
    assert len(badges[contact].token) >= 32


def test_a_check_in_is_stored_once_however_often_it_is_sent_or_scanned():
    mission = _mission_today()
    delegate = member()
    ApplicationFactory(mission=mission, firm=delegate.membership.firm, applied_by=delegate)
    day_passes_issue(mission=mission)
    badge = DayPass.objects.get()
    first_id = uuid.uuid4()

    check_in, created = check_in_record(mission=mission, token=badge.token, client_id=first_id)
    again, created_again = check_in_record(mission=mission, token=badge.token, client_id=first_id)
    second_scan, created_second = check_in_record(
        mission=mission, token=badge.token, client_id=uuid.uuid4()
    )

    assert (created, created_again, created_second) == (True, False, False)
    assert again.pk == second_scan.pk == check_in.pk
    assert CheckIn.objects.count() == 1


def test_forged_or_foreign_tokens_and_days_outside_the_mission_are_refused():
    mission = _mission_today()
    other = _mission_today()
    delegate = member()
    ApplicationFactory(mission=other, firm=delegate.membership.firm, applied_by=delegate)
    day_passes_issue(mission=other)
    foreign = DayPass.objects.get()

    with pytest.raises(PassNotFound):
        check_in_record(mission=mission, token=foreign.token, client_id=uuid.uuid4())
    with pytest.raises(PassNotFound):
        check_in_record(mission=mission, token="forged", client_id=uuid.uuid4())
    later = timezone.now() + dt.timedelta(days=1)
    with pytest.raises(NotAMissionDay):
        check_in_record(
            mission=other,
            token=foreign.token,
            client_id=uuid.uuid4(),
            now=later + dt.timedelta(days=5),
            checked_in_at=later + dt.timedelta(days=5),
        )
    used = uuid.uuid4()
    check_in_record(mission=other, token=foreign.token, client_id=used)
    second = member()
    ApplicationFactory(mission=other, firm=second.membership.firm, applied_by=second)
    day_passes_issue(mission=other)
    with pytest.raises(CheckInInvalid):
        check_in_record(mission=other, token=DayPass.objects.get(user=second).token, client_id=used)
    assert CheckIn.objects.count() == 1
