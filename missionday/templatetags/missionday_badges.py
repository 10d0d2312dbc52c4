"""`{% badge_link mission %}`: on the agendas of a firm and of a partner (their templates load
it; missions and partners never import missionday), the reader's badge for the mission, if
they have one: a link to the page with the QR to show at the entrance. One query."""

from typing import Any

from django import template

from missionday.models import DayPass

register = template.Library()


@register.inclusion_tag("missionday/_badge_link.html", takes_context=True)
def badge_link(context: template.Context, mission: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or mission is None:
        return {"has_badge": False}
    has_badge = DayPass.objects.filter(mission_id=mission.pk, user_id=user.pk).exists()
    return {"mission": mission, "has_badge": has_badge}
