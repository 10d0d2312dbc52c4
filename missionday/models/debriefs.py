"""The one-minute debrief of a meeting, written on the companion (possibly offline).

A delegate or a partner contact writes it on their phone once the meeting's slot has started;
the phone keeps it in IndexedDB with a client-made id (`client_id`) and sends it when online, so
the same debrief sent twice is stored once. Each debrief is kept (the history); the latest one
written for a meeting on a side feeds the meeting (missions.services.outcomes).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from missions.models import Meeting

NOTE_MAX = 300


class Debrief(models.Model):
    class Side(models.TextChoices):
        FIRM = "firm", _("Impresa")
        PARTNER = "partner", _("Partner")

    # Made by the phone before it is sent: the same debrief sent again is the same row.
    client_id = models.UUIDField(unique=True, editable=False)
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="debriefs", verbose_name=_("incontro")
    )
    side = models.CharField(_("lato"), max_length=10, choices=Side.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("scritto da"),
    )
    held = models.BooleanField(_("svolto"))
    interest = models.PositiveSmallIntegerField(
        _("interesse"), choices=Meeting.PartnerInterest.choices, null=True, blank=True
    )
    next_step = models.CharField(
        _("prossimo passo"),
        max_length=10,
        choices=Meeting.PartnerNextStep.choices,
        default="",
        blank=True,
    )
    note = models.CharField(_("nota"), max_length=NOTE_MAX, blank=True)
    # When it was written (the phone's clock, never later than when the server got it).
    written_at = models.DateTimeField(_("scritto alle"))
    received_at = models.DateTimeField(_("ricevuto alle"), auto_now_add=True)

    class Meta:
        ordering = ["-written_at", "-pk"]
        verbose_name = _("debriefing")
        verbose_name_plural = _("debriefing")
        constraints = [
            models.CheckConstraint(
                condition=Q(interest__isnull=True) | Q(interest__gte=1, interest__lte=5),
                name="missionday_debrief_interest",
            ),
        ]
        indexes = [models.Index(fields=["meeting", "side", "-written_at"])]

    def __str__(self) -> str:
        return f"{self.meeting_id} {self.side} {self.written_at:%Y-%m-%d %H:%M}"
