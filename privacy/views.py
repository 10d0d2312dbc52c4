"""'I tuoi dati e la privacy': consents, export, data requests and account erasure.

The forms live here, next to their only views, because they belong to this page alone.
"""

import json

from allauth.core import ratelimit
from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.http import posted as _posted
from members.access import get_membership
from members.models import Consent, DataRequest, Membership, User
from privacy import gdpr

EXPORT_FILENAME = "dati-club-esportatori.json"
_ERASED_SESSION_KEY = "privacy_erased"


class ConsentForm(forms.Form):
    # Only the optional consents: the terms are withdrawn by erasing the account.
    kind = forms.ChoiceField(
        choices=[
            (Consent.Kind.DIRECTORY, Consent.Kind.DIRECTORY.label),
            (Consent.Kind.NEWSLETTER, Consent.Kind.NEWSLETTER.label),
        ]
    )
    granted = forms.TypedChoiceField(choices=[("1", "1"), ("0", "0")], coerce=lambda v: v == "1")


class DataRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Che cosa chiedi"),
        choices=DataRequest.Kind.choices,
        initial=DataRequest.Kind.RECTIFICATION,
    )
    note = forms.CharField(
        label=gettext_lazy("Descrivi la richiesta"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Ad esempio: quali dati sono sbagliati e come vanno corretti."),
    )


class EraseForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("Scrivi il tuo indirizzo email per confermare"),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    password = forms.CharField(
        label=gettext_lazy("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if email.lower() != self.user.email.lower():
            raise forms.ValidationError(_("L'indirizzo non corrisponde a quello del tuo account."))
        return email

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("La password non è corretta."))
        return password


@login_required
@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
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
    return render(request, "members/privacy/index.html", context)


@login_required
@require_POST
def consent_update(request: HttpRequest) -> HttpResponse:
    form = ConsentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Richiesta non valida."))
        return redirect("privacy:index")
    granted = form.cleaned_data["granted"]
    gdpr.consent_set(user=request.user, kind=form.cleaned_data["kind"], granted=granted)
    if granted:
        messages.success(request, _("Consenso registrato."))
    else:
        messages.success(request, _("Consenso revocato."))
    return redirect("privacy:index")


@login_required
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    data = gdpr.export_and_log(user=request.user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{EXPORT_FILENAME}"'
    response["Cache-Control"] = "no-store"  # personal data: no copies in shared caches
    return response


@login_required
@require_POST
def data_request_create(request: HttpRequest) -> HttpResponse:
    form = DataRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Descrivi la richiesta (al massimo 2000 caratteri)."))
        return redirect("privacy:index")
    try:
        gdpr.data_request_create(user=request.user, **form.cleaned_data)
    except gdpr.DuplicateDataRequest:
        messages.error(request, _("Hai già una richiesta di questo tipo in corso."))
    else:
        messages.success(
            request, _("Richiesta inviata: la Camera di Commercio risponderà entro 30 giorni.")
        )
    return redirect("privacy:index")


@login_required
@require_http_methods(["GET", "POST"])
def erase(request: HttpRequest) -> HttpResponse:
    form = EraseForm(_posted(request), user=request.user)
    if request.method == "POST":
        # The password check must not become a way to guess the password of an open session.
        if not ratelimit.consume(request, action="reauthenticate", user=request.user):
            form.add_error(None, _("Troppi tentativi: riprova fra qualche minuto."))
        elif form.is_valid():
            result = gdpr.erase_user(user=request.user)
            logout(request)
            # A fresh anonymous session carries the summary to the goodbye page.
            request.session[_ERASED_SESSION_KEY] = {"firm": bool(result["firm"])}
            return redirect("privacy:erased")
    membership = get_membership(request.user)
    context = {
        "form": form,
        "membership": membership,
        "last_owner": _is_last_owner(membership),
        "kept": gdpr.KEPT_RECORDS,
    }
    return render(request, "members/privacy/erase.html", context)


@require_GET
def erased(request: HttpRequest) -> HttpResponse:
    summary = request.session.pop(_ERASED_SESSION_KEY, None)
    if summary is None:
        return redirect("home")
    return render(
        request, "members/privacy/erased.html", {"kept": gdpr.KEPT_RECORDS, "summary": summary}
    )


def _is_last_owner(membership: Membership | None) -> bool:
    """True if leaving would hand the firm to a colleague (see gdpr._leave_firm)."""
    if membership is None or not membership.is_owner:
        return False
    others = membership.firm.memberships.exclude(pk=membership.pk)
    return others.exists() and not others.filter(role=Membership.Role.OWNER).exists()
