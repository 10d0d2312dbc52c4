"""The German partners' workspace: the people of a partner organisation (missions.Partner) who
sign in without a password, their invitations to missions and their single-use sign-in links."""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from missions.models import Mission, Partner


def token_hash(token: str) -> str:
    """The only form in which a sign-in token is stored (SHA-256, hex)."""
    return hashlib.sha256(token.encode()).hexdigest()


class PartnerContact(models.Model):
    """A person of a German partner organisation. Their account is a members.User with no usable
    password, never staff and never in a firm; they sign in with links sent by email. The language
    of their emails and pages is the user's `language` (German unless they choose otherwise)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="partner_contact",
        verbose_name=_("utente"),
    )
    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("partner")
    )
    role = models.CharField(_("ruolo nell'organizzazione"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("creato il"), auto_now_add=True)

    class Meta:
        ordering = ["partner__name", "user__email"]
        verbose_name = _("referente di un partner")
        verbose_name_plural = _("referenti dei partner")

    def __str__(self) -> str:
        return f"{self.user} ({self.partner.name})"


class PartnerInvitation(models.Model):
    """Staff invited a contact to a mission: the contact sees that mission in their workspace.

    Also the durable row of the invitation email (`sent_at`): the sweeper sends what a lost task
    left unsent."""

    contact = models.ForeignKey(
        PartnerContact,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("referente"),
    )
    mission = models.ForeignKey(
        Mission,
        on_delete=models.CASCADE,
        related_name="partner_invitations",
        verbose_name=_("missione"),
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invitato da"),
    )
    created_at = models.DateTimeField(_("creato il"), default=timezone.now)
    sent_at = models.DateTimeField(_("email inviata il"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invito di un partner")
        verbose_name_plural = _("inviti dei partner")
        constraints = [
            models.UniqueConstraint("contact", "mission", name="partners_invitation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.contact} → {self.mission}"


class SignInLink(models.Model):
    """A personal sign-in link: used once, valid PARTNER_LINK_VALID_HOURS. Only the hash of its
    token is stored; the token itself exists only in the email."""

    contact = models.ForeignKey(
        PartnerContact, on_delete=models.CASCADE, related_name="links", verbose_name=_("referente")
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("creato il"), default=timezone.now)
    expires_at = models.DateTimeField(_("scade il"))
    used_at = models.DateTimeField(_("usato il"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("link di accesso")
        verbose_name_plural = _("link di accesso")

    def __str__(self) -> str:
        return f"{self.contact} · {self.created_at:%Y-%m-%d %H:%M}"

    @staticmethod
    def lifetime() -> timedelta:
        return timedelta(hours=settings.PARTNER_LINK_VALID_HOURS)


# --- Co-organisers ------------------------------------------------------------------------------


class CoOrganiser(models.Model):
    """An intermediary organisation (a German chamber, an Italian chamber abroad, an Enterprise
    Europe Network partner) whose members manage only their own partners (CoOrganiserPartner) on
    the missions staff assign to it (CoOrganiserMission)."""

    class Kind(models.TextChoices):
        CHAMBER = "chamber", _("Camera di commercio tedesca (IHK/AHK)")
        ITALIAN_CHAMBER = "italian_chamber", _("Camera di commercio italiana all'estero")
        EEN = "een", _("Enterprise Europe Network")
        OTHER = "other", _("Altro")

    name = models.CharField(_("nome"), max_length=200, unique=True)
    kind = models.CharField(_("tipo"), max_length=20, choices=Kind.choices)
    country = models.CharField(
        _("paese"),
        max_length=2,
        default="DE",
        validators=[RegexValidator(r"^[A-Z]{2}$", _("Codice ISO del paese, es. DE."))],
        help_text=_("Codice ISO a due lettere, es. DE."),
    )
    website = models.URLField(_("sito web"), blank=True)
    created_at = models.DateTimeField(_("creato il"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("co-organizzatore")
        verbose_name_plural = _("co-organizzatori")

    def __str__(self) -> str:
        return self.name


class CoOrganiserMember(models.Model):
    """A person of a co-organiser: an ordinary account with a password (allauth's login), never
    staff, never in a firm and never a partner contact (partners.co_organisers.member_invite)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="co_organiser_member",
        verbose_name=_("utente"),
    )
    co_organiser = models.ForeignKey(
        CoOrganiser,
        on_delete=models.CASCADE,
        related_name="members",
        verbose_name=_("co-organizzatore"),
    )
    created_at = models.DateTimeField(_("creato il"), auto_now_add=True)

    class Meta:
        ordering = ["co_organiser__name", "user__email"]
        verbose_name = _("membro di un co-organizzatore")
        verbose_name_plural = _("membri dei co-organizzatori")

    def __str__(self) -> str:
        return f"{self.user} ({self.co_organiser.name})"


class CoOrganiserPartner(models.Model):
    """A partner the co-organiser brings: its members see and manage it (and only such)."""

    co_organiser = models.ForeignKey(
        CoOrganiser,
        on_delete=models.CASCADE,
        related_name="partner_links",
        verbose_name=_("co-organizzatore"),
    )
    partner = models.ForeignKey(
        Partner,
        on_delete=models.CASCADE,
        related_name="co_organiser_links",
        verbose_name=_("partner"),
    )
    created_at = models.DateTimeField(_("creato il"), auto_now_add=True)

    class Meta:
        ordering = ["co_organiser__name", "partner__name"]
        verbose_name = _("partner di un co-organizzatore")
        verbose_name_plural = _("partner dei co-organizzatori")
        constraints = [
            models.UniqueConstraint(
                "co_organiser", "partner", name="partners_coorganiserpartner_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.co_organiser} · {self.partner.name}"


class CoOrganiserMission(models.Model):
    """A mission the co-organiser works on (staff assign it in admin)."""

    co_organiser = models.ForeignKey(
        CoOrganiser,
        on_delete=models.CASCADE,
        related_name="mission_links",
        verbose_name=_("co-organizzatore"),
    )
    mission = models.ForeignKey(
        Mission,
        on_delete=models.CASCADE,
        related_name="co_organiser_links",
        verbose_name=_("missione"),
    )
    created_at = models.DateTimeField(_("creato il"), auto_now_add=True)

    class Meta:
        ordering = ["co_organiser__name", "mission__start_date"]
        verbose_name = _("missione di un co-organizzatore")
        verbose_name_plural = _("missioni dei co-organizzatori")
        constraints = [
            models.UniqueConstraint(
                "co_organiser", "mission", name="partners_coorganisermission_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.co_organiser} · {self.mission}"
