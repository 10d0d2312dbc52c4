"""Liveness and readiness for probes, load balancers and monitoring (README "Health").

Public (no login, no personal data), exempt from the HTTPS redirect (settings
SECURE_REDIRECT_EXEMPT: probes call the plain-HTTP port), outside the staff areas of the
two-factor middleware, and not rate limited.
"""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from health import checks


@never_cache
@require_safe
def live(request: HttpRequest) -> JsonResponse:
    """The process answers: nothing else is touched (no database, no Redis)."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def ready(request: HttpRequest) -> JsonResponse:
    """Every part the portal needs answers: 200, or 503 with the names of the failed checks."""
    results = {name: checks.run(name, check) for name, check in checks.READY.items()}
    failed = [name for name, entry in results.items() if not entry["ok"]]
    body = {"status": "fail" if failed else "ok", "checks": results, "failed": failed}
    return JsonResponse(body, status=503 if failed else 200)
