"""Missions' part of the person's data: the applications they sent, their B2B meeting requests
and their interests; and the firm's applications and meetings.

Registered with core.privacy from MissionsConfig.ready.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _

from core.privacy import Contributor, Erasure, ErasureStep, KeptRecord, iso
from members.models import Firm, User
from missions.models import Application, Interest, Meeting, MeetingRequest, Question
from missions.services import applications


def _answers(answers: dict[str, Any], labels: dict[str, str]) -> list[dict[str, Any]]:
    return [
        {"question": labels.get(str(key), str(key)), "answer": value}
        for key, value in (answers or {}).items()
    ]


def _question_labels(mission_ids: set[int]) -> dict[str, str]:
    if not mission_ids:
        return {}
    return {
        str(pk): label
        for pk, label in Question.objects.filter(mission_id__in=mission_ids).values_list(
            "pk", "label"
        )
    }


def _application(application: Application, labels: dict[str, str]) -> dict[str, Any]:
    return {
        "mission": application.mission.title,
        "firm": application.firm.name,
        "status": application.get_status_display(),
        "delegates": application.delegates,
        "note": application.note,
        "answers": _answers(application.answers, labels),
        "created_at": iso(application.created_at),
        "decided_at": iso(application.decided_at),
        "attended": application.attended,
        "contacts_made": application.contacts_made,
        "followup_meetings": application.followup_meetings,
        "deals_in_progress": application.deals_in_progress,
        "outcome_note": application.outcome_note,
    }


def _meeting_request(request: MeetingRequest) -> dict[str, Any]:
    return {
        "mission": request.mission.title,
        "firm": request.firm.name,
        "partner": request.partner.name,
        "priority": request.priority,
        "reason": request.reason,
        "status": request.get_status_display(),
        "created_at": iso(request.created_at),
    }


def export_person(user: User) -> dict[str, Any]:
    applications = list(
        Application.objects.filter(applied_by=user).select_related("mission", "firm")
    )
    labels = _question_labels({a.mission_id for a in applications})
    return {
        "applications": [_application(a, labels) for a in applications],
        "meeting_requests": [
            _meeting_request(r)
            for r in MeetingRequest.objects.filter(requested_by=user)
            .select_related("mission", "firm", "partner")
            .order_by("pk")
        ],
        "interests": [
            {"mission": i.mission.title, "firm": i.firm.name, "created_at": iso(i.created_at)}
            for i in Interest.objects.filter(user=user)
            .select_related("mission", "firm")
            .order_by("pk")
        ],
    }


def export_firm(firm: Firm) -> dict[str, Any]:
    applications = list(
        Application.objects.filter(firm=firm).select_related("mission", "firm").order_by("pk")
    )
    labels = _question_labels({a.mission_id for a in applications})
    meetings = (
        Meeting.objects.filter(firm=firm)
        .select_related("mission", "partner", "slot")
        .order_by("pk")
    )
    return {
        "applications": [_application(a, labels) for a in applications],
        "meetings": [
            {
                "mission": m.mission.title,
                "partner": m.partner.name,
                "starts_at": iso(m.slot.starts_at) if m.slot else None,
                "table": m.table,
                "attendance": m.get_attendance_display() if m.attendance else None,
                "outcome": m.get_outcome_display() if m.outcome else None,
                "outcome_note": m.outcome_note,
                "outcome_at": iso(m.outcome_at),
                "firm_interest": m.firm_interest,
                "firm_next_step": m.firm_next_step or None,
            }
            for m in meetings
        ],
    }


def _delete(erasure: Erasure) -> dict[str, int]:
    return {"interests": Interest.objects.filter(user=erasure.user).delete()[0]}


def _unlink(erasure: Erasure) -> dict[str, int]:
    # Queryset updates: they write no history rows (Application's history excludes applied_by).
    user = erasure.user
    released = 0
    if erasure.emptied_firm_id is not None:
        # The person was the firm's last member: its seats go to the waiting list.
        released = applications.firm_applications_release(firm_id=erasure.emptied_firm_id)
    return {
        "meeting_requests": MeetingRequest.objects.filter(requested_by=user).update(
            requested_by=None
        ),
        "applications": Application.objects.filter(applied_by=user).update(applied_by=None),
        # The partner contact who gave a meeting's feedback; the feedback is the partner's.
        "meeting_feedback": Meeting.objects.filter(partner_feedback_by=user).update(
            partner_feedback_by=None
        ),
        "applications_released": released,
    }


CONTRIBUTOR = Contributor(
    app_label="missions",
    order=30,
    export_person=export_person,
    export_firm=export_firm,
    erasure={ErasureStep.DELETE: _delete, ErasureStep.UNLINK: _unlink},
    kept_records=(
        KeptRecord(
            "applications",
            _("Le candidature alle missioni inviate per l'impresa, senza il tuo nome"),
            _("Sono documenti contrattuali dell'impresa con la Camera di Commercio."),
        ),
    ),
    exported={
        "missions.Application",
        "missions.Interest",
        "missions.Meeting",
        "missions.MeetingRequest",
    },
    not_exported={
        "missions.HistoricalApplication": "The audit trail of the firm's applications; their "
        "current state is exported.",
        "missions.HistoricalMeeting": "The audit trail of the firm's meetings; their current "
        "state is exported.",
        "missions.MatchSuggestion": "Computed by the matchmaking from the firm's profile; the "
        "requests and meetings that follow from it are exported.",
    },
    erased={
        "missions.Application",  # applied_by unlinked; the application is the firm's
        "missions.Interest",  # deleted
        "missions.MeetingRequest",  # requested_by unlinked; the request is the firm's
        "missions.Meeting",  # partner_feedback_by unlinked; the meeting is the firm's
    },
    kept={
        "missions.HistoricalApplication": "The firm's audit trail; it does not record applied_by, "
        "and who made each change is cleared by the privacy app's history step.",
        "missions.HistoricalMeeting": "The firm's audit trail; who made each change is cleared "
        "by the privacy app's history step.",
        "missions.MatchSuggestion": "A record of the firm's, linked to the firm only: it names "
        "no person.",
    },
)
