from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.shortcuts import render
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from board import services
from board.models import (
    Attachment,
    Comment,
    Follow,
    MentorProfile,
    MentorshipRequest,
    ModerationAction,
    Post,
    Report,
    Tag,
)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Motivo (registrato)"), max_length=300)


def _moderation_action(action: str, label):
    """An admin action that asks for the reason on an intermediate page, then logs it."""

    @admin.action(description=label, permissions=("change",))
    def run(modeladmin, request, queryset):
        form = ReasonForm(request.POST if "reason" in request.POST else None)
        if form.is_valid():
            target = "posts" if queryset.model is Post else "comments"
            count = services.moderate(
                moderator=request.user,
                action=action,
                reason=form.cleaned_data["reason"],
                **{target: list(queryset)},
            )
            modeladmin.message_user(
                request,
                ngettext("%d elemento moderato.", "%d elementi moderati.", count) % count,
                messages.SUCCESS,
            )
            return None
        return render(
            request,
            "admin/board/moderation_reason.html",
            {
                "form": form,
                "objects": queryset,
                "action": f"{action}",
                "action_label": label,
                "checkbox_name": ACTION_CHECKBOX_NAME,
                "opts": modeladmin.model._meta,
                "title": label,
            },
        )

    run.__name__ = action
    return run


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "slug"]
    list_filter = ["kind"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


class ModerationInline(admin.TabularInline):
    model = ModerationAction
    extra = 0
    readonly_fields = ["created_at", "action", "reason", "moderator"]
    fields = [*readonly_fields]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class AttachmentInline(admin.TabularInline):
    """Read-only: files are added and removed by their author, through board.services (content
    checks, limits). Staff who must take a file down hide the post, or delete it."""

    model = Attachment
    extra = 0
    readonly_fields = ["download", "content_type", "size", "uploaded_by", "created_at"]
    fields = [*readonly_fields]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("file"))
    def download(self, obj: Attachment) -> str:
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.original_name)


@admin.register(Post)
class PostAdmin(SimpleHistoryAdmin):
    list_display = [
        "title",
        "kind",
        "author_firm",
        "created_at",
        "deleted_at",
        "comment_count",
        "is_hidden",
        "is_pinned",
        "is_locked",
        "open_reports",
    ]
    list_filter = [
        "kind",
        "is_hidden",
        "is_pinned",
        "is_locked",
        ("deleted_at", admin.EmptyFieldListFilter),  # tombstones of posts their authors deleted
        "tags",
    ]
    search_fields = ["title", "body", "author_firm__name"]
    list_select_related = ["author_firm"]
    # The author's words are read-only: board.services renders the body to the stored HTML and
    # indexes title and body for search, so a form edit here would leave both stale. Staff
    # moderate with the actions (hide, lock...), each logged with its reason.
    readonly_fields = [
        "title",
        "body",
        "author",
        "author_firm",
        "body_html",
        "created_at",
        "comment_count",
        "is_hidden",
        "is_pinned",
        "is_locked",
    ]
    fields = ["kind", "tags", "mission", *readonly_fields]
    inlines = [AttachmentInline, ModerationInline]
    actions = [
        _moderation_action("hide", _("Nascondi (con motivo)")),
        _moderation_action("show", _("Rendi visibile (con motivo)")),
        _moderation_action("pin", _("Metti in evidenza (con motivo)")),
        _moderation_action("unpin", _("Togli dall'evidenza (con motivo)")),
        _moderation_action("lock", _("Chiudi i commenti (con motivo)")),
        _moderation_action("unlock", _("Riapri i commenti (con motivo)")),
    ]

    def has_add_permission(self, request):
        return False

    # Deletions go through the service, which also deletes the attachments' files after commit.
    def delete_model(self, request, obj):
        services.posts_delete(posts=Post.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        services.posts_delete(posts=queryset)

    def get_queryset(self, request):
        from django.db.models import Count, Q

        return (
            super()
            .get_queryset(request)
            .annotate(reports_open=Count("reports", filter=Q(reports__resolved_at__isnull=True)))
        )

    @admin.display(description=_("segnalazioni aperte"), ordering="reports_open")
    def open_reports(self, obj):
        return obj.reports_open


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["post", "author_firm", "created_at", "is_hidden"]
    list_filter = ["is_hidden"]
    search_fields = ["body", "post__title"]
    list_select_related = ["post", "author", "author_firm"]
    # The body is read-only for the reason given on PostAdmin; staff hide a comment instead.
    readonly_fields = [
        "post",
        "parent",
        "author",
        "author_firm",
        "body",
        "body_html",
        "is_hidden",
    ]
    actions = [
        _moderation_action("hide", _("Nascondi (con motivo)")),
        _moderation_action("show", _("Rendi visibile (con motivo)")),
    ]

    def has_add_permission(self, request):
        return False


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Users' reports; moderating the post or comment marks them handled."""

    list_display = ["created_at", "reason", "post", "comment", "reporter", "resolved_at"]
    list_filter = [("resolved_at", admin.EmptyFieldListFilter)]
    list_select_related = ["post", "comment", "reporter"]
    readonly_fields = ["post", "comment", "reporter", "reason", "created_at"]


@admin.register(MentorProfile)
class MentorProfileAdmin(admin.ModelAdmin):
    list_display = ["firm", "years_exporting", "markets", "max_open_requests"]
    autocomplete_fields = ["firm"]


@admin.register(MentorshipRequest)
class MentorshipRequestAdmin(admin.ModelAdmin):
    """Requests are made by a firm and answered by the mentor firm, or by staff through the
    actions (board.services.mentorship_decide: the mentor's capacity, the notification)."""

    list_display = ["requester", "mentor", "topic", "status", "created_at", "decided_at"]
    list_filter = ["status"]
    list_select_related = ["requester", "mentor"]
    readonly_fields = [
        "requester",
        "requested_by",
        "mentor",
        "topic",
        "message",
        "status",
        "created_at",
        "decided_at",
        "decided_by",
    ]
    actions = ["accept", "decline"]

    def has_add_permission(self, request):
        return False

    def _decide(self, request, queryset, *, accept: bool) -> int:
        count = 0
        pending = queryset.filter(status=MentorshipRequest.Status.PENDING)
        for mentorship in pending.select_related("mentor"):
            try:
                services.mentorship_decide(
                    request_id=mentorship.pk, mentor=mentorship.mentor, accept=accept
                )
            except services.MentorFull:
                self.message_user(
                    request,
                    _("%(mentor)s ha già il massimo di affiancamenti accettati.")
                    % {"mentor": mentorship.mentor},
                    messages.ERROR,
                )
            except MentorshipRequest.DoesNotExist:
                pass  # decided meanwhile
            else:
                count += 1
        return count

    @admin.action(description=_("Accetta per il mentore"), permissions=["change"])
    def accept(self, request, queryset):
        count = self._decide(request, queryset, accept=True)
        self.message_user(
            request,
            ngettext("%d richiesta accettata.", "%d richieste accettate.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Rifiuta per il mentore"), permissions=["change"])
    def decline(self, request, queryset):
        count = self._decide(request, queryset, accept=False)
        self.message_user(
            request, ngettext("%d richiesta rifiutata.", "%d richieste rifiutate.", count) % count
        )


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ["user", "tag", "post", "mentor", "created_at"]
    list_select_related = ["user", "tag", "post", "mentor"]
