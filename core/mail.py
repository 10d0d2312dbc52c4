"""The portal's SMTP backend: Django's, sending ready-made bytes when an email carries them."""

import smtplib

from django.core.mail import EmailMessage
from django.core.mail.backends import smtp


class SMTPBackend(smtp.EmailBackend):
    """Django's SMTP backend; an email with `prepared_bytes` (notifications.emails.PreparedEmail,
    whose bytes are what Django would make of it) is sent as those bytes, without building its
    MIME tree again: most of the cost of an email to a whole audience."""

    def _send(self, email_message: EmailMessage) -> bool:
        data = getattr(email_message, "prepared_bytes", None)
        if data is None:
            return bool(super()._send(email_message))  # type: ignore[misc]
        if not email_message.recipients() or self.connection is None:
            return False
        from_email = self.prep_address(email_message.from_email)
        recipients = [self.prep_address(addr) for addr in email_message.recipients()]
        try:
            self.connection.sendmail(from_email, recipients, data)
        except smtplib.SMTPException:
            if not self.fail_silently:
                raise
            return False
        return True
