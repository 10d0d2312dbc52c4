from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.models import Firm, User


class Tag(models.Model):
    """A label of a post: a sector, a German city or region, or a topic."""

    class Kind(models.TextChoices):
        SECTOR = "sector", _("Settore")
        PLACE = "place", _("Città o regione")
        TOPIC = "topic", _("Tema")

    kind = models.CharField(_("tipo"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("nome"), max_length=80)
    slug = models.SlugField(max_length=80)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("etichetta")
        verbose_name_plural = _("etichette")
        constraints = [models.UniqueConstraint("kind", "slug", name="board_tag_unique")]

    def __str__(self) -> str:
        return self.name


class MentorProfile(models.Model):
    """A mentor firm's expertise, shown as its badge, and how many requests it takes."""

    firm = models.OneToOneField(Firm, on_delete=models.CASCADE, related_name="mentor_profile")
    markets = models.CharField(_("mercati in cui esporta"), max_length=200, blank=True)
    expertise = models.TextField(_("competenze"), blank=True)
    years_exporting = models.PositiveSmallIntegerField(_("anni di export"), default=0)
    max_open_requests = models.PositiveSmallIntegerField(
        _("richieste di affiancamento accettate al massimo"),
        default=3,
        validators=[MaxValueValidator(50)],
    )

    class Meta:
        verbose_name = _("profilo mentore")
        verbose_name_plural = _("profili mentore")

    def __str__(self) -> str:
        return str(self.firm)


class Post(models.Model):
    """An experience (mentor firms) or a question (any member), in sanitised Markdown."""

    class Kind(models.TextChoices):
        EXPERIENCE = "experience", _("Esperienza")
        QUESTION = "question", _("Domanda")

    kind = models.CharField(_("tipo"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("titolo"), max_length=200)
    body = models.TextField(_("testo (Markdown)"))
    body_html = models.TextField(editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="posts"
    )
    author_firm = models.ForeignKey(
        Firm, on_delete=models.SET_NULL, null=True, related_name="posts", verbose_name=_("impresa")
    )
    tags = models.ManyToManyField(
        Tag, blank=True, related_name="posts", verbose_name=_("etichette")
    )
    mission = models.ForeignKey(
        "missions.Mission",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="posts",
        verbose_name=_("missione collegata"),
    )
    answer = models.ForeignKey(
        "Comment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("risposta scelta"),
    )
    is_hidden = models.BooleanField(_("nascosto"), default=False)
    is_pinned = models.BooleanField(_("in evidenza"), default=False)
    is_locked = models.BooleanField(_("commenti chiusi"), default=False)
    comment_count = models.PositiveIntegerField(default=0, editable=False)
    # Set when the author deletes the post: the row stays as a tombstone (its reports and the
    # moderators' reasons point at it) and no page shows it any more (selectors.visible_posts).
    deleted_at = models.DateTimeField(_("eliminato il"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("pubblicato il"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    last_activity_at = models.DateTimeField(_("ultima attività"), auto_now_add=True)
    search = SearchVectorField(null=True, editable=False)
    history = HistoricalRecords(excluded_fields=["search", "body_html", "author"])

    # Not a column: whether the reader follows the post, set by selectors.post_detail.
    followed: bool

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("post")
        verbose_name_plural = _("post")
        indexes = [
            # Keyset pagination: the list walks these indexes, however deep the page.
            models.Index(fields=["-created_at", "-id"], name="board_post_newest"),
            models.Index(fields=["-last_activity_at", "-id"], name="board_post_active"),
            models.Index(
                fields=["-created_at", "-id"],
                condition=Q(is_hidden=False),
                name="board_post_visible_newest",
            ),
            GinIndex(fields=["search"], name="board_post_search"),
            models.Index(
                fields=["-created_at"], condition=Q(is_pinned=True), name="board_post_pinned"
            ),
        ]
        constraints = [
            # The services keep the count; this keeps it sane whatever path writes.
            models.CheckConstraint(
                condition=Q(comment_count__gte=0), name="board_post_comment_count_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("board:detail", args=[self.pk])


class Comment(models.Model):
    """A comment on a post, or a reply to a comment (one level of threading)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="comments"
    )
    author_firm = models.ForeignKey(Firm, on_delete=models.SET_NULL, null=True, related_name="+")
    body = models.TextField(_("commento (Markdown)"))
    body_html = models.TextField(editable=False)
    is_hidden = models.BooleanField(_("nascosto"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("commento")
        verbose_name_plural = _("commenti")
        indexes = [models.Index(fields=["post", "created_at"])]

    def __str__(self) -> str:
        return f"{self.author} → {self.post}"


class Attachment(models.Model):
    """A file attached to a post: a PDF, or a PNG or JPEG re-encoded on upload.

    Written only by board.services (content checks, limits); served only by the board:attachment
    view, which applies the post's visibility. The stored name (attachments/<uuid4 hex>.<ext>)
    is ours; the client's file name is kept, sanitised, only to show and to name the download.
    """

    class ContentType(models.TextChoices):
        PDF = "application/pdf", "PDF"
        PNG = "image/png", "PNG"
        JPEG = "image/jpeg", "JPEG"

    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("post")
    )
    file = models.FileField(_("file"), upload_to="attachments/", editable=False)
    original_name = models.CharField(_("nome del file"), max_length=120)
    content_type = models.CharField(_("tipo"), max_length=40, choices=ContentType.choices)
    size = models.PositiveIntegerField(_("dimensione (byte)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("caricato da"),
    )
    created_at = models.DateTimeField(_("caricato il"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("allegato")
        verbose_name_plural = _("allegati")
        constraints = [
            models.CheckConstraint(condition=Q(size__gt=0), name="board_attachment_not_empty"),
            models.UniqueConstraint(fields=["file"], name="board_attachment_file_unique"),
        ]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("board:attachment", args=[self.post_id, self.pk])


class Follow(models.Model):
    """A user follows a tag, a post or a mentor firm (exactly one of them)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    tag = models.ForeignKey(
        Tag, on_delete=models.CASCADE, null=True, blank=True, related_name="followers"
    )
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, null=True, blank=True, related_name="followers"
    )
    mentor = models.ForeignKey(
        Firm, on_delete=models.CASCADE, null=True, blank=True, related_name="followers"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("segue")
        verbose_name_plural = _("seguiti")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(tag__isnull=False, post__isnull=True, mentor__isnull=True)
                    | Q(tag__isnull=True, post__isnull=False, mentor__isnull=True)
                    | Q(tag__isnull=True, post__isnull=True, mentor__isnull=False)
                ),
                name="board_follow_one_target",
            ),
            models.UniqueConstraint("user", "tag", name="board_follow_tag_unique"),
            models.UniqueConstraint("user", "post", name="board_follow_post_unique"),
            models.UniqueConstraint("user", "mentor", name="board_follow_mentor_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.tag or self.post or self.mentor}"


class MentorshipRequest(models.Model):
    """A newcomer firm asks a mentor firm for help on a topic."""

    class Status(models.TextChoices):
        PENDING = "pending", _("In attesa")
        ACCEPTED = "accepted", _("Accettata")
        DECLINED = "declined", _("Rifiutata")
        WITHDRAWN = "withdrawn", _("Ritirata")

    requester = models.ForeignKey(
        Firm, on_delete=models.CASCADE, related_name="mentorship_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    mentor = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="mentorship_offers")
    topic = models.CharField(_("tema"), max_length=150)
    message = models.TextField(_("messaggio"), max_length=2000)
    status = models.CharField(
        _("stato"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    # The mentor's person who answered: on acceptance, the requester sees them as the contact.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decisa da"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    # Not a column: the other firm's people this pair may contact, set by
    # selectors.mentorship_requests (empty until accepted).
    contacts: list[User]

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("richiesta di affiancamento")
        verbose_name_plural = _("richieste di affiancamento")
        constraints = [
            models.UniqueConstraint(
                "requester",
                "mentor",
                condition=Q(status__in=["pending", "accepted"]),
                name="board_mentorship_one_open",
            ),
            models.CheckConstraint(
                condition=~Q(requester=models.F("mentor")), name="board_mentorship_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.requester} → {self.mentor}: {self.topic}"


class Report(models.Model):
    """A user's report of a post or comment, for the moderators."""

    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, null=True, blank=True, related_name="reports"
    )
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="reports"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.CharField(_("motivo"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(_("gestita il"), null=True, blank=True)

    class Meta:
        ordering = ["resolved_at", "-created_at"]
        verbose_name = _("segnalazione")
        verbose_name_plural = _("segnalazioni")

    def __str__(self) -> str:
        return self.reason[:60]


class ModerationAction(models.Model):
    """What a moderator did and why (hide, show, pin, unpin, lock, unlock)."""

    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, null=True, blank=True, related_name="moderation"
    )
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="moderation"
    )
    action = models.CharField(_("azione"), max_length=20)
    reason = models.CharField(_("motivo"), max_length=300)
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("azione di moderazione")
        verbose_name_plural = _("azioni di moderazione")

    def __str__(self) -> str:
        return f"{self.action}: {self.reason}"
