"""B2B meetings: German partners, suggestions, meeting requests, slots, meetings and the runs of
the matchmaking and the scheduler."""

from typing import Any

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.models import Firm, Sector
from missions.models.missions import City, Mission, ProgrammeItem


class Partner(models.Model):
    """A German counterpart: buyer, importer, distributor, research centre, …"""

    class Kind(models.TextChoices):
        BUYER = "buyer", _("Buyer")
        IMPORTER = "importer", _("Importatore")
        DISTRIBUTOR = "distributor", _("Distributore")
        MANUFACTURER = "manufacturer", _("Produttore")
        RESEARCH = "research", _("Centro di ricerca")
        ASSOCIATION = "association", _("Associazione")

    class Size(models.TextChoices):
        MICRO = "micro", _("Micro (meno di 10 addetti)")
        SMALL = "small", _("Piccola (10-49 addetti)")
        MEDIUM = "medium", _("Media (50-249 addetti)")
        LARGE = "large", _("Grande (250 addetti e oltre)")

    name = models.CharField(_("nome"), max_length=200)
    kind = models.CharField(_("tipo"), max_length=15, choices=Kind.choices)
    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="partners", verbose_name=_("città")
    )
    sectors = models.ManyToManyField(Sector, blank=True, verbose_name=_("settori di interesse"))
    nace_codes = ArrayField(
        models.CharField(max_length=8),
        verbose_name=_("codici NACE/ATECO di interesse"),
        default=list,
        blank=True,
        help_text=_("Separati da virgole, es. 25.62, 23.7, 10"),
    )
    products_sought = models.TextField(_("prodotti cercati"), blank=True)
    languages = ArrayField(
        models.CharField(max_length=2, choices=Firm.Language.choices),
        verbose_name=_("lingue"),
        default=list,
        blank=True,
    )
    description = models.TextField(_("descrizione"), blank=True)
    website = models.URLField(_("sito web"), blank=True)
    size = models.CharField(_("dimensione"), max_length=10, choices=Size.choices, blank=True)
    # The German USt-IdNr (or another EU VAT number), checked with python-stdnum by the forms.
    vat_number = models.CharField(_("partita IVA (USt-IdNr.)"), max_length=20, blank=True)
    contact_name = models.CharField(_("referente"), max_length=120, blank=True)
    contact_email = models.EmailField(_("email del referente"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner tedesco")
        verbose_name_plural = _("partner tedeschi")

    def __str__(self) -> str:
        return f"{self.name} ({self.city.local_name})"


class MissionPartner(models.Model):
    """A partner attending a mission, at some of its B2B sessions (those in the partner's city).

    The partner answers the invitation (attendance) and blocks the slots they cannot attend; the
    scheduler and staff's manual moves never place the partner's meetings in a blocked slot, nor
    any meeting of a partner who declined (missions.services.scheduling_runs).
    """

    class Attendance(models.TextChoices):
        UNKNOWN = "", _("Nessuna risposta")
        CONFIRMED = "confirmed", _("Partecipa")
        DECLINED = "declined", _("Non partecipa")

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="mission_partners")
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="missions")
    sessions = models.ManyToManyField(
        ProgrammeItem,
        blank=True,
        limit_choices_to={"kind": ProgrammeItem.Kind.B2B},
        verbose_name=_("sessioni B2B a cui partecipa"),
        help_text=_("Vuoto: tutte le sessioni B2B nella città del partner."),
    )
    attendance = models.CharField(
        _("partecipazione"), max_length=10, choices=Attendance.choices, default="", blank=True
    )
    responded_at = models.DateTimeField(_("risposta del"), null=True, blank=True)
    blocked_slots: "models.ManyToManyField[Slot, Any]" = models.ManyToManyField(
        "Slot",
        blank=True,
        related_name="blocked_by",
        verbose_name=_("fasce in cui il partner non è disponibile"),
    )

    class Meta:
        verbose_name = _("partner della missione")
        verbose_name_plural = _("partner della missione")
        constraints = [
            models.UniqueConstraint("mission", "partner", name="missions_missionpartner_unique")
        ]

    def __str__(self) -> str:
        return str(self.partner)


class Slot(models.Model):
    """A time slot of a B2B session, with a number of tables."""

    session = models.ForeignKey(ProgrammeItem, on_delete=models.CASCADE, related_name="slots")
    index = models.PositiveSmallIntegerField()
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    tables = models.PositiveSmallIntegerField(_("tavoli"))

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("fascia oraria")
        verbose_name_plural = _("fasce orarie")
        constraints = [
            models.UniqueConstraint("session", "index", name="missions_slot_unique_index"),
            models.CheckConstraint(
                condition=Q(starts_at__lt=F("ends_at")), name="missions_slot_time_order"
            ),
        ]

    def __str__(self) -> str:
        start = timezone.localtime(self.starts_at, self.session.city.tz)
        # The reader's format (admin, the partner's slot list): "25.12.2026 10:00" in German.
        when = formats.date_format(start, "SHORT_DATETIME_FORMAT")
        return f"{when} · {self.session.city.local_name}"


class MatchSuggestion(models.Model):
    """A partner suggested to a firm for a mission, with the reasons in words (codes + params)."""

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="suggestions")
    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="suggestions")
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="suggestions")
    score = models.PositiveSmallIntegerField()
    reasons = models.JSONField(default=list)
    # An offer from an earlier mission is still open (missions.matchmaking.pair_history): first.
    follow_up = models.BooleanField(default=False)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-follow_up", "-score", "partner__name"]
        constraints = [
            models.UniqueConstraint("mission", "firm", "partner", name="missions_suggestion_unique")
        ]

    def __str__(self) -> str:
        return f"{self.firm_id} → {self.partner_id}: {self.score}"


class MatchmakingRun(models.Model):
    """One computation of the suggestions of a mission; staff follow its progress in admin."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("In coda")
        RUNNING = "running", _("In corso")
        DONE = "done", _("Completato")
        FAILED = "failed", _("Non riuscito")

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="matchmaking_runs")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("avanzamento %"), default=0)
    pairs = models.PositiveIntegerField(_("coppie valutate"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when the run is queued or re-queued: a run queued too long never started (broker down).
    queued_at = models.DateTimeField(_("in coda dal"), default=timezone.now)
    # A worker claims the run (attempts + 1) and beats while it computes; a run "running" with
    # no heartbeat for a while lost its worker, and the sweeper re-queues or fails it.
    attempts = models.PositiveSmallIntegerField(_("tentativi"), default=0)
    started_at = models.DateTimeField(_("avviato il"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("ultimo segno di vita"), null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("calcolo del matchmaking")
        verbose_name_plural = _("calcoli del matchmaking")

    def __str__(self) -> str:
        return f"{self.mission} · {self.get_status_display()} {self.progress}%"


class MeetingRequest(models.Model):
    """A firm's wish to meet a partner (or a partner's, entered by staff). Mutual opt-in."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Richiesta")
        ACCEPTED = "accepted", _("Accettata")
        DECLINED = "declined", _("Rifiutata")
        CANCELLED = "cancelled", _("Annullata")

    class CancelReason(models.TextChoices):
        NONE = "", _("—")
        BY_FIRM = "by_firm", _("Annullata dall'impresa")
        WITHDRAWN = "withdrawn", _("L'impresa ha ritirato la candidatura")
        REJECTED = "rejected", _("La candidatura dell'impresa è stata respinta")
        WAITLISTED = "waitlisted", _("L'impresa ha perso il posto (lista d'attesa)")
        BY_PARTNER = "by_partner", _("Annullata dal partner")

    class Origin(models.TextChoices):
        FIRM = "firm", _("Dall'impresa")
        PARTNER = "partner", _("Dal partner")

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="meeting_requests")
    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="meeting_requests")
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="meeting_requests")
    priority = models.PositiveSmallIntegerField(
        _("priorità"), default=3, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    reason = models.CharField(_("perché vogliamo incontrarli"), max_length=200, blank=True)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.FIRM)
    status = models.CharField(
        _("stato"), max_length=10, choices=Status.choices, default=Status.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancelled_reason = models.CharField(
        _("motivo dell'annullamento"),
        max_length=10,
        choices=CancelReason.choices,
        default="",
        blank=True,
    )
    # The words of whoever cancelled (a partner's contact must give a reason; the firm is told).
    cancel_note = models.CharField(
        _("motivo scritto dell'annullamento"), max_length=200, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["mission", "-priority", "created_at"]
        verbose_name = _("richiesta di incontro")
        verbose_name_plural = _("richieste di incontro")
        constraints = [
            models.UniqueConstraint(
                "mission",
                "firm",
                "partner",
                condition=Q(status__in=["requested", "accepted"]),
                name="missions_meetingrequest_one_open",
            ),
            models.CheckConstraint(
                condition=Q(priority__gte=1, priority__lte=5), name="missions_request_priority"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.firm} ↔ {self.partner}"


# The meetings that occupy their slot and table: placed and not marked no-show. The constraints,
# the scheduler and the board all count occupied tables and busy people with this one rule.
HOLDS_SLOT = Q(slot__isnull=False) & ~Q(attendance="no_show")


class Meeting(models.Model):
    """An accepted B2B meeting; placed in a slot at a table by the scheduler or by staff.

    PostgreSQL guarantees, whatever writes them (scheduler, admin, a concurrent run): a firm and a
    partner are in at most one meeting per slot, and a table hosts one meeting per slot. A trigger
    (migration 0005) refuses table numbers above the slot's tables.

    A meeting marked no-show keeps its slot and table for the record but no longer holds them
    (the constraints skip it): the mission day's board can give the table, and the present
    side's time, to a meeting that is waiting (missions.services.scheduling_runs).
    """

    class Attendance(models.TextChoices):
        UNKNOWN = "", _("—")
        HELD = "held", _("Svolto")
        NO_SHOW = "no_show", _("Assente")

    class Absent(models.TextChoices):
        """Who did not come to a no-show meeting (empty: not said, or not a no-show)."""

        UNKNOWN = "", _("Non indicato")
        FIRM = "firm", _("L'impresa")
        PARTNER = "partner", _("Il partner")
        BOTH = "both", _("Entrambi")

    class Outcome(models.TextChoices):
        NONE = "", _("Non ancora indicato")
        # The firm's side of "no interest" (the partner's is its interest 1): matchmaking does
        # not suggest a pair again when both said so (missions/matchmaking.py).
        NO_INTEREST = "no_interest", _("Nessun interesse")
        CONTACT = "contact", _("Solo contatto")
        OFFER = "offer", _("Offerta inviata")
        SAMPLES = "samples", _("Campioni inviati")
        ORDER = "order", _("Ordine")
        AGREEMENT = "agreement", _("Accordo di partnership")

    class ValueBand(models.TextChoices):
        """The order of magnitude of what came of a meeting (the ledger's value), in euro."""

        NONE = "", _("Valore non indicato")
        UNDER_10K = "lt10k", _("Meno di 10.000 €")
        FROM_10K = "10k-50k", _("10–50.000 €")
        FROM_50K = "50k-250k", _("50–250.000 €")
        OVER_250K = "gt250k", _("Oltre 250.000 €")

    class PartnerInterest(models.IntegerChoices):
        NONE = 1, _("Nessun interesse")
        LOW = 2, _("Interesse scarso")
        SOME = 3, _("Interesse medio")
        HIGH = 4, _("Interesse buono")
        VERY_HIGH = 5, _("Interesse molto alto")

    class PartnerNextStep(models.TextChoices):
        NONE = "none", _("Nessuno")
        CALL = "call", _("Una telefonata o una videochiamata")
        OFFER = "offer", _("Offerta richiesta")
        SAMPLES = "samples", _("Campioni richiesti")
        VISIT = "visit", _("Una visita")
        ORDER = "order", _("Un ordine")

    # From this interest up, the partner counts as interested (dashboard, the firm's page).
    INTERESTED_FROM = PartnerInterest.HIGH

    request = models.OneToOneField(MeetingRequest, on_delete=models.CASCADE, related_name="meeting")
    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="meetings")
    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="meetings")
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="meetings")
    slot = models.ForeignKey(
        Slot, on_delete=models.SET_NULL, null=True, blank=True, related_name="meetings"
    )
    table = models.PositiveSmallIntegerField(_("tavolo"), null=True, blank=True)
    locked = models.BooleanField(
        _("bloccato"), default=False, help_text=_("Il pianificatore non lo sposta.")
    )
    needs_interpreter = models.BooleanField(_("serve un interprete"), default=False)
    attendance = models.CharField(
        _("presenza"), max_length=10, choices=Attendance.choices, default="", blank=True
    )
    absent = models.CharField(
        _("assente"), max_length=10, choices=Absent.choices, default="", blank=True
    )
    outcome = models.CharField(
        _("esito"), max_length=20, choices=Outcome.choices, default="", blank=True
    )
    outcome_note = models.CharField(_("nota sull'esito"), max_length=300, blank=True)
    value_band = models.CharField(
        _("fascia di valore"), max_length=10, choices=ValueBand.choices, default="", blank=True
    )
    outcome_at = models.DateTimeField(null=True, blank=True)
    # The partner's feedback after the meeting (missions.services.outcomes.
    # meeting_partner_feedback): held or not; if held, their interest and the next step.
    partner_held = models.BooleanField(_("svolto secondo il partner"), null=True, blank=True)
    partner_interest = models.PositiveSmallIntegerField(
        _("interesse del partner"), choices=PartnerInterest.choices, null=True, blank=True
    )
    partner_next_step = models.CharField(
        _("prossimo passo del partner"),
        max_length=10,
        choices=PartnerNextStep.choices,
        default="",
        blank=True,
    )
    # Written for the Camera's staff (and the co-organiser who brought the partner, if any): the
    # firm sees only the interest and the next step.
    partner_note = models.CharField(_("nota del partner"), max_length=300, blank=True)
    partner_feedback_at = models.DateTimeField(_("feedback del partner il"), null=True, blank=True)
    partner_feedback_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("feedback dato da"),
    )
    # The firm's own debrief on the mission day (missions.services.outcomes.meeting_firm_debrief,
    # from the delegate's phone): its interest (1-5) and the next step it expects.
    firm_interest = models.PositiveSmallIntegerField(
        _("interesse dell'impresa"), choices=PartnerInterest.choices, null=True, blank=True
    )
    firm_next_step = models.CharField(
        _("prossimo passo dell'impresa"),
        max_length=10,
        choices=PartnerNextStep.choices,
        default="",
        blank=True,
    )
    # The outcome above came from the firm's debrief (derived from its next step), not from the
    # firm's own answer: a later debrief may still change it, the firm's answer never.
    outcome_by_debrief = models.BooleanField(default=False, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    # Who gave the feedback is not copied into the audit trail (the history's own user column
    # records who made each change, and the privacy erasure clears it).
    history = HistoricalRecords(excluded_fields=["partner_feedback_by"])

    class Meta:
        ordering = ["slot__starts_at", "table", "pk"]
        verbose_name = _("incontro B2B")
        verbose_name_plural = _("incontri B2B")
        constraints = [
            # Only live meetings hold a slot: a no-show keeps its place for the record.
            models.UniqueConstraint(
                "slot", "firm", condition=HOLDS_SLOT, name="missions_meeting_firm_slot"
            ),
            models.UniqueConstraint(
                "slot", "partner", condition=HOLDS_SLOT, name="missions_meeting_partner_slot"
            ),
            models.UniqueConstraint(
                "slot", "table", condition=HOLDS_SLOT, name="missions_meeting_table_slot"
            ),
            models.CheckConstraint(
                condition=Q(slot__isnull=True, table__isnull=True)
                | Q(slot__isnull=False, table__gte=1),
                name="missions_meeting_slot_has_table",
            ),
            models.CheckConstraint(
                condition=Q(partner_interest__isnull=True)
                | Q(partner_interest__gte=1, partner_interest__lte=5),
                name="missions_meeting_partner_interest",
            ),
            models.CheckConstraint(
                condition=Q(firm_interest__isnull=True)
                | Q(firm_interest__gte=1, firm_interest__lte=5),
                name="missions_meeting_firm_interest",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.firm} ↔ {self.partner}"


class SchedulerRun(models.Model):
    """The report of one run of the B2B scheduler: what it placed, moved and could not place."""

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="scheduler_runs")
    created_at = models.DateTimeField(auto_now_add=True)
    meetings = models.PositiveIntegerField(_("incontri"), default=0)
    placed = models.PositiveIntegerField(_("collocati"), default=0)
    moved = models.PositiveIntegerField(_("spostati"), default=0)
    upper_bound = models.PositiveIntegerField(_("massimo teorico"), default=0)
    seconds = models.FloatField(_("secondi"), default=0)
    unplaced = models.JSONField(_("non collocati"), default=list)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("esecuzione del pianificatore")
        verbose_name_plural = _("esecuzioni del pianificatore")

    def __str__(self) -> str:
        return f"{self.mission}: {self.placed}/{self.meetings}"
