from pathlib import PurePath

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core import uploads
from core.confirm import confirmation_page, confirmed
from core.fragment_cache import render_cards
from core.http import AuthenticatedHttpRequest
from core.http import posted as _posted
from members import selectors, services
from members.access import approved_member_required, get_membership, get_owned_membership
from members.forms import (
    FirmForm,
    FirmLogoForm,
    FirmSearchForm,
    InvitationActionForm,
    InvitationForm,
    JoinDecisionForm,
    JoinRequestForm,
    MembershipActionForm,
    RoleForm,
)
from members.models import Firm, FirmChangeRequest, Invitation, JoinRequest, Membership

DIRECTORY_PAGE_SIZE = 20


def _get_firm_for_user(request: AuthenticatedHttpRequest, firm_id: int) -> Firm:
    try:
        return selectors.firm_for_member(user=request.user, firm_id=firm_id)
    except Firm.DoesNotExist:
        raise Http404 from None


def _get_firm_logo_for_user(request: AuthenticatedHttpRequest, firm_id: int) -> Firm:
    try:
        return selectors.firm_logo_for_member(user=request.user, firm_id=firm_id)
    except Firm.DoesNotExist:
        raise Http404 from None


# A partner contact or a co-organiser's member never belongs to a firm
# (services.check_may_belong_to_firm): they are sent to their own area (partners' URLs, by name).
_OWN_AREAS = {
    "partner_contact": "partners:home",
    "co_organiser_member": "partners:co_home",
}


def _to_own_area(request: HttpRequest, exc: "services.NotForFirms") -> HttpResponse:
    if exc.kind == "partner_contact":
        text = _(
            "Come referente di un partner non puoi registrare un'impresa, chiedere di entrarvi "
            "o accettare un invito nel suo team: trovi qui la tua area."
        )
    else:
        text = _(
            "Come membro di un co-organizzatore non puoi registrare un'impresa, chiedere di "
            "entrarvi o accettare un invito nel suo team: trovi qui la tua area."
        )
    messages.error(request, text)
    return redirect(_OWN_AREAS[exc.kind])


@login_required
@require_http_methods(["GET", "POST"])
def firm_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    try:
        services.check_may_belong_to_firm(request.user)
    except services.NotForFirms as exc:
        return _to_own_area(request, exc)
    if get_membership(request.user):
        messages.info(request, _("Fai già parte di un'impresa."))
        return redirect("my_firm")
    form = FirmForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.firm_create(user=request.user, data=form.cleaned_data)
        except services.NotForFirms as exc:
            return _to_own_area(request, exc)
        except services.DuplicateVatNumber:
            form.add_error("vat_number", _("Un'impresa con questa partita IVA è già iscritta."))
        except services.AlreadyInFirm:
            form.add_error(None, _("Fai già parte di un'impresa."))
        else:
            messages.success(
                request, _("Impresa registrata. La Camera di Commercio la approverà a breve.")
            )
            return redirect("my_firm")
    return render(request, "members/firm_form.html", {"form": form, "creating": True})


def _firm_edit_page(request: HttpRequest, firm: Firm, form=None, logo_form=None) -> HttpResponse:
    """The owner's edit page: the profile form, and the logo's own form beside it."""
    context = {
        "form": form if form is not None else FirmForm(instance=firm),
        "logo_form": logo_form if logo_form is not None else FirmLogoForm(),
        "firm": firm,
        "creating": False,
        "pending_change": firm.change_requests.filter(status=FirmChangeRequest.Status.PENDING)
        .select_related("sector")
        .first(),
    }
    return render(request, "members/firm_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def firm_edit(request: AuthenticatedHttpRequest) -> HttpResponse:
    membership = get_owned_membership(request)
    form = FirmForm(_posted(request), instance=membership.firm)
    if request.method == "POST" and form.is_valid():
        result = services.firm_update(
            firm_id=membership.firm_id, data=form.cleaned_data, by=request.user
        )
        if result.saved or not result.change_request:
            messages.success(request, _("Profilo dell'impresa aggiornato."))
        if result.change_request:
            messages.info(
                request,
                _(
                    "La modifica di ragione sociale, partita IVA o settore è stata inviata alla "
                    "Camera di Commercio: si applicherà quando sarà approvata."
                ),
            )
        return redirect("my_firm")
    return _firm_edit_page(request, membership.firm, form=form)


@login_required
@require_POST
def firm_logo_upload(request: HttpRequest) -> HttpResponse:
    """Upload or replace the logo (owners). A rejected file comes back as the field's error."""
    membership = get_owned_membership(request)
    form = FirmLogoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.firm_logo_set(firm_id=membership.firm_id, upload=form.cleaned_data["logo"])
        except uploads.UploadRejected as exc:
            form.add_error("logo", str(exc))
        else:
            messages.success(request, _("Logo aggiornato."))
            return redirect("members:firm_edit")
    return _firm_edit_page(request, membership.firm, logo_form=form)


@login_required
@require_POST
def firm_logo_remove(request: HttpRequest) -> HttpResponse:
    membership = get_owned_membership(request)
    if services.firm_logo_remove(firm_id=membership.firm_id):
        messages.success(request, _("Logo rimosso."))
    return redirect("members:firm_edit")


@login_required
@require_http_methods(["GET", "POST"])
def firm_join(request: AuthenticatedHttpRequest) -> HttpResponse:
    try:
        services.check_may_belong_to_firm(request.user)
    except services.NotForFirms as exc:
        return _to_own_area(request, exc)
    if get_membership(request.user):
        messages.info(request, _("Fai già parte di un'impresa."))
        return redirect("my_firm")
    search = FirmSearchForm(request.GET or None)
    results = selectors.firm_search(text=search.cleaned_data["q"]) if search.is_valid() else []
    form = JoinRequestForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.join_request_create(
                user=request.user,
                firm=form.cleaned_data["firm"],
                message=form.cleaned_data["message"],
            )
        except services.NotForFirms as exc:
            return _to_own_area(request, exc)
        except services.MembershipError:
            messages.error(
                request, _("Hai già una richiesta in attesa o fai già parte di un'impresa.")
            )
        else:
            messages.success(request, _("Richiesta inviata al referente dell'impresa."))
        return redirect("my_firm")
    return render(request, "members/firm_join.html", {"search": search, "results": results})


@login_required
def invitation_accept(request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
    try:
        services.check_may_belong_to_firm(request.user)
    except services.NotForFirms as exc:
        return _to_own_area(request, exc)
    if request.method == "POST":
        try:
            services.invitation_accept(token=token, user=request.user)
        except services.NotForFirms as exc:
            return _to_own_area(request, exc)
        except services.AlreadyInFirm:
            messages.error(request, _("Fai già parte di un'impresa."))
        except services.InvitationInvalid:
            messages.error(
                request,
                _("Invito non valido, scaduto, revocato, già usato o destinato a un'altra email."),
            )
        else:
            messages.success(request, _("Benvenuto nella tua impresa."))
        return redirect("my_firm")
    try:
        invitation = selectors.invitation_for_user(token=token, user=request.user)
    except Invitation.DoesNotExist:
        raise Http404 from None
    return render(request, "members/invitation_accept.html", {"invitation": invitation})


@login_required
def team(request: HttpRequest) -> HttpResponse:
    """The owner's page: colleagues and roles, invitations, requests to join."""
    membership = get_owned_membership(request)
    firm = membership.firm
    context = {
        "firm": firm,
        "memberships": firm.memberships.select_related("user").order_by("-role", "user__email"),
        "invitations": selectors.open_invitations(firm=firm),
        "join_requests": firm.join_requests.filter(
            status=JoinRequest.Status.PENDING
        ).select_related("user"),
        "invite_form": InvitationForm(),
        "roles": Membership.Role.choices,
    }
    return render(request, "members/team.html", context)


@login_required
@require_POST
def team_invite(request: AuthenticatedHttpRequest) -> HttpResponse:
    membership = get_owned_membership(request)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            services.invitation_create(
                firm=membership.firm, invited_by=request.user, **form.cleaned_data
            )
        except services.AlreadyInFirm:
            messages.error(request, _("Questa persona fa già parte dell'impresa."))
        except services.InvitationNotAllowed:
            messages.error(
                request, _("Solo i referenti di un'impresa approvata possono invitare colleghi.")
            )
        except services.TooManyInvitations:
            messages.error(
                request,
                _("Si possono inviare al massimo %(max)d inviti al giorno: riprova domani.")
                % {"max": settings.INVITATIONS_PER_FIRM_PER_DAY},
            )
        else:
            messages.success(request, _("Invito inviato a %(email)s.") % form.cleaned_data)
    else:
        messages.error(request, _("Indica un indirizzo email valido."))
    return redirect("members:team")


@login_required
@require_POST
def team_revoke(request: AuthenticatedHttpRequest) -> HttpResponse:
    membership = get_owned_membership(request)
    form = InvitationActionForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        invitation = services.invitation_revoke(
            firm=membership.firm, invitation_id=form.cleaned_data["invitation"]
        )
    except Invitation.DoesNotExist:
        raise Http404 from None
    messages.success(request, _("Invito revocato: %(email)s.") % {"email": invitation.email})
    return redirect("members:team")


@login_required
@require_POST
def team_set_role(request: AuthenticatedHttpRequest) -> HttpResponse:
    membership = get_owned_membership(request)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Ruolo non valido."))
        return redirect("members:team")
    try:
        services.membership_set_role(
            firm=membership.firm,
            membership_id=form.cleaned_data["membership"],
            role=form.cleaned_data["role"],
            by=request.user,
        )
    except Membership.DoesNotExist:
        raise Http404 from None
    except services.NotOwner:
        raise PermissionDenied from None
    except services.LastOwner:
        messages.error(request, _("L'impresa deve avere almeno un referente."))
    else:
        messages.success(request, _("Ruolo aggiornato."))
    return redirect("members:team")


@login_required
@require_POST
def team_remove(request: AuthenticatedHttpRequest) -> HttpResponse:
    membership = get_owned_membership(request)
    form = MembershipActionForm(request.POST)
    if not form.is_valid():
        raise Http404
    if not confirmed(request):
        colleague = get_object_or_404(
            membership.firm.memberships.select_related("user"), pk=form.cleaned_data["membership"]
        )
        return confirmation_page(
            request,
            title=_("Rimuovere %(person)s dall'impresa?") % {"person": colleague.user},
            message=_(
                "Non potrà più agire per l'impresa; per tornare dovrà essere invitato di nuovo."
            ),
            button=_("Sì, rimuovi dall'impresa"),
            cancel_url=reverse("members:team"),
            fields=[("membership", colleague.pk)],
        )
    try:
        services.membership_remove(
            firm=membership.firm, membership_id=form.cleaned_data["membership"], by=request.user
        )
    except Membership.DoesNotExist:
        raise Http404 from None
    except services.NotOwner:
        raise PermissionDenied from None
    except services.LastOwner:
        messages.error(request, _("L'impresa deve avere almeno un referente."))
    else:
        messages.success(request, _("Persona rimossa dall'impresa."))
    return redirect("members:team")


@login_required
@require_POST
def team_decide(request: AuthenticatedHttpRequest) -> HttpResponse:
    membership = get_owned_membership(request)
    form = JoinDecisionForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        services.join_request_decide(
            firm=membership.firm,
            join_request_id=form.cleaned_data["join_request"],
            accept=form.cleaned_data["accept"],
            by=request.user,
        )
    except JoinRequest.DoesNotExist:
        raise Http404 from None
    except services.NotOwner:
        raise PermissionDenied from None
    except services.AlreadyInFirm:
        messages.error(request, _("La persona fa già parte di un'altra impresa."))
    except services.NotForFirms as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Richiesta gestita."))
    return redirect("members:team")


@approved_member_required
def directory(request: AuthenticatedHttpRequest) -> HttpResponse:
    firm_filter = selectors.firm_directory(params=request.GET)
    page = Paginator(firm_filter.qs, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    cards = render_cards(
        list(page.object_list),
        template_name="members/_directory_card.html",
        name="firm",
        state=_directory_card_state,
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "members/directory.html",
        {"filter": firm_filter, "page": page, "cards": cards, "query": query.urlencode()},
    )


def _directory_card_state(firm: Firm) -> tuple[object, ...]:
    # Everything the card shows that can change (the sector's name is reference data, in the
    # key already; the products are in the reader's language, as is the key).
    return (
        firm.name,
        firm.logo.name,
        firm.logo_width,
        firm.logo_height,
        firm.is_mentor,
        firm.export_share,
        firm.sector_id,
        firm.comune,
        firm.employees,
        firm.products,
    )


@approved_member_required
def firm_detail(request: AuthenticatedHttpRequest, firm_id: int) -> HttpResponse:
    firm = _get_firm_for_user(request, firm_id)
    return render(request, "members/firm_detail.html", {"firm": firm})


@approved_member_required
@require_safe
def firm_logo(request: AuthenticatedHttpRequest, firm_id: int) -> HttpResponseBase:
    """The logo, to whoever may see the firm's page (same decorator, same rule)."""
    firm = _get_firm_logo_for_user(request, firm_id)
    # The stored name is new for every logo, so it is a strong validator of the bytes.
    etag = f'"{PurePath(firm.logo.name or "").stem}"'
    response: HttpResponseBase | None = get_conditional_response(request, etag=etag)
    if response is None:
        try:
            response = FileResponse(firm.logo.open("rb"), content_type="image/png")
        except FileNotFoundError:
            raise Http404 from None
    response["ETag"] = etag
    # Private: who may see it depends on the session. Pages link ?v=<name>, so an hour is safe.
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
