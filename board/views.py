from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from board import markdown, selectors, services
from board.forms import (
    EXPERIENCE_TEMPLATE,
    AttachmentsForm,
    CommentForm,
    FollowForm,
    MentorProfileForm,
    MentorshipForm,
    PostForm,
    ReportForm,
)
from board.models import Attachment, Comment, Follow, MentorProfile, MentorshipRequest, Post, Tag
from core import uploads
from core.confirm import confirmation_page, confirmed
from core.fragment_cache import render_cards
from core.http import AuthenticatedHttpRequest, posted
from core.staff import has_staff_powers
from members.access import approved_member_required, get_membership
from members.models import Firm


def _get_post_for_user(request: AuthenticatedHttpRequest, post_id: int) -> Post:
    try:
        return selectors.post_detail(user=request.user, post_id=post_id)
    except Post.DoesNotExist:
        raise Http404 from None


def _get_visible_post(request: AuthenticatedHttpRequest, post_id: int) -> Post:
    post = selectors.visible_posts(user=request.user).filter(pk=post_id).first()
    if post is None:
        raise Http404
    return post


def _get_attachment_for_user(
    request: AuthenticatedHttpRequest, post_id: int, attachment_id: int
) -> Attachment:
    try:
        return selectors.attachment_for_user(
            user=request.user, post_id=post_id, attachment_id=attachment_id
        )
    except Attachment.DoesNotExist:
        raise Http404 from None


# A rejected file is shown as the error of the attachments field.
FILE_ERRORS = (uploads.UploadRejected, services.TooManyAttachments)


@approved_member_required
def post_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = selectors.board_page(user=request.user, params=request.GET)
    cards = render_cards(
        page["posts"],
        template_name="board/_post_card.html",
        name="post",
        state=_post_card_state,
        prefetch=["tags"],
    )
    return render(request, "board/list.html", {**page, "cards": cards})


def _post_card_state(post: Post) -> tuple[object, ...]:
    # What a card shows that can change: edits (tags included) move updated_at; comments,
    # answers and moderation are written with update(), which does not.
    firm = post.author_firm
    return (
        post.updated_at,
        post.comment_count,
        post.answer_id,
        post.is_hidden,
        firm and (firm.name, firm.is_mentor),
    )


@approved_member_required
def post_detail(request: AuthenticatedHttpRequest, post_id: int) -> HttpResponse:
    post = _get_post_for_user(request, post_id)
    # The comments are cached cards: what the viewer may do is in each card's key as booleans
    # (may choose the answer; which of the thread's comments are theirs), never who they are.
    may_choose_answer = post.author_id == request.user.pk or has_staff_powers(request.user)

    def own(comment: Comment) -> frozenset[int]:
        thread = [comment, *_replies(comment)]
        return frozenset(c.pk for c in thread if c.author_id == request.user.pk)

    top_comments: list[Comment] = post.top_comments  # type: ignore[attr-defined]  # prefetched
    comment_cards = render_cards(
        top_comments,
        template_name="board/_comment.html",
        name="comment",
        state=lambda comment: (
            _comment_state(comment),
            tuple(_comment_state(reply) for reply in _replies(comment)),
            (post.pk, post.kind, post.answer_id == comment.pk, post.is_locked, post.is_hidden),
            may_choose_answer,
            tuple(sorted(own(comment))),
        ),
        context=lambda comment: {
            "post": post,
            "may_choose_answer": may_choose_answer,
            "own": own(comment),
        },
        csrf_token=get_token(request),
    )
    return render(
        request,
        "board/detail.html",
        {
            "post": post,
            "comment_cards": comment_cards,
            "comment_form": CommentForm(),
            "report_form": ReportForm(),
        },
    )


def _replies(comment: Comment) -> list[Comment]:
    return comment.visible_replies  # type: ignore[attr-defined]  # prefetched


def _comment_state(comment: Comment) -> tuple[object, ...]:
    # Everything a comment's card shows that can change: its text, visibility and edit time,
    # and its author's names and mentor badge.
    firm, author = comment.author_firm, comment.author
    return (
        comment.pk,
        comment.body_html,
        comment.is_hidden,
        comment.created_at,
        comment.updated_at,
        (firm.name, firm.is_mentor) if firm else None,
        author.get_full_name() if author else None,
    )


@approved_member_required
@require_http_methods(["GET", "POST"])
def post_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    membership = get_membership(request.user)
    is_mentor = bool(membership and membership.firm.is_mentor)
    kind = request.GET.get("tipo") or request.POST.get("kind") or Post.Kind.QUESTION
    if kind not in Post.Kind.values or (kind == Post.Kind.EXPERIENCE and not is_mentor):
        kind = Post.Kind.QUESTION
    initial = {"body": str(EXPERIENCE_TEMPLATE)} if kind == Post.Kind.EXPERIENCE else {}
    form = PostForm(posted(request), initial=initial)
    files_form = AttachmentsForm(posted(request), request.FILES)
    if request.method == "POST" and all([form.is_valid(), files_form.is_valid()]):
        try:
            post = services.post_create(
                author=request.user,
                kind=kind,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                tags=list(form.cleaned_data["tags"]),
                mission=form.cleaned_data["mission"],
                files=files_form.cleaned_data["files"],
            )
        except FILE_ERRORS as exc:
            files_form.add_error("files", str(exc))
        except services.BoardError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Pubblicato."))
            return redirect(post)
    return render(
        request,
        "board/form.html",
        {"form": form, "files_form": files_form, "kind": kind, "is_mentor": is_mentor},
    )


@approved_member_required
@require_http_methods(["GET", "POST"])
def post_edit(request: AuthenticatedHttpRequest, post_id: int) -> HttpResponse:
    post = _get_visible_post(request, post_id)
    if post.author_id != request.user.pk:
        raise Http404
    if post.is_hidden or post.is_locked:
        messages.error(request, str(services.PostModerated()))
        return redirect(post)
    initial = {
        "title": post.title,
        "body": post.body,
        "tags": post.tags.all(),
        "mission": post.mission,
    }
    form = PostForm(posted(request), initial=initial)
    files_form = AttachmentsForm(posted(request), request.FILES)
    if request.method == "POST" and all([form.is_valid(), files_form.is_valid()]):
        try:
            services.post_update(
                post_id=post.pk,
                user=request.user,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                tags=list(form.cleaned_data["tags"]),
                files=files_form.cleaned_data["files"],
            )
        except FILE_ERRORS as exc:
            files_form.add_error("files", str(exc))
        except services.PostModerated as exc:
            messages.error(request, str(exc))
            return redirect(post)
        else:
            messages.success(request, _("Modifiche salvate."))
            return redirect(post)
    context = {
        "form": form,
        "files_form": files_form,
        "kind": post.kind,
        "post": post,
        "attachments": post.attachments.all(),
    }
    return render(request, "board/form.html", context)


@approved_member_required
@require_POST
def attachment_remove(
    request: AuthenticatedHttpRequest, post_id: int, attachment_id: int
) -> HttpResponse:
    # The service checks visibility and authorship under the post's lock; to anyone but the
    # author the attachment does not exist.
    try:
        services.attachment_remove(post_id=post_id, attachment_id=attachment_id, user=request.user)
    except (Post.DoesNotExist, Attachment.DoesNotExist, PermissionDenied):
        raise Http404 from None
    except services.PostModerated as exc:
        messages.error(request, str(exc))
        return redirect("board:detail", post_id=post_id)
    messages.success(request, _("Allegato rimosso."))
    return redirect("board:edit", post_id=post_id)


@approved_member_required
@require_safe
def attachment_download(
    request: AuthenticatedHttpRequest, post_id: int, attachment_id: int
) -> FileResponse:
    """The file, to whoever may see the post; always a download, never rendered by the site."""
    attachment = _get_attachment_for_user(request, post_id, attachment_id)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Should a browser render it anyway (a PDF viewer, an image opened in a tab): no scripts,
    # no same-origin access, nothing loaded.
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; frame-ancestors 'none'"
    # Not kept by caches: a post hidden by the moderators must stop serving its files.
    response["Cache-Control"] = "private, no-store"
    return response


@approved_member_required
@require_POST
def post_delete(request: AuthenticatedHttpRequest, post_id: int) -> HttpResponse:
    post = _get_visible_post(request, post_id)
    if post.author_id != request.user.pk:
        raise Http404
    try:
        services.post_check_not_moderated(post)
    except services.PostModerated as exc:
        messages.error(request, str(exc))
        return redirect(post)
    if not confirmed(request):
        return confirmation_page(
            request,
            title=_("Eliminare il post «%(title)s»?") % {"title": post.title},
            message=_(
                "Il post, i suoi commenti e i suoi allegati non saranno più visibili a nessuno. "
                "La Camera di Commercio ne conserva una copia solo come prova per la moderazione."
            ),
            button=_("Sì, elimina il post"),
            cancel_url=post.get_absolute_url(),
        )
    try:
        services.post_delete(post_id=post.pk, user=request.user)
    except services.PostModerated as exc:  # moderated while the confirmation page was open
        messages.error(request, str(exc))
        return redirect(post)
    messages.success(request, _("Post eliminato."))
    return redirect("board:list")


@approved_member_required
@require_POST
def comment_create(request: AuthenticatedHttpRequest, post_id: int) -> HttpResponse:
    # Only whether the user sees the post: the service reads what it needs under the lock.
    post = selectors.visible_posts(user=request.user).filter(pk=post_id).only("pk").first()
    if post is None:
        raise Http404
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Il commento è vuoto o troppo lungo."))
        return redirect(post)
    parent = None
    if form.cleaned_data["parent"]:
        parent = Comment.objects.filter(pk=form.cleaned_data["parent"], post=post).first()
        if parent is None:
            raise Http404
    try:
        comment = services.comment_create(
            post=post, author=request.user, body=form.cleaned_data["body"], parent=parent
        )
    except Post.DoesNotExist:
        raise Http404 from None  # deleted in the meantime
    except services.BoardError as exc:
        messages.error(request, str(exc))
        return redirect(post)
    return redirect(f"{post.get_absolute_url()}#comment-{comment.pk}")


@approved_member_required
@require_http_methods(["GET", "POST"])
def comment_edit(request: AuthenticatedHttpRequest, comment_id: int) -> HttpResponse:
    comment = get_object_or_404(
        Comment.objects.select_related("post"),
        pk=comment_id,
        author=request.user,
        post__deleted_at__isnull=True,
    )
    back = f"{comment.post.get_absolute_url()}#comment-{comment.pk}"
    if comment.is_hidden or comment.post.is_hidden or comment.post.is_locked:
        messages.error(request, str(services.CommentModerated()))
        return redirect(back)
    form = CommentForm(posted(request), initial={"body": comment.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_update(
                comment_id=comment.pk, user=request.user, body=form.cleaned_data["body"]
            )
        except Comment.DoesNotExist:
            raise Http404 from None
        except services.CommentModerated as exc:
            messages.error(request, str(exc))
        return redirect(back)
    return render(request, "board/comment_form.html", {"form": form, "comment": comment})


@approved_member_required
@require_POST
def comment_delete(request: AuthenticatedHttpRequest, comment_id: int) -> HttpResponse:
    comment = get_object_or_404(
        Comment.objects.select_related("post"),
        pk=comment_id,
        author=request.user,
        post__deleted_at__isnull=True,
    )
    try:
        services.comment_check_not_moderated(comment)
    except services.CommentModerated as exc:
        messages.error(request, str(exc))
        return redirect(comment.post)
    if not confirmed(request):
        return confirmation_page(
            request,
            title=_("Eliminare il commento?"),
            message=_("Il commento sarà eliminato per sempre."),
            button=_("Sì, elimina il commento"),
            cancel_url=f"{comment.post.get_absolute_url()}#comment-{comment.pk}",
        )
    try:
        post = services.comment_delete(comment_id=comment.pk, user=request.user)
    except Comment.DoesNotExist:
        raise Http404 from None
    except services.CommentModerated as exc:  # moderated while the confirmation page was open
        messages.error(request, str(exc))
        return redirect(comment.post)
    messages.success(request, _("Commento eliminato."))
    return redirect(post)


@approved_member_required
@require_POST
def mark_answered(request: AuthenticatedHttpRequest, post_id: int) -> HttpResponse:
    post = _get_visible_post(request, post_id)
    comment_id = request.POST.get("comment") or None
    try:
        services.question_mark_answered(
            post_id=post.pk, comment_id=int(comment_id) if comment_id else None, user=request.user
        )
    except (Post.DoesNotExist, Comment.DoesNotExist, ValueError):
        raise Http404 from None
    messages.success(
        request, _("Domanda segnata come risolta.") if comment_id else _("Segno tolto.")
    )
    return redirect(post)


@approved_member_required
@require_POST
def follow(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = FollowForm(request.POST)
    if not form.is_valid():
        raise Http404
    kind, raw_id = form.cleaned_data["target"]
    tag = post = mentor = None
    if kind == "tag":
        tag = get_object_or_404(Tag, pk=raw_id)
    elif kind == "post":
        post = _get_visible_post(request, raw_id)
    else:
        mentor = get_object_or_404(Firm, pk=raw_id, is_mentor=True, status=Firm.Status.APPROVED)
    following = services.follow_toggle(user=request.user, tag=tag, post=post, mentor=mentor)
    messages.success(
        request, _("Ora segui questo argomento.") if following else _("Non lo segui più.")
    )
    next_url = form.cleaned_data["next"]
    safe = url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()})
    return redirect(next_url if safe else "board:list")


@approved_member_required
@require_POST
def report(request: AuthenticatedHttpRequest, post_id: int) -> HttpResponse:
    post = _get_visible_post(request, post_id)
    form = ReportForm(request.POST)
    comment = None
    if form.is_valid() and form.cleaned_data["comment"]:
        comment = Comment.objects.filter(pk=form.cleaned_data["comment"], post=post).first()
        if comment is None:
            raise Http404
    if form.is_valid():
        services.report_create(
            reporter=request.user,
            reason=form.cleaned_data["reason"],
            post=None if comment else post,
            comment=comment,
        )
        messages.success(request, _("Segnalazione inviata ai moderatori. Grazie."))
    else:
        messages.error(request, _("Indica il motivo della segnalazione."))
    return redirect(post)


@approved_member_required
@require_POST
def preview(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The live preview: the same sanitised rendering as the published post."""
    return HttpResponse(markdown.render(request.POST.get("body", "")[:20000]))


# --- Mentors ---------------------------------------------------------------------------------


@approved_member_required
def mentors(request: AuthenticatedHttpRequest) -> HttpResponse:
    firms = (
        Firm.objects.filter(is_mentor=True, status=Firm.Status.APPROVED)
        .select_related("sector", "mentor_profile")
        .order_by("name")
    )
    membership = get_membership(request.user)
    following = set(
        Follow.objects.filter(user=request.user, mentor__isnull=False).values_list(
            "mentor_id", flat=True
        )
    )
    return render(
        request,
        "board/mentors.html",
        {
            "firms": firms,
            "load": services.mentor_load(),
            "form": MentorshipForm(),
            "own_firm": membership.firm if membership else None,
            "following": following,
        },
    )


@approved_member_required
def mentorship(request: AuthenticatedHttpRequest) -> HttpResponse:
    membership = get_membership(request.user)
    if membership is None:
        raise Http404
    firm = membership.firm
    incoming, outgoing = selectors.mentorship_requests(firm=firm)
    context = {
        "firm": firm,
        "is_owner": membership.is_owner,
        "incoming": incoming,
        "outgoing": outgoing,
        "profile_form": MentorProfileForm(instance=MentorProfile.objects.filter(firm=firm).first())
        if firm.is_mentor
        else None,
    }
    return render(request, "board/mentorship.html", context)


@approved_member_required
@require_POST
def mentorship_request(request: AuthenticatedHttpRequest, firm_id: int) -> HttpResponse:
    membership = get_membership(request.user)
    mentor = get_object_or_404(Firm, pk=firm_id, is_mentor=True, status=Firm.Status.APPROVED)
    form = MentorshipForm(request.POST)
    if membership is None or not form.is_valid():
        messages.error(request, _("Indica il tema e un messaggio."))
        return redirect("board:mentors")
    try:
        services.mentorship_request_create(
            requester=membership.firm, user=request.user, mentor=mentor, **form.cleaned_data
        )
    except services.BoardError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Richiesta inviata al mentore."))
    return redirect("board:mentorship")


@approved_member_required
@require_POST
def mentorship_decide(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    membership = get_membership(request.user)
    if membership is None or not membership.is_owner:
        raise Http404
    try:
        decided = services.mentorship_decide(
            request_id=request_id,
            mentor=membership.firm,
            accept=request.POST.get("answer") == "yes",
            decided_by=request.user,
        )
    except MentorshipRequest.DoesNotExist:
        raise Http404 from None
    except services.BoardError as exc:
        messages.error(request, str(exc))
    else:
        firm = decided.requester.name
        if decided.status == MentorshipRequest.Status.ACCEPTED:
            messages.success(
                request,
                _("Hai accettato la richiesta di %(firm)s: ora vedete i rispettivi contatti.")
                % {"firm": firm},
            )
        else:
            messages.success(
                request,
                _("Hai risposto «Non ora» a %(firm)s: l'impresa è stata avvisata.")
                % {"firm": firm},
            )
    return redirect("board:mentorship")


@approved_member_required
@require_POST
def mentor_profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    membership = get_membership(request.user)
    if membership is None or not membership.is_owner or not membership.firm.is_mentor:
        raise Http404
    # Created only by a valid form: a rejected submission stores nothing.
    profile = MentorProfile.objects.filter(firm=membership.firm).first()
    form = MentorProfileForm(request.POST, instance=profile or MentorProfile(firm=membership.firm))
    if form.is_valid():
        form.save()
        messages.success(request, _("Profilo mentore aggiornato."))
    else:
        messages.error(request, _("Controlla i dati del profilo mentore."))
    return redirect("board:mentorship")
