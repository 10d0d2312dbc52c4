"""The check-up's part of the data: the firm's check-ups with their answers and scores, and the
check-ups a person started.

Registered with core.privacy from CheckupConfig.ready.
"""

from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from checkup.models import Answer, CheckUp, FirmStageOverride
from core.privacy import Contributor, Erasure, ErasureStep, KeptRecord, iso
from members.models import Firm, User


def _checkup(checkup: CheckUp, *, answers: bool) -> dict[str, Any]:
    row: dict[str, Any] = {
        "questionnaire_version": checkup.questionnaire.version,
        "started_at": iso(checkup.started_at),
        "completed_at": iso(checkup.completed_at),
        "overall": checkup.overall,
        "scores": checkup.scores,
    }
    if answers:
        row["started_by"] = (
            (checkup.created_by.get_full_name() or checkup.created_by.email)
            if checkup.created_by
            else None
        )
        row["answers"] = [
            {
                "question": answer.question.text,
                "answer": answer.option.text,
                "points": answer.option.points,
            }
            for answer in checkup.answers.all()
        ]
    return row


def export_person(user: User) -> dict[str, Any]:
    checkups = (
        CheckUp.objects.filter(created_by=user).select_related("questionnaire").order_by("pk")
    )
    return {"checkups_started": [_checkup(c, answers=False) for c in checkups]}


def export_firm(firm: Firm) -> dict[str, Any]:
    answers = Answer.objects.select_related("question", "option").order_by(
        "question__dimension__order", "question__order", "pk"
    )
    checkups = (
        CheckUp.objects.filter(firm=firm)
        .select_related("questionnaire", "created_by")
        .prefetch_related(Prefetch("answers", queryset=answers))
        .order_by("pk")
    )
    overrides = FirmStageOverride.objects.filter(firm=firm).order_by("at", "pk")
    return {
        "checkups": [_checkup(c, answers=True) for c in checkups],
        # The journey stage staff set by hand, with their reason (checkup/journey.py).
        "journey_stage_overrides": [
            {"stage": o.stage, "reason": o.reason, "at": iso(o.at)} for o in overrides
        ],
    }


def _unlink(erasure: Erasure) -> dict[str, int]:
    return {
        "checkups": CheckUp.objects.filter(created_by=erasure.user).update(created_by=None),
        # A staff member who set a firm's stage: the override stays, without their name.
        "journey_stage_overrides": FirmStageOverride.objects.filter(by=erasure.user).update(
            by=None
        ),
    }


CONTRIBUTOR = Contributor(
    app_label="checkup",
    order=50,  # after the partners (45)
    export_person=export_person,
    export_firm=export_firm,
    erasure={ErasureStep.UNLINK: _unlink},
    kept_records=(
        KeptRecord(
            "checkups",
            _("I check-up export dell'impresa, senza il tuo nome"),
            _("Sono una valutazione dell'impresa, non tua: restano all'impresa."),
        ),
    ),
    exported={"checkup.CheckUp", "checkup.FirmStageOverride"},
    erased={"checkup.CheckUp", "checkup.FirmStageOverride"},
)
