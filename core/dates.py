"""Dates in the reader's language: a range of days, a day heading, and dates kept in a
notification's context until it is rendered in its recipient's language.

The formats are per language, in core/formats/<lang>/formats.py (settings.FORMAT_MODULE_PATH).

`date_range` writes a mission's days the way each language writes them:

- one day: "25 dicembre 2026" / "25. Dezember 2026" / "25 December 2026";
- same month: "3–5 marzo 2027" / "3.–5. März 2027" / "3–5 March 2027" (German keeps the
  ordinal dot on both days);
- same year: "28 febbraio – 3 marzo 2027" / "28. Februar – 3. März 2027" /
  "28 February – 3 March 2027";
- different years: both dates in full, "30 dicembre 2026 – 2 gennaio 2027" (and so on).

A range of days inside one month takes an unspaced en dash (both ends are single words); a range
whose ends have spaces in them takes a spaced one, as the three languages' style guides do.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import formats, timezone
from django.utils.dateformat import format as format_date
from django.utils.translation import get_language

# The names core/formats/<lang>/formats.py adds to Django's, with the value for a language that
# has no module of ours.
_CUSTOM_DEFAULTS = {"DAY_HEADING_FORMAT": "l j F Y", "RANGE_DAY_FORMAT": "j"}

DASH = "\N{EN DASH}"


def custom_format(name: str, lang: str | None = None) -> str:
    """One of our own format names (DAY_HEADING_FORMAT, RANGE_DAY_FORMAT) in `lang` (default:
    the active language). Django's `get_format` treats an unknown name as a format string."""
    for module in formats.get_format_modules(lang or get_language()):
        value = getattr(module, name, None)
        if isinstance(value, str):
            return value
    return _CUSTOM_DEFAULTS[name]


def _as_date(value: dt.date) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value


def date_range(start: dt.date, end: dt.date | None = None) -> str:
    """The days from `start` to `end` in the active language (table in the module docstring);
    one date when they are the same day or `end` is missing."""
    start = _as_date(start)
    end = _as_date(end) if end is not None else start
    if end < start:
        start, end = end, start
    full = formats.get_format("DATE_FORMAT")
    if start == end:
        return format_date(start, full)
    if (start.year, start.month) == (end.year, end.month):
        return (
            f"{format_date(start, custom_format('RANGE_DAY_FORMAT'))}{DASH}{format_date(end, full)}"
        )
    if start.year == end.year:
        first = format_date(start, formats.get_format("MONTH_DAY_FORMAT"))
        return f"{first} {DASH} {format_date(end, full)}"
    return f"{format_date(start, full)} {DASH} {format_date(end, full)}"


def day_heading(value: dt.date) -> str:
    """A day with its weekday, for the headings of a programme or an agenda."""
    return format_date(_as_date(value), custom_format("DAY_HEADING_FORMAT"))


# --- Dates in a notification's context -----------------------------------------------------------
# A notification is written in the language of whoever caused it (a staff member's page, a Celery
# task) and read in its recipient's: a date is stored as data and formatted when the title and
# body are rendered (notifications.models._format through `localized_date`).
DATES_KEY = "dates"


def stored_date_range(start: dt.date, end: dt.date | None = None) -> dict[str, list[str]]:
    """A range of days (or one day) for a notification's context."""
    end = end if end is not None else start
    return {DATES_KEY: [_as_date(start).isoformat(), _as_date(end).isoformat()]}


def stored_date(value: dt.date, fmt: str = "DATE_FORMAT") -> dict[str, str | list[str]]:
    """A day for a notification's context, shown with the named format."""
    day = _as_date(value).isoformat()
    return {DATES_KEY: [day, day], "format": fmt}


def stored_datetime(
    value: dt.datetime, fmt: str = "DATETIME_FORMAT", tz: dt.tzinfo | None = None
) -> dict[str, str]:
    """A moment for a notification's context, shown with the named format in `tz` (default: the
    portal's time zone)."""
    zone = str(tz) if tz is not None else timezone.get_default_timezone_name()
    return {"datetime": value.isoformat(), "format": fmt, "tz": zone}


def localized_date(value: object) -> str | None:
    """The text of a date stored by one of the `stored_*` functions, in the active language;
    None when `value` is not one."""
    if not isinstance(value, dict):
        return None
    try:
        if isinstance(value.get(DATES_KEY), list):
            start, end = (dt.date.fromisoformat(day) for day in value[DATES_KEY])
            fmt = value.get("format")
            if fmt and start == end:
                return formats.date_format(start, fmt)
            return date_range(start, end)
        if isinstance(value.get("datetime"), str):
            moment = dt.datetime.fromisoformat(value["datetime"])
            moment = timezone.localtime(moment, ZoneInfo(value.get("tz") or "UTC"))
            return formats.date_format(moment, value.get("format") or "DATETIME_FORMAT")
    except (TypeError, ValueError, KeyError):
        return None
    return None
