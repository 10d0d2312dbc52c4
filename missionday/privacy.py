"""The mission day's part of the data: a person's badges and their check-ins.

Registered with core.privacy from MissionDayConfig.ready.
"""

from datetime import date
from typing import Any

from core.privacy import Contributor, Erasure, ErasureStep, iso
from members.models import Firm, User
from missionday.models import CheckIn, DayPass


def _day(check_in: CheckIn) -> date:
    return check_in.day


def export_person(user: User) -> dict[str, Any]:
    passes = (
        DayPass.objects.filter(user=user)
        .select_related("mission")
        .prefetch_related("check_ins")
        .order_by("pk")
    )
    return {
        "mission_day_badges": [
            {
                "mission": p.mission.title,
                "name": p.full_name,
                "check_ins": [iso(c.checked_in_at) for c in sorted(p.check_ins.all(), key=_day)],
            }
            for p in passes
        ]
    }


def export_firm(firm: Firm) -> dict[str, Any]:
    passes = (
        DayPass.objects.filter(firm=firm)
        .select_related("mission")
        .prefetch_related("check_ins")
        .order_by("pk")
    )
    return {
        "mission_day_badges": [
            {
                "mission": p.mission.title,
                "name": p.full_name,
                "checked_in_days": [c.day.isoformat() for c in sorted(p.check_ins.all(), key=_day)],
            }
            for p in passes
        ]
    }


def _delete(erasure: Erasure) -> dict[str, int]:
    # The person's badges go with their check-ins (cascade): they name the person.
    deleted, _by_model = DayPass.objects.filter(user=erasure.user).delete()
    return {"mission_day_badges": deleted}


def _unlink(erasure: Erasure) -> dict[str, int]:
    # Check-ins the person recorded as staff stay, without their name.
    return {"check_ins_recorded": CheckIn.objects.filter(by=erasure.user).update(by=None)}


CONTRIBUTOR = Contributor(
    app_label="missionday",
    order=55,  # after the check-up (50)
    export_person=export_person,
    export_firm=export_firm,
    erasure={ErasureStep.DELETE: _delete, ErasureStep.UNLINK: _unlink},
    exported={"missionday.DayPass", "missionday.CheckIn"},
    erased={"missionday.DayPass", "missionday.CheckIn"},
)
