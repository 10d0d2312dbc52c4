"""A firm's applications for a seat on a mission, and its interest in a mission not yet open."""

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.models import Firm, Sector
from missions.models.missions import Mission


class Application(models.Model):
    """A firm's request for a seat (Candidatura)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("In attesa di conferma")
        CONFIRMED = "confirmed", _("Confermata")
        WAITLISTED = "waitlisted", _("Lista d'attesa")
        OFFERED = "offered", _("Posto offerto")
        WITHDRAWN = "withdrawn", _("Ritirata")
        REJECTED = "rejected", _("Respinta")

    ACTIVE = [Status.PENDING, Status.CONFIRMED, Status.WAITLISTED, Status.OFFERED]
    HOLDS_SEAT = [Status.CONFIRMED, Status.OFFERED]

    mission = models.ForeignKey(
        Mission, on_delete=models.CASCADE, related_name="applications", verbose_name=_("missione")
    )
    firm = models.ForeignKey(
        Firm, on_delete=models.CASCADE, related_name="applications", verbose_name=_("impresa")
    )
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The firm's sector when it applied: admission and the per-sector seat caps count this one,
    # so a later change of the firm's sector cannot get around a cap.
    sector = models.ForeignKey(
        Sector,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("settore"),
    )
    status = models.CharField(
        _("stato"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    delegates = models.PositiveSmallIntegerField(
        _("delegati"), default=1, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    note = models.TextField(_("obiettivi e prodotti da presentare"), blank=True)
    answers = models.JSONField(_("risposte"), default=dict, blank=True)
    created_at = models.DateTimeField(_("inviata il"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("offerta valida fino al"), null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.CharField(max_length=30, blank=True)
    # After the mission, staff record attendance and results (the dashboard shows them).
    attended = models.BooleanField(_("ha partecipato"), null=True, blank=True)
    contacts_made = models.PositiveSmallIntegerField(_("contatti avviati"), default=0)
    followup_meetings = models.PositiveSmallIntegerField(_("incontri successivi"), default=0)
    deals_in_progress = models.PositiveSmallIntegerField(_("trattative in corso"), default=0)
    outcome_note = models.TextField(_("note sui risultati"), blank=True)
    history = HistoricalRecords(excluded_fields=["applied_by", "answers"])
    # Not a column: the place on the waiting list, set on the waitlisted applications a page
    # shows by missions.selectors.missions.set_waitlist_positions.
    waitlist_position: int | None = None

    class Meta:
        ordering = ["mission", "created_at", "pk"]
        verbose_name = _("candidatura")
        verbose_name_plural = _("candidature")
        indexes = [models.Index(fields=["mission", "status"])]
        constraints = [
            # One active application per firm per mission; withdrawn/rejected ones stay as history.
            models.UniqueConstraint(
                "mission",
                "firm",
                condition=Q(status__in=["pending", "confirmed", "waitlisted", "offered"]),
                name="missions_application_one_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.firm} → {self.mission}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A new application records the firm's sector of the moment (the service passes it;
        # this covers fixtures and scripts that create rows directly).
        if self.sector_id is None and self.firm_id is not None:
            self.sector_id = self.firm.sector_id
        super().save(*args, **kwargs)

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE


class Interest(models.Model):
    """'Notify me when registration opens' (an interest list staff see when planning)."""

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="interests")
    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="mission_interests")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("interesse")
        verbose_name_plural = _("lista di interesse")
        constraints = [models.UniqueConstraint("mission", "user", name="missions_interest_unique")]

    def __str__(self) -> str:
        return f"{self.firm} ♥ {self.mission}"
