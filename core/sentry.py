"""Error tracking with Sentry, on only when SENTRY_DSN is set (club/settings.py calls `init`).

Without a DSN sentry_sdk is never initialised, so nothing leaves the server. With one, unhandled
errors of requests (Django) and tasks (Celery) are sent without personal data: no user or
cookies (`send_default_pii=False`), no request bodies (`max_request_body_size="never"`) and no
local variables of the stack frames (`include_local_variables=False`). Performance traces only
if SENTRY_TRACES_SAMPLE_RATE is above 0.
"""

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration


def init(*, dsn: str, environment: str, traces_sample_rate: float, release: str | None) -> None:
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        # send_default_pii does not cover these two: the parsed POST body (passwords, codes,
        # addresses of allauth's forms) and the frames' local variables (one-time links).
        max_request_body_size="never",
        include_local_variables=False,
        traces_sample_rate=traces_sample_rate,
    )
