"""allauth's account adapter: its emails (address verification, password reset, codes, "an
account already exists", the MFA notices) are rendered in the request, in the recipient's
language, branded and multipart, then handed to the notifications outbox: a Celery worker sends
them, no request talks to SMTP, and a broker outage loses none (the sweeper sends it later).
"""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

from members.models import User
from notifications import services as notifications_services


def supported_language(code: str | None) -> str:
    """`code` if the portal speaks it (a region variant counts, de-ch is de), else Italian."""
    codes = {language for language, _name in settings.LANGUAGES}
    base = (code or "").split("-")[0].lower()
    return base if base in codes else settings.LANGUAGE_CODE


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        # The language a person signs up in is the language of their emails until they choose
        # another in the notification preferences; the verification email is the first one.
        user.language = supported_language(translation.get_language())
        return super().save_user(request, user, form, commit)

    def recipient_language(self, email: str, context: dict[str, Any]) -> str:
        """The language the person chose (notification preferences) if the address is an
        account's, else the language of the request that triggered the email."""
        user = context.get("user")
        if not isinstance(user, User) or user.pk is None:
            user = User.objects.filter(email__iexact=email).only("language").first()
        if user is not None:
            return supported_language(user.language)
        return supported_language(translation.get_language())

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        request = allauth_context.request
        language = self.recipient_language(email, context)
        with translation.override(language):
            ctx = {
                "request": request,
                "email": email,
                "site_url": settings.SITE_URL,
                **({"current_site": get_current_site(request)} if request is not None else {}),
                **context,
            }
            message = self.render_mail(
                template_prefix, email, ctx, headers={"Content-Language": language}
            )
        notifications_services.email_queue(message=message)

    def render_mail(self, template_prefix, email, context, headers=None) -> EmailMessage:
        """allauth's message, plus the portal's HTML layout around the text for the emails
        that have no HTML template of their own (so every one of them is multipart)."""
        message = super().render_mail(template_prefix, email, context, headers=headers)
        alternatives = getattr(message, "alternatives", None)
        if alternatives is not None and not any(m == "text/html" for _c, m in alternatives):
            html = render_to_string(
                "account/email/base_message.html",
                {**context, "subject": message.subject, "text_body": message.body},
                allauth_context.request,
            )
            message.attach_alternative(html, "text/html")
        return message
