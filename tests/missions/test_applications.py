"""Applying, the waiting list, offers and staff decisions (missions.services)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import Firm
from missions import services
from missions.models import Application, Mission, SectorCap
from notifications.models import Notification
from tests.factories import (
    ApplicationFactory,
    FirmFactory,
    MembershipFactory,
    MissionFactory,
    sector,
)

pytestmark = pytest.mark.django_db
Status = Application.Status


def owner_of(firm):
    return MembershipFactory(firm=firm).user


def apply(mission, firm=None, delegates=1, **kwargs):
    firm = firm or FirmFactory()
    return services.application_create(
        mission_id=mission.pk, firm=firm, user=owner_of(firm), delegates=delegates, **kwargs
    )


def kinds_for(firm):
    return sorted(
        Notification.objects.filter(recipient__membership__firm=firm).values_list("kind", flat=True)
    )


def test_first_come_takes_a_seat_then_the_waiting_list():
    mission = MissionFactory(seats=1)
    first = apply(mission)
    second = apply(mission)
    assert first.status == Status.CONFIRMED
    assert second.status == Status.WAITLISTED
    assert second.waitlisted_at is not None
    assert kinds_for(first.firm) == ["application_confirmed", "application_received"]
    assert kinds_for(second.firm) == ["application_received", "application_waitlisted"]


def test_missions_with_staff_approval_keep_applications_pending():
    mission = MissionFactory(seats=5, requires_approval=True)
    assert apply(mission).status == Status.PENDING


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"registration_deadline": timezone.now() - dt.timedelta(minutes=1)}, "RegistrationClosed"),
        ({"registration_opens_at": timezone.now() + dt.timedelta(days=1)}, "RegistrationClosed"),
        ({"status": Mission.Status.CLOSED}, "RegistrationClosed"),
        ({"status": Mission.Status.DRAFT}, "RegistrationClosed"),
    ],
    ids=["past-deadline", "not-open-yet", "closed", "draft"],
)
def test_bad_timing_is_refused_and_stores_nothing(change, error):
    mission = MissionFactory(**change)
    with pytest.raises(getattr(services, error)):
        apply(mission)
    assert not Application.objects.exists()
    assert not Notification.objects.exists()


def test_too_many_delegates_is_refused():
    mission = MissionFactory(max_delegates=2)
    with pytest.raises(services.TooManyDelegates):
        apply(mission, delegates=3)
    with pytest.raises(services.TooManyDelegates):
        apply(mission, delegates=0)
    assert not Application.objects.exists()


def test_double_submit_is_refused():
    mission = MissionFactory()
    firm = FirmFactory()
    apply(mission, firm)
    with pytest.raises(services.AlreadyApplied):
        apply(mission, firm)
    assert Application.objects.count() == 1


def test_pending_firms_and_other_sectors_cannot_apply():
    mission = MissionFactory(sectors=[sector("lapideo")])
    with pytest.raises(services.SectorNotAdmitted):
        apply(mission, FirmFactory(sector=sector("agroalimentare")))
    with pytest.raises(services.FirmNotApproved):
        apply(mission, FirmFactory(sector=sector("lapideo"), status=Firm.Status.PENDING))
    assert not Application.objects.exists()


def test_a_firm_can_apply_again_after_withdrawing():
    mission = MissionFactory()
    firm = FirmFactory()
    first = apply(mission, firm)
    services.application_withdraw(application_id=first.pk, firm=firm)
    assert apply(mission, firm).status == Status.CONFIRMED


def test_withdrawal_offers_the_seat_to_the_first_on_the_waiting_list():
    mission = MissionFactory(seats=1, offer_hours=24)
    holder = apply(mission)
    first_waiting = apply(mission)
    second_waiting = apply(mission)

    services.application_withdraw(application_id=holder.pk, firm=holder.firm)

    first_waiting.refresh_from_db()
    second_waiting.refresh_from_db()
    assert first_waiting.status == Status.OFFERED
    expected = timezone.now() + dt.timedelta(hours=24)
    assert abs((first_waiting.offer_expires_at - expected).total_seconds()) < 60
    assert second_waiting.status == Status.WAITLISTED
    offer = Notification.objects.get(
        kind="application_offered", recipient__membership__firm=first_waiting.firm
    )
    assert offer.url == reverse("missions:offer", args=[first_waiting.pk])


def test_accepting_an_offer_confirms_declining_passes_it_on():
    mission = MissionFactory(seats=1)
    holder, a, b = apply(mission), apply(mission), apply(mission)
    services.application_withdraw(application_id=holder.pk, firm=holder.firm)
    services.offer_decline(application_id=a.pk, firm=a.firm)
    b.refresh_from_db()
    assert b.status == Status.OFFERED
    services.offer_accept(application_id=b.pk, firm=b.firm)
    b.refresh_from_db()
    assert b.status == Status.CONFIRMED
    assert (
        Application.objects.filter(mission=mission, status__in=Application.HOLDS_SEAT).count() == 1
    )


def test_expired_offer_goes_to_the_next_firm():
    mission = MissionFactory(seats=1)
    holder, a, b = apply(mission), apply(mission), apply(mission)
    services.application_withdraw(application_id=holder.pk, firm=holder.firm)
    Application.objects.filter(pk=a.pk).update(offer_expires_at=timezone.now() - dt.timedelta(1))

    with pytest.raises(services.OfferExpired):
        services.offer_accept(application_id=a.pk, firm=a.firm)
    assert services.offers_expire() == 1

    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, a.withdrawn_reason) == (Status.WITHDRAWN, "offer_expired")
    assert b.status == Status.OFFERED
    assert "application_offer_expired" in kinds_for(a.firm)


def test_another_firm_cannot_act_on_an_application():
    mission = MissionFactory(seats=1)
    application = apply(mission)
    with pytest.raises(Application.DoesNotExist):
        services.application_withdraw(application_id=application.pk, firm=FirmFactory())
    application.refresh_from_db()
    assert application.status == Status.CONFIRMED


def test_sector_cap_keeps_one_sector_from_filling_the_mission():
    metal, stone = sector("metalmeccanico"), sector("lapideo")
    mission = MissionFactory(seats=3, sectors=[metal, stone])
    SectorCap.objects.create(mission=mission, sector=metal, seats=1)
    assert apply(mission, FirmFactory(sector=metal)).status == Status.CONFIRMED
    assert apply(mission, FirmFactory(sector=metal)).status == Status.WAITLISTED
    assert apply(mission, FirmFactory(sector=stone)).status == Status.CONFIRMED


def test_staff_confirm_never_exceeds_the_seats():
    mission = MissionFactory(seats=2, requires_approval=True)
    pending = [apply(mission) for _ in range(3)]
    confirmed, refused = services.applications_confirm(application_ids=[a.pk for a in pending])
    assert (confirmed, refused) == (2, 1)
    assert Application.objects.filter(status=Status.CONFIRMED).count() == 2


def test_raising_the_seats_offers_them_to_the_waiting_list():
    mission = MissionFactory(seats=1)
    apply(mission)
    waiting = apply(mission)
    Mission.objects.filter(pk=mission.pk).update(seats=2)
    offered = services.mission_capacity_changed(mission_id=mission.pk)
    assert [a.pk for a in offered] == [waiting.pk]


def test_staff_reject_frees_the_seat_for_the_waiting_list():
    mission = MissionFactory(seats=1)
    holder, waiting = apply(mission), apply(mission)
    assert services.applications_reject(application_ids=[holder.pk]) == 1
    waiting.refresh_from_db()
    assert waiting.status == Status.OFFERED
    assert "application_rejected" in kinds_for(holder.firm)


def test_publishing_notifies_the_firms_of_the_sectors_once(django_capture_on_commit_callbacks):
    mission = MissionFactory(status=Mission.Status.DRAFT, published_at=None)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert services.mission_publish(mission_id=mission.pk) is True
        assert services.mission_publish(mission_id=mission.pk) is False
    assert len(callbacks) == 1  # one fan-out, however many firms
    from notifications.models import Broadcast

    broadcast = Broadcast.objects.get()
    assert broadcast.params == {"sector_ids": [sector("metalmeccanico").pk]}
    assert broadcast.kind == "mission_published"


def test_reminders_go_out_once_per_mission():
    soon = MissionFactory(registration_deadline=timezone.now() + dt.timedelta(hours=30))
    starting = MissionFactory(start_date=timezone.localdate() + dt.timedelta(days=5))
    ApplicationFactory(mission=starting)
    later = MissionFactory(registration_deadline=timezone.now() + dt.timedelta(days=10))

    first = services.reminders_send()
    assert first["deadline"] == 1
    assert first["start"] == 1
    assert services.reminders_send() == {"opened": 0, "deadline": 0, "start": 0}
    soon.refresh_from_db()
    later.refresh_from_db()
    assert soon.deadline_reminded_at is not None
    assert later.deadline_reminded_at is None


def test_interest_list_is_told_when_registration_opens():
    mission = MissionFactory(registration_opens_at=timezone.now() + dt.timedelta(days=1))
    firm = FirmFactory()
    user = owner_of(firm)
    services.interest_add(mission=mission, firm=firm, user=user)
    services.interest_add(mission=mission, firm=firm, user=user)  # twice is once
    assert services.reminders_send()["opened"] == 0
    Mission.objects.filter(pk=mission.pk).update(registration_opens_at=timezone.now())
    assert services.reminders_send()["opened"] == 1
    assert Notification.objects.get(recipient=user).kind == "registration_open"


def test_withdrawal_promotion_is_emailed_once(sink):
    from notifications.services import notifications_send

    mission = MissionFactory(seats=1)
    holder, waiting = apply(mission), apply(mission)
    waiting_owner = waiting.firm.memberships.get().user
    services.application_withdraw(application_id=holder.pk, firm=holder.firm)
    services.mission_capacity_changed(mission_id=mission.pk)  # no new seat: no new offer

    def send_pending():
        ids = list(Notification.objects.filter(email_status="pending").values_list("pk", flat=True))
        notifications_send(notification_ids=ids)

    send_pending()
    send_pending()
    offers = [r for r in sink.received if "Si è liberato un posto" in r.subject]
    assert len(offers) == 1
    assert offers[0].to == [waiting_owner.email]
    text = offers[0].message.get_payload(0).get_payload(decode=True).decode()
    assert reverse("missions:offer", args=[waiting.pk]) in text
