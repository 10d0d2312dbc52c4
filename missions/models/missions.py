"""Missions and their programme: cities, the mission itself, sector caps, programme items and
the questions of the application form."""

import zoneinfo
from datetime import datetime

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modeltranslation.manager import MultilingualManager

from members.models import Sector


class City(models.Model):
    """A place of a mission's programme: Colonia (Köln), Dortmund, … or Sondrio for briefings."""

    name = models.CharField(_("nome"), max_length=80, help_text=_("In italiano: Colonia"))
    local_name = models.CharField(_("nome locale"), max_length=80, help_text=_("Köln"))
    slug = models.SlugField(unique=True)
    country = models.CharField(_("paese"), max_length=2, default="DE")
    time_zone = models.CharField(_("fuso orario"), max_length=50, default="Europe/Berlin")

    class Meta:
        ordering = ["name"]
        verbose_name = _("città")
        verbose_name_plural = _("città")

    def __str__(self) -> str:
        return self.name if self.name == self.local_name else f"{self.name} ({self.local_name})"

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class Mission(models.Model):
    """A trade mission to Germany with a programme, seats (one per firm) and a deadline."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Bozza")
        PUBLISHED = "published", _("Pubblicata")
        CLOSED = "closed", _("Iscrizioni chiuse")
        CANCELLED = "cancelled", _("Annullata")

    title = models.CharField(_("titolo"), max_length=200)
    summary = models.CharField(_("in breve"), max_length=300, blank=True)
    description = models.TextField(_("descrizione"), blank=True)
    sectors = models.ManyToManyField(Sector, related_name="missions", verbose_name=_("settori"))
    start_date = models.DateField(_("inizio"))
    end_date = models.DateField(_("fine"))
    seats = models.PositiveSmallIntegerField(
        _("posti"),
        help_text=_("Numero di imprese partecipanti."),
        validators=[MinValueValidator(1)],
    )
    max_delegates = models.PositiveSmallIntegerField(
        _("delegati per impresa"), default=2, validators=[MinValueValidator(1)]
    )
    registration_opens_at = models.DateTimeField(
        _("apertura iscrizioni"), null=True, blank=True, help_text=_("Vuoto: subito.")
    )
    registration_deadline = models.DateTimeField(_("scadenza iscrizioni"))
    requires_approval = models.BooleanField(
        _("conferma dello staff"),
        default=False,
        help_text=_("Se attivo, le candidature restano in attesa finché lo staff le conferma."),
    )
    offer_hours = models.PositiveSmallIntegerField(
        _("ore per accettare un posto liberato"), default=48, validators=[MinValueValidator(1)]
    )
    costs = models.TextField(_("costi e servizi inclusi"), blank=True)
    meeting_requests_per_firm = models.PositiveSmallIntegerField(
        _("richieste di incontro per impresa"), default=8
    )
    # A partner meets several firms of one sector; staff entering wishes for it are not capped.
    meeting_requests_per_partner = models.PositiveSmallIntegerField(
        _("richieste di incontro per partner"), default=10
    )
    slot_minutes = models.PositiveSmallIntegerField(
        _("durata di un incontro (minuti)"), default=30, validators=[MinValueValidator(10)]
    )
    tables = models.PositiveSmallIntegerField(_("tavoli per le sessioni B2B"), default=20)
    agenda_published_at = models.DateTimeField(_("agende pubblicate il"), null=True, blank=True)
    status = models.CharField(
        _("stato"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("pubblicata il"), null=True, blank=True)
    opening_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    deadline_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    start_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    # django-modeltranslation swaps the default manager for this one at start-up (it rewrites
    # lookups on translated fields); declared here so the type checker sees it too.
    objects = MultilingualManager["Mission"]()

    class Meta:
        ordering = ["start_date", "pk"]
        verbose_name = _("missione")
        verbose_name_plural = _("missioni")
        indexes = [models.Index(fields=["status", "start_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__lte=F("end_date")), name="missions_mission_dates_order"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("missions:detail", args=[self.pk])

    def registration_open(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and (self.registration_opens_at is None or self.registration_opens_at <= now)
            and now <= self.registration_deadline
        )

    def registration_not_yet_open(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and self.registration_opens_at is not None
            and now < self.registration_opens_at
        )


class SectorCap(models.Model):
    """Optional: at most `seats` firms of one sector, so one sector cannot fill a mission."""

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="sector_caps")
    sector = models.ForeignKey(Sector, on_delete=models.CASCADE, verbose_name=_("settore"))
    seats = models.PositiveSmallIntegerField(_("posti massimi"))

    class Meta:
        verbose_name = _("limite per settore")
        verbose_name_plural = _("limiti per settore")
        constraints = [
            models.UniqueConstraint("mission", "sector", name="missions_sectorcap_unique")
        ]

    def __str__(self) -> str:
        return f"{self.sector}: {self.seats}"


class ProgrammeItem(models.Model):
    """One item of the programme, in one city; the mission's destinations follow from these."""

    class Kind(models.TextChoices):
        B2B = "b2b", _("Sessione B2B")
        RESEARCH_VISIT = "research", _("Visita a un centro di ricerca")
        COMPANY_VISIT = "visit", _("Visita aziendale")
        FAIR = "fair", _("Visita a una fiera")
        BRIEFING = "briefing", _("Briefing")
        TRANSFER = "transfer", _("Trasferimento")
        NETWORKING = "dinner", _("Cena di networking")
        OTHER = "other", _("Altro")

    mission = models.ForeignKey(
        Mission, on_delete=models.CASCADE, related_name="programme", verbose_name=_("missione")
    )
    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="programme_items", verbose_name=_("città")
    )
    kind = models.CharField(_("tipo"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("titolo"), max_length=200)
    starts_at = models.DateTimeField(_("inizio"))
    ends_at = models.DateTimeField(_("fine"))
    place = models.CharField(_("luogo"), max_length=200, blank=True)
    description = models.TextField(_("descrizione"), blank=True)

    # django-modeltranslation swaps the default manager for this one at start-up (it rewrites
    # lookups on translated fields); declared here so the type checker sees it too.
    objects = MultilingualManager["ProgrammeItem"]()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("voce del programma")
        verbose_name_plural = _("programma")
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=F("ends_at")), name="missions_item_time_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.city})"

    def local_start(self) -> datetime:
        return timezone.localtime(self.starts_at, self.city.tz)

    def local_end(self) -> datetime:
        return timezone.localtime(self.ends_at, self.city.tz)


class Question(models.Model):
    """A mission-specific question of the application form, defined by staff."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Testo libero")
        YES_NO = "yesno", _("Sì / No")
        CHOICE = "choice", _("Scelta fra opzioni")

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="questions")
    label = models.CharField(_("domanda"), max_length=200)
    kind = models.CharField(_("tipo"), max_length=10, choices=Kind.choices, default=Kind.TEXT)
    choices = models.TextField(_("opzioni"), blank=True, help_text=_("Una per riga."))
    required = models.BooleanField(_("obbligatoria"), default=False)
    order = models.PositiveSmallIntegerField(_("ordine"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("domanda")
        verbose_name_plural = _("domande della candidatura")

    def __str__(self) -> str:
        return self.label

    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]
