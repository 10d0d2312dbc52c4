"""The writes of missions, one module per concept; this package only re-exports them.

Missions and applications: `locking` (the mission lock and the locking policy), `missions`
(publish, close, reminders), `applications` (apply, withdraw, offers, staff decisions: every
status change goes through `application_set_status`). B2B meetings: `suggestions`,
`meeting_requests`, `slots`, `scheduling_runs`, `agenda`, `outcomes`. Domain errors: `errors`.

Code of the project imports the module it needs (`from missions.services import applications`);
the names below serve callers that use many at once (tests, scripts).
"""

from missions.services.agenda import agenda_publish
from missions.services.applications import (
    application_create,
    application_set_status,
    application_withdraw,
    applications_confirm,
    applications_mark_attended,
    applications_reject,
    applications_waitlist,
    interest_add,
    mission_capacity_changed,
    offer_accept,
    offer_decline,
    offers_expire,
)
from missions.services.errors import (
    AlreadyApplied,
    AlreadyRequested,
    ApplicationError,
    FirmNotApproved,
    MeetingError,
    MissionFull,
    MissionsError,
    NotActive,
    NotAParticipant,
    OfferExpired,
    PartnerNotAttending,
    RegistrationClosed,
    RequestLimitReached,
    SectorNotAdmitted,
    SlotsInUse,
    SlotTaken,
    SlotUnavailable,
    TooManyDelegates,
)
from missions.services.locking import lock_mission
from missions.services.meeting_requests import (
    meeting_request_cancel,
    meeting_request_create,
    meeting_requests_decide,
    partner_wish_answer,
    partner_wish_create,
)
from missions.services.missions import (
    mission_close_registration,
    mission_publish,
    reminders_send,
)
from missions.services.outcomes import (
    followup_reminders_send,
    meeting_partner_feedback,
    meeting_record_outcome,
    meetings_mark_attendance,
)
from missions.services.partner_attendance import (
    mission_partner_block_slots,
    mission_partner_respond,
)
from missions.services.scheduling_runs import meeting_move, meetings_unlock, scheduler_run
from missions.services.slots import slots_generate
from missions.services.suggestions import (
    matchmaking_request,
    matchmaking_rerun,
    matchmaking_run,
    matchmaking_sweep,
)

__all__ = [
    "AlreadyApplied",
    "AlreadyRequested",
    "ApplicationError",
    "FirmNotApproved",
    "MeetingError",
    "MissionFull",
    "MissionsError",
    "NotAParticipant",
    "NotActive",
    "OfferExpired",
    "PartnerNotAttending",
    "RegistrationClosed",
    "RequestLimitReached",
    "SectorNotAdmitted",
    "SlotTaken",
    "SlotUnavailable",
    "SlotsInUse",
    "TooManyDelegates",
    "agenda_publish",
    "application_create",
    "application_set_status",
    "application_withdraw",
    "applications_confirm",
    "applications_mark_attended",
    "applications_reject",
    "applications_waitlist",
    "followup_reminders_send",
    "interest_add",
    "lock_mission",
    "mission_partner_block_slots",
    "mission_partner_respond",
    "matchmaking_request",
    "matchmaking_rerun",
    "matchmaking_run",
    "matchmaking_sweep",
    "meeting_move",
    "meeting_partner_feedback",
    "meeting_record_outcome",
    "meeting_request_cancel",
    "meeting_request_create",
    "meeting_requests_decide",
    "meetings_mark_attendance",
    "meetings_unlock",
    "mission_capacity_changed",
    "mission_close_registration",
    "mission_publish",
    "offer_accept",
    "offer_decline",
    "offers_expire",
    "partner_wish_answer",
    "partner_wish_create",
    "reminders_send",
    "scheduler_run",
    "slots_generate",
]
