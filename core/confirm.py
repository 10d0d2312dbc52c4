"""The confirmation step of destructive actions (withdrawing, deleting, removing).

The action's button posts as before; without `confirm=yes` the view answers with a page that
says what will be lost and posts again with it. No JavaScript, so it works under the CSP (no
inline script) and without scripts at all.
"""

from collections.abc import Iterable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

CONFIRM_FIELD = "confirm"


def confirmed(request: HttpRequest) -> bool:
    """True when the person confirmed on the confirmation page."""
    return request.method == "POST" and request.POST.get(CONFIRM_FIELD) == "yes"


def confirmation_page(
    request: HttpRequest,
    *,
    title: str,
    message: str,
    button: str,
    cancel_url: str,
    fields: Iterable[tuple[str, object]] = (),
) -> HttpResponse:
    """The page that asks first; its form posts back to the same URL with `fields`."""
    context = {
        "title": title,
        "message": message,
        "button": button,
        "cancel_url": cancel_url,
        "action": request.path,
        "fields": list(fields),
    }
    return render(request, "confirm.html", context)
