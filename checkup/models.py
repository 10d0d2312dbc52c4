"""The export-readiness check-up: a versioned questionnaire and a firm's answers to one version.

A questionnaire is edited while it is a draft; once published it never changes (admin refuses
edits, checkup/services.py copies it into a new draft), so a check-up keeps the exact questions,
options and weights it was answered with and its scores stay comparable over time. Publishing a
version retires the one before it: new check-ups always take the published version.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from members.models import Firm, Sector

MAX_POINTS = 10


class Questionnaire(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("bozza")
        PUBLISHED = "published", _("pubblicato")
        RETIRED = "retired", _("ritirato")

    version = models.PositiveIntegerField(_("versione"), unique=True)
    status = models.CharField(
        _("stato"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("pubblicato il"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("questionario del check-up")
        verbose_name_plural = _("questionari del check-up")
        ordering = ["-version"]
        constraints = [
            # One version is the one new check-ups take.
            models.UniqueConstraint(
                fields=["status"],
                condition=Q(status="published"),
                name="checkup_one_published_questionnaire",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="checkup_published_questionnaire_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Check-up')} v{self.version} ({self.get_status_display()})"

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT


class Dimension(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="dimensions"
    )
    # Stable across versions: the personal path and the ledger key their rules on it.
    code = models.SlugField(_("codice"), max_length=40)
    name = models.CharField(_("nome"), max_length=120)
    order = models.PositiveSmallIntegerField(_("ordine"), default=0)
    weight = models.DecimalField(
        _("peso"), max_digits=4, decimal_places=2, default=1, validators=[MinValueValidator(0)]
    )
    advice = models.TextField(
        _("consiglio per chi ha una lacuna"),
        blank=True,
        help_text=_("Mostrato quando il punteggio della dimensione è basso: cosa fare."),
    )

    class Meta:
        verbose_name = _("dimensione")
        verbose_name_plural = _("dimensioni")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "code"], name="checkup_dimension_code_per_version"
            ),
            models.CheckConstraint(condition=Q(weight__gte=0), name="checkup_dimension_weight"),
        ]

    def __str__(self) -> str:
        return self.name


class Question(models.Model):
    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(_("domanda"), max_length=300)
    help = models.CharField(_("aiuto"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("ordine"), default=0)
    weight = models.DecimalField(
        _("peso"), max_digits=4, decimal_places=2, default=1, validators=[MinValueValidator(0)]
    )

    class Meta:
        verbose_name = _("domanda")
        verbose_name_plural = _("domande")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gte=0), name="checkup_question_weight"),
        ]

    def __str__(self) -> str:
        return self.text


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    text = models.CharField(_("risposta"), max_length=300)
    points = models.PositiveSmallIntegerField(
        _("punti"), default=0, validators=[MinValueValidator(0), MaxValueValidator(MAX_POINTS)]
    )
    order = models.PositiveSmallIntegerField(_("ordine"), default=0)

    class Meta:
        verbose_name = _("risposta possibile")
        verbose_name_plural = _("risposte possibili")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(points__lte=MAX_POINTS), name="checkup_option_points"
            ),
        ]

    def __str__(self) -> str:
        return self.text


class CheckUp(models.Model):
    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="checkups")
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="checkups"
    )
    started_at = models.DateTimeField(_("iniziato il"))
    completed_at = models.DateTimeField(_("completato il"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The scores when completed (code -> 0..100 or null, and "overall"), so lists and the later
    # path read them without re-scoring; checkup/services.py writes them from checkup/scoring.py.
    scores = models.JSONField(_("punteggi"), default=dict, blank=True)
    overall = models.PositiveSmallIntegerField(_("punteggio complessivo"), null=True, blank=True)

    class Meta:
        verbose_name = _("check-up")
        verbose_name_plural = _("check-up")
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["firm", "-completed_at"], name="checkup_firm_completed")]
        constraints = [
            # One check-up in progress per firm: "continue" always finds the same one.
            models.UniqueConstraint(
                fields=["firm"],
                condition=Q(completed_at__isnull=True),
                name="checkup_one_open_per_firm",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.firm} · {self.started_at:%Y-%m-%d}"

    @property
    def is_completed(self) -> bool:
        return self.completed_at is not None


class Answer(models.Model):
    checkup = models.ForeignKey(CheckUp, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    option = models.ForeignKey(Option, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("risposta")
        verbose_name_plural = _("risposte")
        constraints = [
            models.UniqueConstraint(fields=["checkup", "question"], name="checkup_one_answer"),
        ]

    def __str__(self) -> str:
        return f"{self.question} → {self.option}"


# --- The personal path's catalogues (staff keep them in admin; checkup/path.py reads them) -----


DIMENSION_CODES_HELP = _(
    "Codici delle dimensioni del check-up su cui lavora (organisation, product, pricing, "
    "languages, digital, finance, market, experience)."
)


class CameraService(models.Model):
    """A service or a training course of the Camera, suggested to firms with a matching gap."""

    class Kind(models.TextChoices):
        SERVICE = "service", _("servizio")
        TRAINING = "training", _("formazione")

    title = models.CharField(_("titolo"), max_length=200)
    description = models.TextField(_("descrizione"), blank=True)
    kind = models.CharField(_("tipo"), max_length=10, choices=Kind.choices, default=Kind.SERVICE)
    starts_on = models.DateField(_("inizio"), null=True, blank=True)
    ends_on = models.DateField(_("fine"), null=True, blank=True)
    registration_deadline = models.DateField(_("scadenza iscrizioni"), null=True, blank=True)
    link = models.URLField(_("link"), blank=True)
    dimension_codes = ArrayField(
        models.SlugField(max_length=40),
        verbose_name=_("dimensioni su cui lavora"),
        default=list,
        help_text=DIMENSION_CODES_HELP,
    )
    # Set only by checkup/catalogue.py (the admin action "Pubblica"): publishing tells the firms.
    published_at = models.DateTimeField(_("pubblicato il"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("servizio o corso della Camera")
        verbose_name_plural = _("servizi e corsi della Camera")
        ordering = ["starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(starts_on__lte=models.F("ends_on")),
                name="checkup_service_dates_in_order",
                violation_error_message=_("La data di fine non può precedere quella di inizio."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class FundingInstrument(models.Model):
    """A funding instrument (SIMEST, SACE, regional vouchers) suggested for matching gaps."""

    name = models.CharField(_("nome"), max_length=200)
    provider = models.CharField(_("ente"), max_length=120)
    description = models.TextField(_("descrizione"), blank=True)
    link = models.URLField(_("link"))
    deadline = models.DateField(_("scadenza"), null=True, blank=True)
    dimension_codes = ArrayField(
        models.SlugField(max_length=40),
        verbose_name=_("dimensioni su cui lavora"),
        default=list,
        help_text=DIMENSION_CODES_HELP,
    )
    sectors = models.ManyToManyField(
        Sector,
        blank=True,
        related_name="+",
        verbose_name=_("settori"),
        help_text=_("Vuoto: per tutti i settori."),
    )
    # Set only by checkup/catalogue.py (the admin action "Pubblica"): publishing tells the firms.
    published_at = models.DateTimeField(_("pubblicato il"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("strumento di finanziamento")
        verbose_name_plural = _("strumenti di finanziamento")
        ordering = ["deadline", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.provider})"


class JourneyStage(models.TextChoices):
    """A firm's export journey, in order (checkup/journey.py derives it from the data)."""

    NON_EXPORTER = "non_exporter", _("Non esportatore")
    CHECKUP = "checkup", _("Check-up fatto")
    FIRST_MISSION = "first_mission", _("Prima missione")
    FIRST_CONTACTS = "first_contacts", _("Primi contatti B2B")
    FIRST_OFFER = "first_offer", _("Prima offerta")
    FIRST_ORDER = "first_order", _("Primo ordine")
    REGULAR_EXPORTER = "regular_exporter", _("Esportatore abituale")


class FirmStageOverride(models.Model):
    """Staff set a firm's journey stage by hand, with the reason (the latest one counts).

    Written only through checkup.journey.stage_override_set (admin calls it).
    """

    firm = models.ForeignKey(
        Firm, on_delete=models.CASCADE, related_name="stage_overrides", verbose_name=_("impresa")
    )
    stage = models.CharField(_("fase"), max_length=20, choices=JourneyStage.choices)
    reason = models.CharField(_("motivo"), max_length=300)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("impostata da"),
    )
    at = models.DateTimeField(_("impostata il"))

    class Meta:
        verbose_name = _("fase del percorso impostata dallo staff")
        verbose_name_plural = _("fasi del percorso impostate dallo staff")
        ordering = ["-at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="checkup_override_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.firm} → {self.get_stage_display()}"
