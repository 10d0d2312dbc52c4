"""The data `make test-deploy` needs (tools/deploy_check.py runs this under its environment).

`python -m tests.support.deploy_seed` with the deploy settings (DEBUG off): a staff member with
TOTP, an approved firm whose owner has a meeting in a published agenda. Prints one JSON line.
"""

import datetime as dt
import json

import django


def seed() -> dict:
    from missions import services as b2b
    from missions.models import Meeting, MissionPartner, Partner
    from tests.factories import (
        PASSWORD,
        TOTP_SECRET,
        ApplicationFactory,
        FirmFactory,
        MembershipFactory,
        MissionFactory,
        ProgrammeItemFactory,
        StaffFactory,
        city,
        sector,
    )

    staff = StaffFactory(email="staff@deploy-check.example")
    firm = FirmFactory(name="Graniti Deploy S.r.l.", sector=sector("lapideo"), languages=["it"])
    owner = MembershipFactory(firm=firm, user__email="owner@deploy-check.example").user
    mission = MissionFactory(sectors=[sector("lapideo")], slot_minutes=30, tables=2)
    koeln = city("koeln")
    ProgrammeItemFactory(
        mission=mission,
        city=koeln,
        starts_at=dt.datetime.combine(mission.start_date, dt.time(10), tzinfo=koeln.tz),
        ends_at=dt.datetime.combine(mission.start_date, dt.time(12), tzinfo=koeln.tz),
    )
    ApplicationFactory(mission=mission, firm=firm)
    partner = Partner.objects.create(
        name="Naturstein Import GmbH",
        city=koeln,
        kind=Partner.Kind.IMPORTER,
        nace_codes=["23.70"],
        languages=["de", "it"],
    )
    MissionPartner.objects.create(mission=mission, partner=partner)
    b2b.slots_generate(mission_id=mission.pk)
    request = b2b.meeting_request_create(
        mission_id=mission.pk, firm=firm, user=owner, partner_id=partner.pk, priority=3
    )
    b2b.meeting_requests_decide(request_ids=[request.pk], accept=True)
    b2b.scheduler_run(mission_id=mission.pk)
    assert Meeting.objects.filter(mission=mission, slot__isnull=False).exists()
    assert b2b.agenda_publish(mission_id=mission.pk) == 1
    return {
        "staff_email": staff.email,
        "totp_secret": TOTP_SECRET,
        "owner_email": owner.email,
        "password": PASSWORD,
        "firm_name": firm.name,
        "mission_id": mission.pk,
    }


if __name__ == "__main__":
    django.setup()
    print(json.dumps(seed()))
