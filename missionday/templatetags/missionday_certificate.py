"""`{% certificate_available day_pass as available %}`: whether the badge earns an attendance
certificate (a delegate's, checked in at least once), for the link in
templates/missionday/_certificate_link.html."""

from django import template

from missionday.certificates import has_certificate
from missionday.models import DayPass

register = template.Library()


@register.simple_tag
def certificate_available(day_pass: DayPass | None) -> bool:
    return day_pass is not None and has_certificate(day_pass)
