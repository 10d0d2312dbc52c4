"""The mission day's part of the data: a person's badges, their check-ins and debriefs.

Registered with core.privacy from MissionDayConfig.ready.
"""

from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from core.privacy import Contributor, Erasure, ErasureStep, KeptRecord, iso
from members.models import Firm, User
from missionday.models import CheckIn, DayPass, Debrief, SurveyResponse


def _day(check_in: CheckIn) -> date:
    return check_in.day


def _debrief(debrief: Debrief) -> dict[str, Any]:
    return {
        "mission": debrief.meeting.mission.title,
        "meeting": str(debrief.meeting),
        "held": debrief.held,
        "interest": debrief.interest,
        "next_step": debrief.next_step,
        "note": debrief.note,
        "written_at": iso(debrief.written_at),
    }


def _debriefs(**where: Any) -> list[dict[str, Any]]:
    rows = Debrief.objects.filter(**where).select_related(
        "meeting__mission", "meeting__firm", "meeting__partner"
    )
    return [_debrief(d) for d in rows.order_by("written_at", "pk")]


def export_person(user: User) -> dict[str, Any]:
    passes = (
        DayPass.objects.filter(user=user)
        .select_related("mission")
        .prefetch_related("check_ins")
        .order_by("pk")
    )
    answers = SurveyResponse.objects.filter(user=user).select_related("mission").order_by("pk")
    return {
        "mission_day_badges": [
            {
                "mission": p.mission.title,
                "name": p.full_name,
                "check_ins": [iso(c.checked_in_at) for c in sorted(p.check_ins.all(), key=_day)],
            }
            for p in passes
        ],
        "mission_surveys": [
            {
                "mission": a.mission.title,
                "overall": a.overall,
                "meetings_usefulness": a.meetings_usefulness,
                "organisation": a.organisation,
                "comment": a.comment,
                "submitted_at": iso(a.submitted_at),
            }
            for a in answers
        ],
        "mission_day_debriefs": _debriefs(author=user),
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
        ],
        "mission_day_debriefs": _debriefs(meeting__firm=firm, side=Debrief.Side.FIRM),
    }


def _delete(erasure: Erasure) -> dict[str, int]:
    # The person's badges go with their check-ins (cascade): they name the person.
    deleted, _by_model = DayPass.objects.filter(user=erasure.user).delete()
    return {"mission_day_badges": deleted}


def _unlink(erasure: Erasure) -> dict[str, int]:
    # Check-ins the person recorded as staff stay, without their name; so do the debriefs they
    # wrote (the meeting's record, the firm's or the partner's). Survey answers stay in the
    # mission's figures, anonymised: no link to the person, and the free-text comment (which
    # might name them) is cleared.
    return {
        "check_ins_recorded": CheckIn.objects.filter(by=erasure.user).update(by=None),
        "debriefs_written": Debrief.objects.filter(author=erasure.user).update(author=None),
        "survey_answers_anonymised": SurveyResponse.objects.filter(user=erasure.user).update(
            user=None, comment=""
        ),
    }


CONTRIBUTOR = Contributor(
    app_label="missionday",
    order=55,  # after the check-up (50)
    export_person=export_person,
    export_firm=export_firm,
    erasure={ErasureStep.DELETE: _delete, ErasureStep.UNLINK: _unlink},
    kept_records=(
        KeptRecord(
            "mission_surveys",
            _(
                "I punteggi che hai dato nei questionari di gradimento, senza il tuo nome "
                "né il tuo commento"
            ),
            _("Fanno parte dei risultati anonimi delle missioni, che non cambiano."),
        ),
    ),
    exported={
        "missionday.DayPass",
        "missionday.CheckIn",
        "missionday.SurveyResponse",
        "missionday.Debrief",
    },
    erased={
        "missionday.DayPass",
        "missionday.CheckIn",
        "missionday.SurveyResponse",
        "missionday.Debrief",
    },
)
