"""The staff check-in on a phone: the page (camera scan and search by name, working offline),
the mission's badges for the offline search, and the sync of the phone's queue."""

import datetime as dt
import json
import uuid
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.http import AuthenticatedHttpRequest
from core.staff import has_staff_powers
from missionday.access import staff_mission
from missionday.models import CheckIn, DayPass
from missionday.selectors import check_in_times, mission_local_date, passes_for
from missionday.services.checkin import MAX_BATCH, CheckInOutcome, QueuedCheckIn, check_ins_sync
from missions.models import Mission

# A badge token is 32 URL-safe characters; anything else a camera may read (another event's QR
# code, a URL) is refused per item as an unknown badge, only NUL and absurd lengths per batch.
MAX_TOKEN_LENGTH = 200
SOON = dt.timedelta(days=14)  # the chooser lists missions under way and those starting within


@login_required
@require_GET
def checkin_missions(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Staff pick the mission to check people in for: those under way today, then the next."""
    if not has_staff_powers(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    missions = (
        Mission.objects.filter(end_date__gte=today, start_date__lte=today + SOON)
        .exclude(status__in=[Mission.Status.DRAFT, Mission.Status.CANCELLED])
        .order_by("start_date", "pk")
    )
    return render(
        request, "missionday/checkin_missions.html", {"missions": missions, "today": today}
    )


@login_required
@require_GET
def checkin(request: AuthenticatedHttpRequest, mission_id: int) -> HttpResponse:
    mission = staff_mission(request, mission_id)
    return render(
        request,
        "missionday/checkin.html",
        {
            "mission": mission,
            "strings": _page_strings(),
            "today": mission_local_date(mission, timezone.now()),
        },
    )


@require_GET
def checkin_people(request: HttpRequest, mission_id: int) -> JsonResponse:
    """The mission's badges, for the search by name (the phone keeps them to search offline)."""
    mission = staff_mission(request, mission_id)
    today = mission_local_date(mission, timezone.now())  # the check-ins' day: the mission's
    seen = check_in_times(mission, today)
    people = [
        {
            "token": token,
            "name": name,
            # What the badge prints (DayPass.organisation): the firm's or the partner's name.
            "organisation": (firm if kind == DayPass.Kind.DELEGATE else partner) or "",
            "kind": kind,
            "checked_in": pk in seen,
            "checked_in_at": seen[pk].isoformat() if pk in seen else None,
        }
        # Plain rows: a mission has hundreds of badges, and the phones reload this list.
        for pk, token, name, kind, firm, partner in passes_for(mission).values_list(
            "pk", "token", "full_name", "kind", "firm__name", "partner__name"
        )
    ]
    return JsonResponse({"day": today.isoformat(), "people": people})


@require_POST
def checkin_sync(request: HttpRequest, mission_id: int) -> JsonResponse:
    """The phone's queue: {"check_ins": [{client_id, token, checked_in_at, method}, ...]}.

    Answers each item (created, duplicate or refused) so the phone drops exactly those; input
    that is not such a batch is refused whole (400) before anything is stored.
    """
    mission: Mission = staff_mission(request, mission_id)
    try:
        items = _parse_batch(request.body)
    except BadBatch as error:
        return JsonResponse({"error": str(error)}, status=400)
    outcomes = check_ins_sync(
        mission=mission, items=items, by=request.user if request.user.is_authenticated else None
    )
    return JsonResponse({"results": [_result(outcome) for outcome in outcomes]})


# What the check-in page loads; its service worker keeps them for a reload without network.
PAGE_ASSETS = [
    "css/club.css",
    "css/print.css",
    "css/missionday-checkin.css",
    "favicon.svg",
    "js/club.js",
    "js/missionday-checkin.js",
    "vendor/jsqr/jsQR.js",
]


@require_GET
def checkin_service_worker(request: HttpRequest, mission_id: int) -> HttpResponse:
    """The check-in page's service worker, scoped to that page (its own folder, so no
    Service-Worker-Allowed header): it keeps the page and its files so that a reload in a hall
    without network still opens it; the queue and the people list live in IndexedDB."""
    mission = staff_mission(request, mission_id)
    context = {
        "mission": mission,
        "page_url": json.dumps(reverse("missionday:checkin", args=[mission.pk])),
        "assets": json.dumps([static(asset) for asset in PAGE_ASSETS]),
    }
    response = render(request, "missionday/checkin_sw.js", context, content_type="text/javascript")
    response["Cache-Control"] = "no-cache"  # the browser checks for a new version each time
    return response


class BadBatch(ValueError):
    """The body is not a batch of check-ins; the message says what is wrong."""


def _parse_batch(body: bytes) -> list[QueuedCheckIn]:
    try:
        data = json.loads(body)
    except ValueError:  # also bytes that are not UTF-8
        raise BadBatch(_("JSON non valido.")) from None
    entries = data.get("check_ins") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise BadBatch(_("Manca l'elenco dei check-in."))
    if len(entries) > MAX_BATCH:
        raise BadBatch(_("Al massimo %(max)s check-in per invio.") % {"max": MAX_BATCH})
    return [_parse_item(number, entry) for number, entry in enumerate(entries, start=1)]


def _parse_item(number: int, entry: Any) -> QueuedCheckIn:
    def bad(what: str) -> BadBatch:
        return BadBatch(_("Check-in %(n)s: %(what)s") % {"n": number, "what": what})

    if not isinstance(entry, dict):
        raise bad(_("formato non valido."))
    try:
        client_id = uuid.UUID(entry.get("client_id"))
    except (TypeError, ValueError, AttributeError):
        raise bad(_("client_id non valido.")) from None
    token = entry.get("token")
    if not isinstance(token, str) or not 0 < len(token) <= MAX_TOKEN_LENGTH or "\x00" in token:
        raise bad(_("token non valido."))
    seen_at = _parse_time(entry.get("checked_in_at"))
    if seen_at is None:
        raise bad(_("data e ora non valide."))
    method = entry.get("method")
    if method not in CheckIn.Method.values:
        raise bad(_("modo non valido."))
    return QueuedCheckIn(client_id=client_id, token=token, checked_in_at=seen_at, method=method)


def _parse_time(value: Any) -> dt.datetime | None:
    """An ISO 8601 time from the phone's clock; one without a zone is taken as local time."""
    if not isinstance(value, str):
        return None
    try:
        parsed = parse_datetime(value)
    except ValueError:  # well formed but impossible, e.g. month 13
        return None
    if parsed is None:
        return None
    try:
        aware = parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)
        return aware.astimezone(dt.UTC)  # year 1 at +05:00 is before year 1 in UTC
    except (OverflowError, ValueError):
        return None


def _result(outcome: CheckInOutcome) -> dict[str, Any]:
    badge, check_in = outcome.day_pass, outcome.check_in
    if outcome.status == "refused":
        message = str(outcome.error)
    elif outcome.status == "created":
        message = _("registrato")
    else:
        message = _("già registrato alle %(time)s") % {"time": _time(check_in)}
    return {
        "client_id": str(outcome.client_id),
        "status": outcome.status,
        "message": message,
        "name": badge.full_name if badge else "",
        "organisation": badge.organisation if badge else "",
        "checked_in_at": check_in.checked_in_at.isoformat() if check_in else None,
    }


def _time(check_in: CheckIn | None) -> str:
    if check_in is None:
        return ""
    return formats.time_format(timezone.localtime(check_in.checked_in_at), "TIME_FORMAT")


def _page_strings() -> dict[str, str]:
    """What the page's script says, in the staff member's language (json_script in the page)."""
    return {
        "checkedIn": _("registrato"),
        "alreadyAt": _("già registrato alle %(time)s"),
        "unknown": _("badge non riconosciuto"),
        "unknownOffline": _("badge non presente nell'elenco: verrà verificato all'invio"),
        "queued": _("in attesa di invio"),
        "pendingOne": _("1 in attesa di invio"),
        "pendingMany": _("%(n)s in attesa di invio"),
        "pendingNone": _("Nessun check-in in attesa di invio"),
        "online": _("In linea"),
        "offline": _(
            "Non in linea: i check-in restano sul telefono e partono al ritorno della rete"
        ),
        "sent": _("Inviati %(n)s check-in"),
        "sendFailed": _("Invio non riuscito: nuovo tentativo tra poco"),
        "signedOut": _("Sessione scaduta: accedi di nuovo per inviare i check-in in attesa"),
        "noResults": _("Nessuna persona trovata"),
        "results": _("%(n)s persone trovate"),
        "checkInButton": _("Registra ingresso"),
        "checkedInBadge": _("Registrato alle %(time)s"),
        "delegate": _("Delegato"),
        "partner": _("Partner"),
        "cameraStarting": _("Avvio della fotocamera…"),
        "cameraOn": _("Inquadra il codice QR del badge"),
        "cameraError": _("Fotocamera non disponibile: usa la ricerca per nome"),
        "listLoaded": _("Elenco di %(n)s persone pronto anche senza rete"),
        "listOffline": _("Elenco dal telefono (%(n)s persone): nessuna rete"),
        "listMissing": _("Elenco non disponibile: apri la pagina con la rete almeno una volta"),
        "storageError": _(
            "Questo browser non può salvare i check-in offline: restate in linea per registrare"
        ),
    }
