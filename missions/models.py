import zoneinfo

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.models import Firm, Sector


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

    def registration_open(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and (self.registration_opens_at is None or self.registration_opens_at <= now)
            and now <= self.registration_deadline
        )

    def registration_not_yet_open(self, now=None) -> bool:
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

    def local_start(self):
        return timezone.localtime(self.starts_at, self.city.tz)

    def local_end(self):
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


# --- B2B matchmaking and scheduling --------------------------------------------------------------


class Partner(models.Model):
    """A German counterpart: buyer, importer, distributor, research centre, …"""

    class Kind(models.TextChoices):
        BUYER = "buyer", _("Buyer")
        IMPORTER = "importer", _("Importatore")
        DISTRIBUTOR = "distributor", _("Distributore")
        MANUFACTURER = "manufacturer", _("Produttore")
        RESEARCH = "research", _("Centro di ricerca")
        ASSOCIATION = "association", _("Associazione")

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
    contact_name = models.CharField(_("referente"), max_length=120, blank=True)
    contact_email = models.EmailField(_("email del referente"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner tedesco")
        verbose_name_plural = _("partner tedeschi")

    def __str__(self) -> str:
        return f"{self.name} ({self.city.local_name})"


class MissionPartner(models.Model):
    """A partner attending a mission, at some of its B2B sessions (those in the partner's city)."""

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="mission_partners")
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="missions")
    sessions = models.ManyToManyField(
        ProgrammeItem,
        blank=True,
        limit_choices_to={"kind": ProgrammeItem.Kind.B2B},
        verbose_name=_("sessioni B2B a cui partecipa"),
        help_text=_("Vuoto: tutte le sessioni B2B nella città del partner."),
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
        return f"{start:%d/%m %H:%M} · {self.session.city.local_name}"


class MatchSuggestion(models.Model):
    """A partner suggested to a firm for a mission, with the reasons in words (codes + params)."""

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="suggestions")
    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="suggestions")
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="suggestions")
    score = models.PositiveSmallIntegerField()
    reasons = models.JSONField(default=list)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-score", "partner__name"]
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


class Meeting(models.Model):
    """An accepted B2B meeting; placed in a slot at a table by the scheduler or by staff.

    PostgreSQL guarantees, whatever writes them (scheduler, admin, a concurrent run): a firm and a
    partner are in at most one meeting per slot, and a table hosts one meeting per slot. A trigger
    (migration 0005) refuses table numbers above the slot's tables.
    """

    class Attendance(models.TextChoices):
        UNKNOWN = "", _("—")
        HELD = "held", _("Svolto")
        NO_SHOW = "no_show", _("Assente")

    class Outcome(models.TextChoices):
        NONE = "", _("Non ancora indicato")
        CONTACT = "contact", _("Solo contatto")
        OFFER = "offer", _("Offerta inviata")
        SAMPLES = "samples", _("Campioni inviati")
        ORDER = "order", _("Ordine")

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
    outcome = models.CharField(
        _("esito"), max_length=10, choices=Outcome.choices, default="", blank=True
    )
    outcome_note = models.CharField(_("nota sull'esito"), max_length=300, blank=True)
    outcome_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["slot__starts_at", "table", "pk"]
        verbose_name = _("incontro B2B")
        verbose_name_plural = _("incontri B2B")
        constraints = [
            models.UniqueConstraint(
                "slot", "firm", condition=Q(slot__isnull=False), name="missions_meeting_firm_slot"
            ),
            models.UniqueConstraint(
                "slot",
                "partner",
                condition=Q(slot__isnull=False),
                name="missions_meeting_partner_slot",
            ),
            models.UniqueConstraint(
                "slot", "table", condition=Q(slot__isnull=False), name="missions_meeting_table_slot"
            ),
            models.CheckConstraint(
                condition=Q(slot__isnull=True, table__isnull=True)
                | Q(slot__isnull=False, table__gte=1),
                name="missions_meeting_slot_has_table",
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
