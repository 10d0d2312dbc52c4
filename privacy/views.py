"""'I tuoi dati e la privacy': consents, export, data requests and account erasure."""

import json

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.http import AuthenticatedHttpRequest
from core.http import posted as _posted
from members import consents
from members.access import get_membership
from members.models import Consent, DataRequest, Membership
from privacy.erasure import erase_user, kept_records
from privacy.export import export_and_log
from privacy.forms import ConsentForm, DataRequestForm, EraseForm

EXPORT_FILENAME = "dati-club-esportatori.json"
_ERASED_SESSION_KEY = "privacy_erased"


@login_required
@require_GET
def privacy(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The person's data at a glance, with the buttons that act on it."""
    user = request.user
    membership = get_membership(user)
    context = {
        "consents": Consent.objects.filter(user=user).order_by("-created_at", "-pk")[:50],
        "data_requests": DataRequest.objects.filter(user=user).order_by("-created_at", "-pk"),
        "request_form": DataRequestForm(),
        "membership": membership,
        "last_owner": _is_last_owner(membership),
    }
    return render(request, "privacy/index.html", context)


@login_required
@require_POST
def consent_update(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ConsentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Richiesta non valida."))
        return redirect("privacy:index")
    granted = form.cleaned_data["granted"]
    consents.consent_set(user=request.user, kind=form.cleaned_data["kind"], granted=granted)
    if granted:
        messages.success(request, _("Consenso registrato."))
    else:
        messages.success(request, _("Consenso revocato."))
    return redirect("privacy:index")


@login_required
@require_GET
def export(request: AuthenticatedHttpRequest) -> HttpResponse:
    data = export_and_log(user=request.user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{EXPORT_FILENAME}"'
    response["Cache-Control"] = "no-store"  # personal data: no copies in shared caches
    return response


@login_required
@require_POST
def data_request_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = DataRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Descrivi la richiesta (al massimo 2000 caratteri)."))
        return redirect("privacy:index")
    try:
        consents.data_request_create(user=request.user, **form.cleaned_data)
    except consents.DuplicateDataRequest:
        messages.error(request, _("Hai già una richiesta di questo tipo in corso."))
    else:
        messages.success(
            request, _("Richiesta inviata: la Camera di Commercio risponderà entro 30 giorni.")
        )
    return redirect("privacy:index")


@login_required
@require_http_methods(["GET", "POST"])
def erase(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = EraseForm(_posted(request), user=request.user)
    if request.method == "POST":
        # The password check must not become a way to guess the password of an open session.
        if not ratelimit.consume(request, action="reauthenticate", user=request.user):
            form.add_error(None, _("Troppi tentativi: riprova fra qualche minuto."))
        elif form.is_valid():
            result = erase_user(user=request.user)
            logout(request)
            # A fresh anonymous session carries the summary to the goodbye page.
            request.session[_ERASED_SESSION_KEY] = {"firm": bool(result["firm"])}
            return redirect("privacy:erased")
    membership = get_membership(request.user)
    context = {
        "form": form,
        "membership": membership,
        "last_owner": _is_last_owner(membership),
        "kept": kept_records(),
    }
    return render(request, "privacy/erase.html", context)


@require_GET
def erased(request: HttpRequest) -> HttpResponse:
    summary = request.session.pop(_ERASED_SESSION_KEY, None)
    if summary is None:
        return redirect("home")
    return render(request, "privacy/erased.html", {"kept": kept_records(), "summary": summary})


def _is_last_owner(membership: Membership | None) -> bool:
    """True if leaving would hand the firm to a colleague (see members.privacy.leave_firm)."""
    if membership is None or not membership.is_owner:
        return False
    others = membership.firm.memberships.exclude(pk=membership.pk)
    return others.exists() and not others.filter(role=Membership.Role.OWNER).exists()
