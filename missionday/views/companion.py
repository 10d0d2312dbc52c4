"""The companion: a badge holder's mission day on their phone (today's agenda, the next meeting
first), installable (web app manifest, service worker) and readable offline once opened, with a
one-minute debrief per meeting that the phone queues offline and syncs here."""

import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from missionday.access import holder_pass
from missionday.models import DayPass
from missionday.models.debriefs import NOTE_MAX
from missionday.services.debriefs import DebriefInput, debriefs_sync
from missions.models import Meeting, Mission, ProgrammeItem
from missions.selectors import b2b as b2b_selectors
from missions.services.outcomes import feedback_opens_at

# The caches of the companion on a phone are named per person, so that one person's pages are
# never served to another who signs in on the same phone (the page also clears the others).
CACHE_PREFIX = "missionday-companion-u"
THEME_COLOUR = "#0b5563"
MAX_DEBRIEFS = 100  # per request; a phone's queue of one day is far smaller


@dataclass
class Entry:
    """A line of the day: a meeting (with its debrief form) or another programme item."""

    kind: str  # "meeting" or "item"
    obj: Meeting | ProgrammeItem
    tz: str
    started: bool = False
    over: bool = False


def _url_or_none(name: str, *args: object) -> str | None:
    # The badge and certificate pages come from other parts of the mission day; until they are
    # there the companion simply leaves their link out.
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _day_shown(mission: Mission, today: date) -> tuple[date, str]:
    if today < mission.start_date:
        return mission.start_date, "before"
    if today > mission.end_date:
        return mission.end_date, "after"
    return today, "during"


def _companion_context(day_pass: DayPass, now: datetime) -> dict[str, Any]:
    mission = day_pass.mission
    published = mission.agenda_published_at is not None
    days: list[tuple[date, list[Entry]]] = []
    if day_pass.kind == DayPass.Kind.DELEGATE and day_pass.firm is not None and published:
        agenda = b2b_selectors.firm_agenda(mission=mission, firm=day_pass.firm)
        for day, firm_entries in agenda["days"]:
            days.append((day, [_entry(kind, obj, now) for kind, obj in firm_entries]))
    elif day_pass.partner is not None and published:
        partner_agenda = b2b_selectors.partner_agenda(mission=mission, partner=day_pass.partner)
        for day, partner_meetings in partner_agenda["days"]:
            days.append((day, [_entry("meeting", m, now) for m in partner_meetings]))
    tz = _time_zone(days)
    day, when = _day_shown(mission, timezone.localdate(now, tz))
    entries = dict(days).get(day, [])
    meetings = [e for e in entries if e.kind == "meeting"]
    upcoming = [e for e in meetings if not e.over]
    next_entry = upcoming[0] if upcoming else None
    return {
        "mission": mission,
        "day_pass": day_pass,
        "firm_side": day_pass.kind == DayPass.Kind.DELEGATE,
        "published": published,
        "day": day,
        "when": when,
        "next": next_entry,
        "rest": [e for e in entries if e is not next_entry],
        "note_max": NOTE_MAX,
        "badge_url": _url_or_none("missionday:my_badge", mission.pk),
        # Certificates are for delegates only (partner contacts get none).
        "certificate_url": _url_or_none("missionday:certificate", mission.pk)
        if when != "before" and day_pass.kind == DayPass.Kind.DELEGATE
        else None,
        "cache_name": f"{CACHE_PREFIX}{day_pass.user_id}",
    }


def _entry(kind: str, obj: Meeting | ProgrammeItem, now: datetime) -> Entry:
    if isinstance(obj, Meeting) and obj.slot is not None:
        return Entry(
            kind,
            obj,
            obj.slot.session.city.time_zone,
            started=feedback_opens_at(obj.slot) <= now,
            over=obj.slot.ends_at <= now,
        )
    assert isinstance(obj, ProgrammeItem)  # noqa: S101 (placed meetings only: the selectors')
    return Entry(kind, obj, obj.city.time_zone, over=obj.ends_at <= now)


def _debrief_context(context: dict[str, Any]) -> dict[str, Any]:
    """What every debrief form of the page shares, rendered once in the page's language (not
    once per meeting): the choices' <option>s and the sync URL."""
    return {
        **context,
        "interest_options": format_html_join(
            "",
            '<option value="{}">{} · {}</option>',
            ((value, value, label) for value, label in Meeting.PartnerInterest.choices),
        ),
        "next_step_options": format_html_join(
            "",
            '<option value="{}">{}</option>',
            Meeting.PartnerNextStep.choices,
        ),
        "debrief_url": reverse("missionday:debrief_sync", args=[context["mission"].pk]),
    }


def _time_zone(days: list[tuple[date, list[Entry]]]) -> tzinfo:
    # The mission's day is the day where its meetings take place (the city's time zone).
    for _day, entries in days:
        for entry in entries:
            return ZoneInfo(entry.tz)
    return timezone.get_current_timezone()


@login_required
@require_GET
def companion(request: HttpRequest, mission_id: int) -> HttpResponse:
    """The badge holder's day: the next meeting first (time in the city's zone, table, the
    counterpart's card, interpreter or not), then the rest of the day with the debriefs."""
    day_pass = holder_pass(request, mission_id)
    context = _companion_context(day_pass, timezone.now())
    language = _language(request, day_pass)
    with translation.override(language):
        response = render(request, "missionday/companion.html", _debrief_context(context))
    # The service worker keeps this page (and only this person's) for offline reading.
    response["X-Companion-Cache"] = context["cache_name"]
    response["Cache-Control"] = "private, no-cache"
    return response


def _language(request: HttpRequest, day_pass: DayPass) -> str:
    # Partner contacts read their pages in their language (German unless they chose another);
    # the language switch (its cookie) wins, as on the partner workspace.
    if day_pass.kind == DayPass.Kind.PARTNER and (
        settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
    ):
        return getattr(request.user, "language", "") or "de"
    return translation.get_language()


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    """The web app manifest; `?missione=<id>` makes that mission's companion the start page."""
    start_url = "/giornata/"
    mission_id = request.GET.get("missione", "")
    if mission_id.isascii() and mission_id.isdecimal() and len(mission_id) < 10:
        start_url = reverse("missionday:companion", args=[int(mission_id)])
    data = {
        "name": _("Club degli Esportatori: giornata di missione"),
        "short_name": _("Giornata"),
        "lang": translation.get_language(),
        "start_url": start_url,
        "scope": "/giornata/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": "#ffffff",
        "icons": [
            {"src": static("icons/missionday-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("icons/missionday-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("icons/missionday.svg"),
                "sizes": "any",
                "type": "image/svg+xml",
                "purpose": "any maskable",
            },
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The companion's service worker, from a template (it names the static URL prefix)."""
    response = render(
        request,
        "missionday/sw.js",
        {"static_url": settings.STATIC_URL, "cache_prefix": CACHE_PREFIX},
        content_type="application/javascript; charset=utf-8",
    )
    response["Service-Worker-Allowed"] = "/giornata/"
    # Always checked with the server, so a new version of the worker is picked up at once.
    response["Cache-Control"] = "no-cache, max-age=0"
    return response


class BadDebriefs(ValueError):
    pass


def _parse_debriefs(body: bytes) -> list[DebriefInput]:
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        raise BadDebriefs(_("Richiesta non valida: JSON atteso.")) from None
    items = payload.get("debriefs") if isinstance(payload, dict) else None
    if not isinstance(items, list) or len(items) > MAX_DEBRIEFS:
        raise BadDebriefs(_("Richiesta non valida: manca l'elenco dei debriefing."))
    return [_parse_debrief(item) for item in items]


def _parse_debrief(item: object) -> DebriefInput:
    bad = BadDebriefs(_("Debriefing non valido: controllate i campi."))
    if not isinstance(item, dict):
        raise bad
    try:
        client_id = uuid.UUID(str(item.get("client_id", "")))
    except ValueError:
        raise bad from None
    meeting_id, held = item.get("meeting_id"), item.get("held")
    interest, next_step = item.get("interest"), item.get("next_step") or ""
    note, written = item.get("note") or "", item.get("written_at")
    try:  # well formed but impossible (month 13, offset +99:00) raises
        written_at = parse_datetime(written) if isinstance(written, str) else None
    except ValueError:
        written_at = None
    if (
        not isinstance(meeting_id, int)
        or isinstance(meeting_id, bool)
        or not isinstance(held, bool)
        or not isinstance(next_step, str)
        or not isinstance(note, str)
        or len(note) > NOTE_MAX
        or "\x00" in note
        or written_at is None
        or timezone.is_naive(written_at)
    ):
        raise bad
    if held:
        if interest not in Meeting.PartnerInterest.values or isinstance(interest, bool):
            raise bad
        if next_step not in Meeting.PartnerNextStep.values:
            raise bad
    elif interest is not None or next_step:
        raise bad
    return DebriefInput(
        client_id=client_id,
        meeting_id=meeting_id,
        held=held,
        interest=interest,
        next_step=next_step,
        note=note,
        written_at=written_at,
    )


@login_required
@require_POST
def debrief_sync(request: HttpRequest, mission_id: int) -> HttpResponse:
    """The phone's queued debriefs, as JSON; each is stored once (its client id) and answered
    with created, duplicate or refused. Bad JSON or fields: 400 and nothing stored."""
    day_pass = holder_pass(request, mission_id)
    with translation.override(_language(request, day_pass)):
        try:
            items = _parse_debriefs(request.body)
        except BadDebriefs as error:
            return JsonResponse({"error": str(error)}, status=400)
        results = debriefs_sync(
            day_pass=day_pass,
            items=items,
            author=request.user,  # type: ignore[arg-type]
        )
    return JsonResponse(
        {
            "results": [
                {"client_id": str(r.client_id), "status": r.status, "message": r.message}
                for r in results
            ]
        }
    )
