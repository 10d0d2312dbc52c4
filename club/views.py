"""A view that fails on purpose, routed only when DEPLOY_CHECK_ERROR_URL is on (club/urls.py).

`make test-deploy` (tools/deploy_check.py) turns it on to see the portal's 500 page through the
production stack; production never sets the variable, so the URL does not exist there.
"""

from django.http import HttpRequest, HttpResponse


class DeliberateError(RuntimeError):
    """Raised by the deploy check's error URL."""


def deliberate_error(request: HttpRequest) -> HttpResponse:
    raise DeliberateError("deliberate error for the deploy check")
