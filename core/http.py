"""Small HTTP helpers shared by the apps' views."""

from typing import TYPE_CHECKING

from django.http import HttpRequest, QueryDict

if TYPE_CHECKING:
    # django-stubs' alias for settings.AUTH_USER_MODEL (its mypy plugin expands it to
    # members.User): core names the user model without importing an app above it.
    from django.contrib.auth.models import _User


class AuthenticatedHttpRequest(HttpRequest):
    """The request of a view that only a logged-in user reaches (`@login_required`,
    `@staff_member_required`): `request.user` is a User, never AnonymousUser.

    Only an annotation: Django still builds a plain HttpRequest. It lets mypy check that views
    pass a real User to services that expect one.
    """

    user: "_User"


def posted(request: HttpRequest) -> QueryDict | None:
    """Form data to bind: the POST body on POST (even when empty), None on GET.

    `request.POST or None` leaves a form unbound on an empty POST, so it would show no errors.
    """
    return request.POST if request.method == "POST" else None
