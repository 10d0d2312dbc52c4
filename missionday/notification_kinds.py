"""The mission day's notifications.

Imported from MissionDayConfig.ready, which registers them with notifications.registry. Italian
msgids; the title placeholder holds every language's text (core.translated.translations).
Each part of the day adds its kinds in its own section and to `FIRM_KINDS` (delegates, firms) or
`PARTNER_KINDS` (partner contacts, who see only groups marked for them); the groups are
registered at the end.
"""

from django.utils.translation import gettext_lazy as _

from notifications.registry import Kind, register_group, register_kind  # noqa: F401

FIRM_KINDS: list[Kind] = []
PARTNER_KINDS: list[Kind] = []


# --- The live board: a freed slot placed a waiting meeting (missionday/services/board.py) ---

BOARD_MEETING_PLACED = register_kind(
    Kind(
        "board_meeting_placed",
        _("Incontri B2B aggiunti durante la giornata"),
        _("Nuovo incontro oggi con %(partner)s"),
        _(
            "Si è liberato un tavolo: oggi incontrate %(partner)s alle %(when)s "
            "(missione %(mission)s). Siete attesi al tavolo all'ora indicata."
        ),
    )
)
FIRM_KINDS.append(BOARD_MEETING_PLACED)
BOARD_MEETING_PLACED_PARTNER = register_kind(
    Kind(
        "board_meeting_placed_partner",
        _("Incontri aggiunti durante la giornata"),
        _("Nuovo incontro oggi con %(firm)s"),
        _(
            "Si è liberato un tavolo: oggi incontrate %(firm)s alle %(when)s "
            "(missione %(mission)s). Siete attesi al tavolo all'ora indicata."
        ),
    )
)
PARTNER_KINDS.append(BOARD_MEETING_PLACED_PARTNER)


# --- After the mission: the satisfaction survey (missionday/services/surveys.py) ---

SURVEY = register_kind(
    Kind(
        "missionday_survey",
        _("Questionario di gradimento dopo la missione"),
        _("Com'è andata la missione %(mission)s?"),
        _(
            "Grazie per aver partecipato alla missione %(mission)s. Ci dici in un minuto com'è "
            "andata? Il link è personale: non serve accedere al portale."
        ),
    )
)
FIRM_KINDS.append(SURVEY)
# Partner contacts are addressed with "voi" (as in partners/notification_kinds.py); they read
# it in their language (German unless they chose another).
SURVEY_PARTNER = register_kind(
    Kind(
        "missionday_survey_partner",
        _("Questionario di gradimento dopo la missione (partner)"),
        _("Com'è andata la missione %(mission)s? Diteci la vostra"),
        _(
            "Grazie per aver partecipato alla missione %(mission)s. Ci dite in un minuto com'è "
            "andata? Il link è personale: non serve accedere."
        ),
    )
)
PARTNER_KINDS.append(SURVEY_PARTNER)


# --- The groups (keep last) ---

if FIRM_KINDS:
    register_group("missionday", _("Giornata di missione"), FIRM_KINDS)
if PARTNER_KINDS:
    register_group(
        "missionday_partner",
        _("Giornata di missione"),
        PARTNER_KINDS,
        only_for=lambda user: user.is_partner_contact,
    )
