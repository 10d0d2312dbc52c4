"""Rendering of notification emails: multipart, in the recipient's language, stable Message-ID."""

import email.policy
import hashlib
import re

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from notifications.models import Notification

UNSUBSCRIBE_SALT = "notifications.unsubscribe"


def unsubscribe_token(*, user_id: int, kind: str) -> str:
    return signing.dumps({"u": user_id, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """Raises signing.BadSignature for a forged or damaged token."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    return int(data["u"]), str(data["k"])


# Line and paragraph separators that no header may carry: a firm name, post title or person name
# pasted with one of them would otherwise make every email built from it unsendable.
_LINE_BREAKS = re.compile("[\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029]+")


def one_line(text: object) -> str:
    """`text` fit for an email header (a subject): each run of line breaks becomes one space."""
    return _LINE_BREAKS.sub(" ", str(text)).strip()


def _domain() -> str:
    return settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"


def message_id(key: str) -> str:
    """Deterministic: a resend after a crash has the same Message-ID; mailboxes collapse it."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"<{digest}@{_domain()}>"


def build_notification_email(notification: Notification) -> EmailMultiAlternatives:
    recipient = notification.recipient
    token = unsubscribe_token(user_id=recipient.pk, kind=notification.kind)
    unsubscribe_url = settings.SITE_URL + reverse("notifications:unsubscribe", args=[token])
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        context = {
            "recipient": recipient,
            "title": notification.title(),
            "body": notification.body(),
            "url": settings.SITE_URL + notification.url if notification.url else settings.SITE_URL,
            "preferences_url": settings.SITE_URL + reverse("notifications:preferences"),
            "unsubscribe_url": unsubscribe_url,
        }
        subject = one_line(context["title"])
        text = render_to_string("notifications/email/notification.txt", context)
        html = render_to_string("notifications/email/notification.html", context)
    return _message(subject, text, html, recipient.email, notification.key, unsubscribe_url)


def build_digest_email(user, notifications: list[Notification]) -> EmailMultiAlternatives:
    day = notifications[-1].created_at.date().isoformat()
    with translation.override(user.language or settings.LANGUAGE_CODE):
        items = [
            {
                "title": n.title(),
                "body": n.body(),
                "url": settings.SITE_URL + n.url if n.url else settings.SITE_URL,
            }
            for n in notifications
        ]
        context = {
            "recipient": user,
            "items": items,
            "preferences_url": settings.SITE_URL + reverse("notifications:preferences"),
        }
        subject = one_line(render_to_string("notifications/email/digest_subject.txt", context))
        text = render_to_string("notifications/email/digest.txt", context)
        html = render_to_string("notifications/email/digest.html", context)
    key = f"digest:{user.pk}:{day}:{notifications[0].pk}:{notifications[-1].pk}"
    return _message(subject, text, html, user.email, key, None)


class PortalEmail(EmailMultiAlternatives):
    """Headers fold at RFC 5322's 998 characters, not 78.

    With the SMTP policy's 78, a List-Unsubscribe URL (one long word) would be sent as an
    RFC 2047 encoded word, which mail clients do not accept for that header.
    """

    def message(self, *, policy=email.policy.default):
        return super().message(policy=policy.clone(max_line_length=998))


def _message(subject, text, html, to, key, unsubscribe_url) -> EmailMultiAlternatives:
    headers = {"Message-ID": message_id(key), "Auto-Submitted": "auto-generated"}
    if unsubscribe_url:
        # RFC 8058 one-click unsubscribe: mail clients POST to this URL.
        headers["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = PortalEmail(subject=subject, body=text, to=[to], headers=headers)
    message.attach_alternative(html, "text/html")
    return message
