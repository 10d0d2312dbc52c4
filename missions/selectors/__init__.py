"""The reads of missions: `missions` (missions and applications) and `b2b` (B2B meetings).

Code of the app imports the module it needs; the names below serve other apps' pages.
"""

from missions.selectors.b2b import firm_agenda, firm_b2b
from missions.selectors.missions import (
    VISIBLE,
    firm_dashboard,
    firm_programme,
    mission_detail,
    mission_list,
    programme_by_day,
    visible_missions,
)

__all__ = [
    "VISIBLE",
    "firm_agenda",
    "firm_b2b",
    "firm_dashboard",
    "firm_programme",
    "mission_detail",
    "mission_list",
    "programme_by_day",
    "visible_missions",
]
