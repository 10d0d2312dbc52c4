import secrets
from datetime import datetime, timedelta
from pathlib import PurePath
from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modeltranslation.manager import MultilingualManager
from simple_history.models import HistoricalRecords

from members.comuni import COMUNE_CHOICES
from members.managers import UserManager


class User(AbstractUser):
    """A person. Logs in with the email address; belongs to at most one firm (Membership)."""

    # Django's documented way to drop an inherited field; django-stubs types it as always a str.
    username = None  # type: ignore[assignment]
    email = models.EmailField(_("email"), unique=True)
    terms_accepted_at = models.DateTimeField(_("termini accettati il"), null=True, blank=True)
    terms_version = models.CharField(_("versione dei termini"), max_length=20, blank=True)
    directory_consent = models.BooleanField(
        _("visibile nell'elenco dei soci"),
        default=False,
        help_text=_("Nome ed email compaiono nella scheda dell'impresa per gli altri soci."),
    )
    newsletter_consent = models.BooleanField(_("riceve la newsletter"), default=False)
    language = models.CharField(
        _("lingua"),
        max_length=5,
        choices=settings.LANGUAGES,
        default="it",
        help_text=_("Lingua delle email e delle notifiche."),
    )
    # Set when the person becomes a German partner's contact (partners.services): the header
    # shows their workspace instead of "La mia impresa" without a query for the reverse
    # one-to-one on every page.
    is_partner_contact = models.BooleanField(
        _("referente di un partner"), default=False, editable=False
    )
    # Set when the person becomes a co-organiser's member (partners.co_organisers.member_add),
    # for the same reasons; neither kind of person ever belongs to a firm
    # (members.services.check_may_belong_to_firm).
    is_co_organiser_member = models.BooleanField(
        _("membro di un co-organizzatore"), default=False, editable=False
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    # Django only needs a BaseUserManager here; django-stubs expects its username-based
    # auth.UserManager, whose create_user() takes a username first.
    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("utente")
        verbose_name_plural = _("utenti")

    def __str__(self) -> str:
        return self.get_full_name() or self.email


class Sector(models.Model):
    """An economic sector with the ATECO 2007 divisions (two-digit prefixes) it covers."""

    name = models.CharField(_("nome"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), unique=True)
    ateco_prefixes = ArrayField(
        models.CharField(max_length=2),
        verbose_name=_("divisioni ATECO"),
        default=list,
        blank=True,
        help_text=_("Divisioni ATECO 2007 a due cifre, separate da virgole (es. 24,25,28)."),
    )

    # django-modeltranslation swaps the default manager for this one at start-up (it rewrites
    # lookups on translated fields); declared here so the type checker sees it too.
    objects = MultilingualManager["Sector"]()

    class Meta:
        # The Italian name (members/translation.py): the plain "name" would sort by the reader's
        # language, where untranslated names are empty.
        ordering = ["name_it"]
        verbose_name = _("settore")
        verbose_name_plural = _("settori")

    def __str__(self) -> str:
        return self.name


ateco_validator = RegexValidator(
    r"^\d{2}(\.\d{1,2}(\.\d{1,2})?)?$",
    _("Indicare un codice ATECO 2007 nella forma 25.62 o 25.62.00."),
)


class Firm(models.Model):
    """A member firm of the province. Pending until Camera staff approve it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("In attesa di approvazione")
        APPROVED = "approved", _("Approvata")
        REJECTED = "rejected", _("Respinta")

    class Employees(models.TextChoices):
        MICRO = "1-9", _("1–9 (micro)")
        SMALL = "10-49", _("10–49 (piccola)")
        MEDIUM = "50-249", _("50–249 (media)")
        LARGE = "250+", _("250 e oltre")

    class ExportShare(models.IntegerChoices):
        NONE = 0, _("Non esportiamo ancora")
        UP_TO_10 = 10, _("Fino al 10%")
        UP_TO_25 = 25, _("11–25%")
        UP_TO_50 = 50, _("26–50%")
        OVER_50 = 100, _("Oltre il 50%")

    class Market(models.TextChoices):
        DE = "DE", _("Germania")
        AT = "AT", _("Austria")
        CH = "CH", _("Svizzera")
        FR = "FR", _("Francia")
        NL = "NL", _("Paesi Bassi")
        BE = "BE", _("Belgio")
        PL = "PL", _("Polonia")
        CZ = "CZ", _("Repubblica Ceca")
        ES = "ES", _("Spagna")
        GB = "GB", _("Regno Unito")
        NORDICS = "NORD", _("Paesi nordici")
        US = "US", _("Stati Uniti")
        OTHER = "ALTRO", _("Altri mercati")

    class Language(models.TextChoices):
        IT = "it", _("Italiano")
        DE = "de", _("Tedesco")
        EN = "en", _("Inglese")
        FR = "fr", _("Francese")
        ES = "es", _("Spagnolo")

    name = models.CharField(_("ragione sociale"), max_length=200)
    vat_number = models.CharField(
        _("partita IVA"),
        max_length=11,
        unique=True,
        validators=[RegexValidator(r"^\d{11}$", _("La partita IVA ha 11 cifre."))],
    )
    ateco_code = models.CharField(_("codice ATECO"), max_length=8, validators=[ateco_validator])
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, related_name="firms", verbose_name=_("settore")
    )
    comune = models.CharField(_("comune"), max_length=60, choices=COMUNE_CHOICES)
    website = models.URLField(_("sito web"), blank=True)
    description = models.TextField(_("descrizione"), blank=True)
    products = models.TextField(
        _("prodotti e servizi"), blank=True, help_text=_("Cosa producete e cosa volete esportare.")
    )
    employees = models.CharField(
        _("addetti"), max_length=8, choices=Employees.choices, default=Employees.MICRO
    )
    export_share = models.PositiveSmallIntegerField(
        _("quota di fatturato esportata"),
        choices=ExportShare.choices,
        default=ExportShare.NONE,
        validators=[MaxValueValidator(100)],
    )
    target_markets = ArrayField(
        models.CharField(max_length=5, choices=Market.choices),
        verbose_name=_("mercati obiettivo"),
        default=list,
        blank=True,
    )
    languages = ArrayField(
        models.CharField(max_length=2, choices=Language.choices),
        verbose_name=_("lingue parlate"),
        default=list,
        blank=True,
    )
    is_mentor = models.BooleanField(
        _("impresa mentore"),
        default=False,
        help_text=_("Impresa che già esporta e affianca le altre."),
    )
    status = models.CharField(
        _("stato"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("creata il"), auto_now_add=True)
    approved_at = models.DateTimeField(_("approvata il"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approvata da"),
    )
    # Set only by members.services.firm_logo_set: a re-encoded PNG under a server-side name
    # (logos/<uuid4 hex>.png), served by members:firm_logo with the firm page's access rule.
    # Set when the firm's last member erased their account (members.privacy.leave_firm): the
    # firm released its seats and has nobody left; staff decide what to do with it (and may
    # clear the flag).
    without_members_since = models.DateTimeField(_("senza membri dal"), null=True, blank=True)
    logo = models.FileField(_("logo"), upload_to="logos/", blank=True, editable=False)
    logo_width = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    logo_height = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    # The history model is built before members/translation.py adds the per-language columns,
    # so they stay out of it: its "description" and "products" keep the text as read in the
    # editor's language (the Italian one, or its fallback).
    history = HistoricalRecords(
        excluded_fields=[
            "approved_by",
            *["description_it", "description_en", "description_de"],
            *["products_it", "products_en", "products_de"],
        ]
    )

    # django-modeltranslation swaps the default manager for this one at start-up (it rewrites
    # lookups on translated fields); declared here so the type checker sees it too.
    objects = MultilingualManager["Firm"]()

    class Meta:
        ordering = ["name"]
        verbose_name = _("impresa")
        verbose_name_plural = _("imprese")
        indexes = [
            models.Index(fields=["status", "name"]),
            models.Index(Upper("name"), name="members_firm_name_upper"),
            GinIndex(fields=["target_markets"], name="members_firm_markets_gin"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(export_share__lte=100), name="members_firm_export_share_pct"
            ),
            # A logo always comes with its size (the pages give <img> its width and height).
            models.CheckConstraint(
                condition=models.Q(logo="", logo_width__isnull=True, logo_height__isnull=True)
                | (~models.Q(logo="") & models.Q(logo_width__gt=0, logo_height__gt=0)),
                name="members_firm_logo_has_size",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("members:firm_detail", args=[self.pk])

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def exports_already(self) -> bool:
        return self.export_share > 0

    @property
    def logo_url(self) -> str:
        """The access-checked logo view; the file's name in the query string changes with
        every new logo, so browsers may cache it."""
        version = PurePath(self.logo.name or "").stem
        return f"{reverse('members:firm_logo', args=[self.pk])}?v={version}"

    def _logo_box(self, box: int) -> tuple[int, int]:
        width, height = self.logo_width or box, self.logo_height or box
        scale = min(1.0, box / max(width, height))
        return max(1, round(width * scale)), max(1, round(height * scale))

    @property
    def logo_small(self) -> tuple[int, int]:
        """Width and height of the logo in a directory row (within 48 × 48)."""
        return self._logo_box(48)

    @property
    def logo_large(self) -> tuple[int, int]:
        """Width and height of the logo on the firm's page (within 160 × 160)."""
        return self._logo_box(160)

    # Profile completeness: (field, label shown when missing). Weights are equal.
    # The texts count in Italian and in German: every mission of the Club goes to Germany, where
    # the partners read the firm's profile in German (members/translation.py); the English
    # version is optional and not counted.
    COMPLETENESS_FIELDS = [
        ("website", _("sito web")),
        ("description_it", _("descrizione")),
        ("products_it", _("prodotti e servizi")),
        ("target_markets", _("mercati obiettivo")),
        ("languages", _("lingue parlate")),
        ("description_de", _("descrizione in tedesco")),
        ("products_de", _("prodotti e servizi in tedesco")),
    ]
    # Required fields always count as present: name, VAT, ATECO, sector, comune, employees.
    _REQUIRED_COUNT = 6

    def completeness(self) -> tuple[int, list[str]]:
        """Percentage of the profile filled in, and the labels of what is missing."""
        missing = [
            str(label) for field, label in self.COMPLETENESS_FIELDS if not getattr(self, field)
        ]
        total = self._REQUIRED_COUNT + len(self.COMPLETENESS_FIELDS)
        return round(100 * (total - len(missing)) / total), missing


class FirmChangeRequest(models.Model):
    """An approved firm's request to change its ragione sociale, partita IVA or sector.

    Those fields identify the firm and decide what it may apply for, so staff approve the change
    (members.services.firm_change_requests_decide) before it applies. Holds the values asked
    for, all three (unchanged ones as they were); one pending request per firm.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("In attesa")
        APPROVED = "approved", _("Approvata")
        REJECTED = "rejected", _("Respinta")

    # The fields that change only through a request, once the firm is approved.
    FIELDS = ("name", "vat_number", "sector")

    firm = models.ForeignKey(
        Firm, on_delete=models.CASCADE, related_name="change_requests", verbose_name=_("impresa")
    )
    name = models.CharField(_("nuova ragione sociale"), max_length=200)
    vat_number = models.CharField(_("nuova partita IVA"), max_length=11)
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, related_name="+", verbose_name=_("nuovo settore")
    )
    status = models.CharField(
        _("stato"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("richiesta da"),
    )
    created_at = models.DateTimeField(_("richiesta il"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decisa il"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decisa da"),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("richiesta di modifica dell'impresa")
        verbose_name_plural = _("richieste di modifica delle imprese")
        constraints = [
            models.UniqueConstraint(
                "firm",
                condition=models.Q(status="pending"),
                name="members_firmchangerequest_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.firm} → {self.name}"


class Membership(models.Model):
    """A person's place in a firm. One firm per person (the OneToOne enforces it)."""

    class Role(models.TextChoices):
        OWNER = "owner", _("Referente")
        MEMBER = "member", _("Collaboratore")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="membership",
        verbose_name=_("utente"),
    )
    firm = models.ForeignKey(
        Firm, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("impresa")
    )
    role = models.CharField(_("ruolo"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(_("dal"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["firm", "-role", "user__email"]
        verbose_name = _("appartenenza")
        verbose_name_plural = _("appartenenze")

    def __str__(self) -> str:
        return f"{self.user} — {self.firm} ({self.get_role_display()})"

    @property
    def is_owner(self) -> bool:
        return self.role == self.Role.OWNER


def _invitation_token() -> str:
    return secrets.token_urlsafe(32)


class Invitation(models.Model):
    """An owner's invitation to a colleague, by email. Accepted once, by that email's user."""

    firm = models.ForeignKey(
        Firm, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("impresa")
    )
    email = models.EmailField(_("email"))
    role = models.CharField(
        _("ruolo"), max_length=10, choices=Membership.Role.choices, default=Membership.Role.MEMBER
    )
    token = models.CharField(max_length=64, unique=True, default=_invitation_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("creato il"), auto_now_add=True)
    sent_at = models.DateTimeField(_("email inviata il"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accettato il"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revocato il"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invito")
        verbose_name_plural = _("inviti")
        constraints = [
            models.UniqueConstraint(
                "firm",
                "email",
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="members_invitation_one_open_per_email",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.firm}"

    @staticmethod
    def valid_since() -> datetime:
        """Invitations created before this moment have expired (INVITATION_VALID_DAYS)."""
        return timezone.now() - timedelta(days=settings.INVITATION_VALID_DAYS)

    @property
    def expires_at(self) -> datetime:
        return self.created_at + timedelta(days=settings.INVITATION_VALID_DAYS)

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


class JoinRequest(models.Model):
    """A user's request to join an existing firm; the firm's owner accepts or declines it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("In attesa")
        ACCEPTED = "accepted", _("Accettata")
        DECLINED = "declined", _("Rifiutata")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_requests"
    )
    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="join_requests")
    message = models.CharField(_("messaggio"), max_length=300, blank=True)
    status = models.CharField(
        _("stato"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("inviata il"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decisa il"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("richiesta di adesione")
        verbose_name_plural = _("richieste di adesione")
        constraints = [
            models.UniqueConstraint(
                "user",
                condition=models.Q(status="pending"),
                name="members_joinrequest_one_pending_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.firm}"


class Consent(models.Model):
    """One grant or withdrawal of a consent: an append-only log, the proof asked by GDPR art. 7(1).

    The User's boolean flags say what holds now; these rows say when and under which version of
    the privacy notice it was given or taken back. Rows are never updated.
    """

    class Kind(models.TextChoices):
        TERMS = "terms", _("Termini d'uso e informativa sulla privacy")
        DIRECTORY = "directory", _("Visibilità nell'elenco dei soci")
        NEWSLETTER = "newsletter", _("Newsletter del Club")

    class Source(models.TextChoices):
        SIGNUP = "signup", _("Registrazione")
        PRIVACY_PAGE = "privacy_page", _("Pagina privacy")
        ERASURE = "erasure", _("Cancellazione dell'account")
        BACKFILL = "backfill", _("Ricostruito dai dati dell'account")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="consents",
        verbose_name=_("utente"),
    )
    kind = models.CharField(_("consenso"), max_length=12, choices=Kind.choices)
    granted = models.BooleanField(_("concesso"))
    policy_version = models.CharField(_("versione dell'informativa"), max_length=20)
    source = models.CharField(_("origine"), max_length=12, choices=Source.choices)
    created_at = models.DateTimeField(_("registrato il"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("consenso")
        verbose_name_plural = _("registro dei consensi")
        indexes = [models.Index(fields=["user", "-created_at"], name="members_consent_user")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.granted}"


class DataRequest(models.Model):
    """A data subject's request (GDPR arts. 15-17): answered within one month (art. 12(3)).

    Self-service exports and erasures are logged here already completed; requests that need a
    person (e.g. correcting the firm's records) stay open for Camera staff until marked done.
    """

    DEADLINE_DAYS = 30

    class Kind(models.TextChoices):
        EXPORT = "export", _("Copia dei dati (accesso e portabilità)")
        ERASURE = "erasure", _("Cancellazione")
        RECTIFICATION = "rectification", _("Rettifica")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="data_requests",
        verbose_name=_("utente"),
    )
    # The address at the time of the request, so staff can answer even if the account changes.
    email_snapshot = models.EmailField(_("email al momento della richiesta"))
    kind = models.CharField(_("tipo"), max_length=15, choices=Kind.choices)
    note = models.TextField(_("nota"), blank=True)
    created_at = models.DateTimeField(_("ricevuta il"), default=timezone.now)
    completed_at = models.DateTimeField(_("evasa il"), null=True, blank=True)

    class Meta:
        # Open requests first (NULLs would sort last by default), the oldest on top.
        ordering = [models.F("completed_at").asc(nulls_first=True), "created_at", "pk"]
        verbose_name = _("richiesta sui dati personali")
        verbose_name_plural = _("richieste sui dati personali")
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(completed_at__isnull=True),
                name="members_datarequest_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.email_snapshot}"

    @property
    def days_left(self) -> int:
        """Days until the one-month deadline; negative when overdue."""
        elapsed = (timezone.localdate() - timezone.localdate(self.created_at)).days
        return self.DEADLINE_DAYS - elapsed

    @property
    def is_open(self) -> bool:
        return self.completed_at is None
