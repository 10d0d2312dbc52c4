"""Rendering of notification emails: multipart, in the recipient's language, stable Message-ID."""

import email.policy
import email.utils
import hashlib
import json
import re

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

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
    return _compose(
        notification,
        name=recipient.first_name or recipient.email,
        to=recipient.email,
        token=unsubscribe_token(user_id=recipient.pk, kind=notification.kind),
        message_id=message_id(notification.key),
    )


def _compose(
    notification: Notification,
    *,
    name: str,
    to: str,
    token: str,
    message_id: str,
    date: str | None = None,
) -> "PortalEmail":
    """The notification's email with the recipient's name, address, unsubscribe token and
    Message-ID as given (the real ones, or NotificationEmails' placeholders)."""
    unsubscribe_url = settings.SITE_URL + reverse("notifications:unsubscribe", args=[token])
    with translation.override(notification.recipient.language or settings.LANGUAGE_CODE):
        context = {
            "name": name,
            "title": notification.title(),
            "body": notification.body(),
            "url": settings.SITE_URL + notification.url if notification.url else settings.SITE_URL,
            "preferences_url": settings.SITE_URL + reverse("notifications:preferences"),
            "unsubscribe_url": unsubscribe_url,
        }
        subject = one_line(context["title"])
        text = render_to_string("notifications/email/notification.txt", context)
        html = render_to_string("notifications/email/notification.html", context)
    return _message(subject, text, html, to, message_id, unsubscribe_url, date=date)


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
    return _message(subject, text, html, user.email, message_id(key), None)


class PortalEmail(EmailMultiAlternatives):
    """Headers fold at RFC 5322's 998 characters, not 78.

    With the SMTP policy's 78, a List-Unsubscribe URL (one long word) would be sent as an
    RFC 2047 encoded word, which mail clients do not accept for that header.
    """

    def message(self, *, policy=email.policy.default):
        return super().message(policy=policy.clone(max_line_length=998))


def _message(subject, text, html, to, message_id, unsubscribe_url, *, date=None) -> "PortalEmail":
    headers = {"Message-ID": message_id, "Auto-Submitted": "auto-generated"}
    if date is not None:
        headers["Date"] = date
    if unsubscribe_url:
        # RFC 8058 one-click unsubscribe: mail clients POST to this URL.
        headers["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = PortalEmail(subject=subject, body=text, to=[to], headers=headers)
    message.attach_alternative(html, "text/html")
    return message


# --- Many notifications of one event -------------------------------------------------------------
# Placeholders of the per-recipient values in a prototype email. The name's has a non-ASCII
# character, so both parts are encoded 8bit (their bytes are the text itself) and a recipient's
# name, whatever its letters, can be put in without re-encoding.
_NAME = "\u27e6club-recipient-name\u27e7"
_TO = "club-recipient-address@placeholder.invalid"
_TOKEN = "clubUnsubscribeTokenPlaceholder"  # noqa: S105 - a placeholder, not a secret
_MESSAGE_ID = "<club-message-id-placeholder@placeholder.invalid>"
# Addresses written in the To header exactly as given (a dot-atom of RFC 5322's atext in ASCII):
# any other address (quoted, international) is built the slow way.
_PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@[A-Za-z0-9.-]{1,190}")
_MAX_LINE = 998  # RFC 5322's limit, which PortalEmail's policy keeps (8bit lines included)
_SLOTS = re.compile(b"|".join(re.escape(p.encode()) for p in (_NAME, _TO, _TOKEN, _MESSAGE_ID)))
_HTML_PART = b"Content-Type: text/html"


class PreparedEmail(PortalEmail):
    """An email whose SMTP bytes are already made (core.mail.SMTPBackend sends them as they are).

    Its subject, bodies and headers are the same email's, for every other backend and for tests;
    tests/notifications/test_prepared_emails.py checks that the bytes are exactly what Django
    would make of them."""

    prepared_bytes: bytes


class _Prototype:
    """One notification's email rendered with placeholders, and its SMTP bytes cut at them."""

    def __init__(self, notification: Notification, date: str) -> None:
        message = _compose(
            notification, name=_NAME, to=_TO, token=_TOKEN, message_id=_MESSAGE_ID, date=date
        )
        self.subject = message.subject
        self.text = message.body
        self.html = str(message.alternatives[0][0])
        self.headers = dict(message.extra_headers)
        data = message.message(policy=email.policy.SMTP).as_bytes()
        html_at = data.find(_HTML_PART)
        # (literal bytes before the slot, the slot, whether it lies in the HTML part)
        self.slots: list[tuple[bytes, bytes, bool]] = []
        at = 0
        for match in _SLOTS.finditer(data):
            self.slots.append((data[at : match.start()], match[0], match.start() > html_at))
            at = match.end()
        self.tail = data[at:]
        boundary = re.search(rb'boundary="([^"]+)"', data)
        self.boundary = boundary[1].decode() if boundary else ""
        found = [slot for _literal, slot, _html in self.slots]
        # Usable only if every placeholder came through as written: none folded, quoted or
        # encoded (a body too wide for 8bit would be quoted-printable or base64).
        self.usable = (
            html_at > 0
            and bool(self.boundary)
            and found.count(_NAME.encode()) == self.text.count(_NAME) + self.html.count(_NAME)
            and found.count(_TOKEN.encode())
            == self.text.count(_TOKEN) + self.html.count(_TOKEN) + 1
            and found.count(_TO.encode()) == 1
            and found.count(_MESSAGE_ID.encode()) == 1
        )


class NotificationEmails:
    """Builds the emails of many notifications, rendering each distinct content once.

    The rows of one event differ only by recipient: their name, address, unsubscribe link and
    Message-ID. Each distinct (kind, language, context, link) is rendered once with placeholders
    and serialised once; each recipient's email is that prototype with their values put in, text
    and bytes alike. A recipient whose values could not be put in as plain text (a name with line
    breaks, an address that needs quoting) gets an email built the usual way.
    """

    def __init__(self) -> None:
        self._prototypes: dict[tuple, _Prototype] = {}
        self._date = email.utils.format_datetime(timezone.now())

    def build(self, notification: Notification) -> EmailMultiAlternatives:
        recipient = notification.recipient
        name = recipient.first_name or recipient.email
        if _LINE_BREAKS.search(name) or not _PLAIN_ADDRESS.fullmatch(recipient.email):
            return build_notification_email(notification)
        prototype = self._prototype(notification)
        if not prototype.usable or prototype.boundary in name:
            return build_notification_email(notification)
        token = unsubscribe_token(user_id=recipient.pk, kind=notification.kind)
        mid = message_id(notification.key)
        values = {
            _NAME.encode(): name.encode(),
            _TO.encode(): recipient.email.encode(),
            _TOKEN.encode(): token.encode(),
            _MESSAGE_ID.encode(): mid.encode(),
        }
        escaped_name = escape(name).encode()
        parts = []
        for literal, slot, in_html in prototype.slots:
            parts.append(literal)
            parts.append(escaped_name if in_html and slot == _NAME.encode() else values[slot])
        parts.append(prototype.tail)
        data = b"".join(parts)
        if max(map(len, data.split(b"\r\n"))) > _MAX_LINE:
            # Django would have encoded that part (quoted-printable): build it that way.
            return build_notification_email(notification)
        headers = {
            key: value.replace(_TOKEN, token).replace(_MESSAGE_ID, mid)
            for key, value in prototype.headers.items()
        }
        message = PreparedEmail(
            subject=prototype.subject,
            body=prototype.text.replace(_NAME, name).replace(_TOKEN, token),
            to=[recipient.email],
            headers=headers,
        )
        message.attach_alternative(
            prototype.html.replace(_NAME, escape(name)).replace(_TOKEN, token), "text/html"
        )
        message.prepared_bytes = data
        return message

    def _prototype(self, notification: Notification) -> _Prototype:
        key = (
            notification.kind,
            notification.recipient.language or settings.LANGUAGE_CODE,
            json.dumps(notification.context, sort_keys=True, default=str),
            notification.url,
        )
        prototype = self._prototypes.get(key)
        if prototype is None:
            prototype = self._prototypes[key] = _Prototype(notification, self._date)
        return prototype
