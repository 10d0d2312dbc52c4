"""Badges and check-in.

A `DayPass` is one person's badge for one mission: a delegate of a firm with a confirmed
application, or a contact of a partner that attends. Its QR code carries only `token`, an opaque
random string (no personal data). A `CheckIn` records that the badge was seen on one day of the
mission; it is made on a phone, possibly offline, with a client-made id (`client_id`), so the
same check-in sent twice is stored once, and the same badge scanned twice on a day is stored
once (the constraints below hold whatever writes them).
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from members.models import Firm
from missions.models import Mission, Partner


def new_token() -> str:
    """An opaque badge token: 24 random bytes, URL-safe (32 characters)."""
    return secrets.token_urlsafe(24)


class DayPass(models.Model):
    class Kind(models.TextChoices):
        DELEGATE = "delegate", _("Delegato")
        PARTNER = "partner", _("Partner")

    mission = models.ForeignKey(
        Mission, on_delete=models.CASCADE, related_name="day_passes", verbose_name=_("missione")
    )
    kind = models.CharField(_("tipo"), max_length=10, choices=Kind.choices)
    token = models.CharField(max_length=48, unique=True, default=new_token, editable=False)
    full_name = models.CharField(_("nome e cognome"), max_length=150)
    # The person's account, if they have one (a firm's member, a partner's contact); a badge
    # staff add for someone without an account has none.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="day_passes",
        verbose_name=_("utente"),
    )
    firm = models.ForeignKey(
        Firm,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="day_passes",
        verbose_name=_("impresa"),
    )
    partner = models.ForeignKey(
        Partner,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="day_passes",
        verbose_name=_("partner"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["mission", "full_name", "pk"]
        verbose_name = _("badge")
        verbose_name_plural = _("badge")
        constraints = [
            models.UniqueConstraint(
                "mission",
                "user",
                condition=Q(user__isnull=False),
                name="missionday_daypass_one_per_user",
            ),
            models.CheckConstraint(
                condition=Q(kind="delegate", firm__isnull=False, partner__isnull=True)
                | Q(kind="partner", partner__isnull=False, firm__isnull=True),
                name="missionday_daypass_kind_matches",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.organisation})"

    @property
    def organisation(self) -> str:
        """The firm's or the partner's name, as printed on the badge (select_related them)."""
        holder = self.firm if self.kind == self.Kind.DELEGATE else self.partner
        return holder.name if holder else ""


class CheckIn(models.Model):
    class Method(models.TextChoices):
        SCAN = "scan", _("QR")
        SEARCH = "search", _("Ricerca per nome")

    day_pass = models.ForeignKey(
        DayPass, on_delete=models.CASCADE, related_name="check_ins", verbose_name=_("badge")
    )
    # The mission's day the check-in belongs to (a multi-day mission checks in each day).
    day = models.DateField(_("giorno"))
    # Made by the phone before it is sent: the same check-in sent again is the same row.
    client_id = models.UUIDField(unique=True, editable=False)
    method = models.CharField(_("modo"), max_length=10, choices=Method.choices, default=Method.SCAN)
    # When the badge was seen (the phone's clock, never later than when the server got it).
    checked_in_at = models.DateTimeField(_("registrato alle"))
    received_at = models.DateTimeField(_("ricevuto alle"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registrato da"),
    )

    class Meta:
        ordering = ["-checked_in_at", "pk"]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-in")
        constraints = [
            models.UniqueConstraint("day_pass", "day", name="missionday_checkin_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day_pass} {self.day}"
