"""Dates in the reader's language (core/dates.py): `{% load dates %}`, then
`{{ mission.start_date|date_range:mission.end_date }}` ("3–5 marzo 2027", one date for a one-day
mission) and `{{ day|day_heading }}` ("venerdì 25 dicembre 2026")."""

import datetime as dt

from django import template

from core import dates

register = template.Library()


@register.filter
def date_range(start: dt.date | None, end: dt.date | None = None) -> str:
    return dates.date_range(start, end) if start else ""


@register.filter
def day_heading(value: dt.date | None) -> str:
    return dates.day_heading(value) if value else ""
