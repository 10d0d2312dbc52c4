from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from core.fragment_cache import render_cards
from core.http import AuthenticatedHttpRequest
from core.http import posted as _posted
from notifications import emails, registry, selectors, services
from notifications.forms import InboxFilterForm, PreferencesForm
from notifications.models import Notification

INBOX_PAGE_SIZE = 20


@login_required
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    # A GET filter: a group that is not one (an old link, a hand-edited URL) shows everything,
    # and the template says so.
    form = InboxFilterForm(
        request.GET if "group" in request.GET else None, groups=registry.groups_for(request.user)
    )
    notifications = selectors.inbox(user=request.user, kinds=form.kinds())
    page = Paginator(notifications, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    # Cached cards: a notification's key is its own (only its recipient reads it) and holds
    # what can change, its being read above all.
    cards = render_cards(
        list(page.object_list),
        template_name="notifications/_notification.html",
        name="n",
        state=lambda n: (n.title, n.body, n.created_at, n.read_at is None, n.url),
        csrf_token=get_token(request),
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "notifications/inbox.html",
        {
            "page": page,
            "cards": cards,
            "form": form,
            "query": query.urlencode() if form.kinds() else "",
        },
    )


@login_required
@require_POST
def mark_read(request: AuthenticatedHttpRequest, notification_id: int) -> HttpResponse:
    try:
        notification = services.mark_read(user=request.user, notification_id=notification_id)
    except Notification.DoesNotExist:
        raise Http404 from None
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return redirect(target)
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_all_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    count = services.mark_all_read(user=request.user)
    messages.success(
        request,
        ngettext(
            "%(count)d notifica segnata come letta.",
            "%(count)d notifiche segnate come lette.",
            count,
        )
        % {"count": count},
    )
    return redirect("notifications:inbox")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    current = selectors.email_modes(user=request.user)
    # Only the kinds that can reach this person: a partner's contact chooses for the meetings
    # with the firms, a firm user never sees the partners' kinds (registry.groups_for).
    form = PreferencesForm(
        _posted(request),
        current=current,
        kinds=registry.kinds_for(request.user),
        initial={"language": request.user.language},
    )
    if request.method == "POST" and form.is_valid():
        services.preferences_set(
            user=request.user, modes=form.modes(), language=form.cleaned_data["language"]
        )
        messages.success(request, _("Preferenze salvate."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


# No login and no CSRF token: the signed token in the URL is the credential, and mail clients
# send RFC 8058 one-click POSTs without cookies. GET only shows a confirmation button.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user_id, kind = emails.read_unsubscribe_token(token)
        kind_def = registry.get_kind(kind)
    except (signing.BadSignature, KeyError, ValueError):  # UnknownKind is a KeyError
        raise Http404 from None
    done = False
    if request.method == "POST":
        try:
            services.unsubscribe(token=token)
        except get_user_model().DoesNotExist:
            raise Http404 from None
        done = True
    return render(
        request, "notifications/unsubscribe.html", {"kind": kind_def, "done": done, "uid": user_id}
    )
