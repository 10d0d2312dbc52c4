"""A server error under the project's real settings, in a process of its own.

`python -m tests.support.error_probe` loads club.settings from the environment it is given (so
SENTRY_DSN and ADMINS are read as in production), requests a view that raises, waits for Sentry
to send what it queued, and prints one JSON line: whether Sentry was initialised, the response's
status, and the emails sent (Django's test environment: the locmem backend). The request is a
sign-up-like POST (a password and an address in the body) and the view holds a one-time link in
a local variable: none of it may reach Sentry. No database is touched: the request is anonymous
and the 500 page renders without one.
"""

import json
import os

from django.urls import path


def boom(request):
    # A local variable that must not leave, built so the source lines Sentry sends do not hold it.
    activate_url = "https://club.example.it/conferma/" + "-".join(["probe", "secret", "link"])
    raise RuntimeError(f"error-probe: a bug in a view ({len(activate_url)})")


urlpatterns = [path("boom/", boom)]
handler500 = "pages.views.server_error"


def main() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "club.settings"
    import django

    django.setup()
    import sentry_sdk
    from django.core import mail
    from django.test import Client, override_settings
    from django.test.utils import setup_test_environment

    setup_test_environment()  # locmem email, "testserver" allowed
    with override_settings(ROOT_URLCONF=__name__, DEBUG=False):
        client = Client(raise_request_exception=False)
        client.cookies["probe"] = "probe-secret-cookie"  # personal data: must not leave
        response = client.post(
            "/boom/",
            {"password1": "probe-secret-password", "email": "probe-secret@example.it"},
            headers={"authorization": "Bearer probe-secret-token"},
        )
    sentry = sentry_sdk.get_client()
    active = sentry.is_active()
    if active:
        sentry.flush(timeout=10)
    print(
        json.dumps(
            {
                "sentry_active": active,
                "status": response.status_code,
                "request_id": response.get("X-Request-ID"),
                "mails": [{"to": m.to, "subject": m.subject} for m in mail.outbox],
            }
        )
    )


if __name__ == "__main__":
    main()
