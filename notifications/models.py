from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.translated import localized
from notifications import registry


class EmailMode(models.TextChoices):
    IMMEDIATE = "immediate", _("Email subito")
    DIGEST = "digest", _("Riepilogo giornaliero")
    OFF = "off", _("Solo nel portale")


class Notification(models.Model):
    """One message to one person: an in-app inbox item and, unless they opted out, an email.

    The row is the outbox: it is written in the transaction of the change that caused it, and
    `email_status` says where its email is. `key` makes notifying the same event twice a no-op.
    """

    class EmailStatus(models.TextChoices):
        PENDING = "pending", _("Da inviare")
        SENT = "sent", _("Inviata")
        FAILED = "failed", _("Non riuscita")
        SKIPPED = "skipped", _("Non prevista")
        DIGEST = "digest", _("Nel riepilogo")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("destinatario"),
    )
    kind = models.CharField(_("tipo"), max_length=50)
    object_key = models.CharField(_("oggetto"), max_length=100, blank=True)
    version = models.CharField(_("versione"), max_length=40, default="1")
    key = models.CharField(_("chiave di idempotenza"), max_length=255, unique=True)
    context = models.JSONField(default=dict, blank=True)
    url = models.CharField(_("collegamento"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("creata il"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("letta il"), null=True, blank=True)

    email_status = models.CharField(
        _("stato email"), max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("tentativi"), default=0)
    last_error = models.TextField(_("ultimo errore"), blank=True)
    next_attempt_at = models.DateTimeField(_("prossimo tentativo"), null=True, blank=True)
    sent_at = models.DateTimeField(_("inviata il"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notifica")
        verbose_name_plural = _("notifiche")
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notif_inbox"),
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notif_unread",
            ),
            models.Index(
                fields=["created_at"],
                condition=models.Q(email_status__in=["pending", "digest"]),
                name="notif_outbox",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"

    @property
    def kind_def(self) -> registry.Kind | None:
        """None for a kind no app registers any more: the row still shows, by its slug."""
        try:
            return registry.get_kind(self.kind)
        except registry.UnknownKind:
            return None

    def title(self) -> str:
        """The title in the active language."""
        kind = self.kind_def
        return _format(kind.title, self.context) if kind else self.kind

    def body(self) -> str:
        kind = self.kind_def
        return _format(kind.body, self.context) if kind else ""


def _format(template, context: dict) -> str:
    # A translated text in the context (a mission's title) shows in the active language: the
    # recipient's, when an email is built (core/translated.py).
    if isinstance(context, dict):
        context = {key: localized(value) for key, value in context.items()}
    try:
        return str(template) % context
    except (KeyError, TypeError, ValueError):
        return str(template)


class Preference(models.Model):
    """How one person wants one kind of notification by email. No row: the kind's default."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("tipo"), max_length=50)
    email = models.CharField(
        _("email"), max_length=10, choices=EmailMode, default=EmailMode.IMMEDIATE
    )

    class Meta:
        verbose_name = _("preferenza di notifica")
        verbose_name_plural = _("preferenze di notifica")
        constraints = [
            models.UniqueConstraint("user", "kind", name="notifications_preference_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.email}"


class Broadcast(models.Model):
    """A pending fan-out ("tell every approved firm user of these sectors"), in the outbox too.

    It is expanded into Notification rows by a task; if Redis loses the task, the sweeper finds
    the unexpanded row and enqueues it again. Expansion is idempotent (rows have unique keys).
    """

    kind = models.CharField(max_length=50)
    audience = models.CharField(max_length=50)
    params = models.JSONField(default=dict, blank=True)
    object_key = models.CharField(max_length=100, blank=True)
    version = models.CharField(max_length=40, default="1")
    context = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expanded_at = models.DateTimeField(null=True, blank=True)
    # The last user id written so far: expansion goes on from here after a crash.
    expanded_through = models.BigIntegerField(default=0, editable=False)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("invio multiplo")
        verbose_name_plural = _("invii multipli")

    def __str__(self) -> str:
        return f"{self.kind} → {self.audience}"


class Announcement(models.Model):
    """A message from Camera staff to member firms' users, optionally only some sectors."""

    title = models.CharField(_("titolo"), max_length=150)
    body = models.TextField(_("testo"))
    sectors = models.ManyToManyField(
        "members.Sector",
        blank=True,
        verbose_name=_("settori"),
        help_text=_("Vuoto: tutte le imprese approvate."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("creata il"), auto_now_add=True)
    sent_at = models.DateTimeField(_("inviata il"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("comunicazione ai soci")
        verbose_name_plural = _("comunicazioni ai soci")

    def __str__(self) -> str:
        return self.title


class OutgoingEmail(models.Model):
    """A ready-made email waiting for a worker: the outbox of allauth's emails (verification,
    password reset, codes), rendered in the request in the recipient's language.

    The row is written by the request, the task that sends it is published after commit, and the
    sweeper re-enqueues rows the broker lost, like Notification. A sent row is deleted: its body
    holds one-time links and codes. So is a row that failed for good (logged).
    """

    to = models.JSONField(_("destinatari"), default=list)
    from_email = models.CharField(_("mittente"), max_length=320)
    subject = models.TextField(_("oggetto"))
    body = models.TextField(_("testo"))
    html = models.TextField(_("HTML"), blank=True)
    headers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("creata il"), auto_now_add=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("tentativi"), default=0)
    last_error = models.TextField(_("ultimo errore"), blank=True)
    next_attempt_at = models.DateTimeField(_("prossimo tentativo"), null=True, blank=True)

    class Meta:
        verbose_name = _("email di accesso da inviare")
        verbose_name_plural = _("email di accesso da inviare")

    def __str__(self) -> str:
        return self.subject
