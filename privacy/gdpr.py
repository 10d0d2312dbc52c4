"""GDPR self-service: consent log (art. 7), export (arts. 15 and 20), erasure (art. 17) and the
queue of data requests that Camera staff answer within one month (art. 12(3)).

This module reads and writes across apps (missions, board, notifications, allauth, sessions and
the simple-history tables) because a person's data is spread over all of them: keeping the list
in one place is what lets the erasure test prove nothing is left behind.
"""

import re
from datetime import datetime
from typing import Any

from allauth.account.models import EmailAddress
from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Model, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from board.models import (
    Attachment,
    Comment,
    Follow,
    MentorshipRequest,
    ModerationAction,
    Post,
    Report,
)
from core import uploads
from core.errors import DomainError
from members.models import Consent, DataRequest, Firm, Invitation, JoinRequest, Membership, User
from missions.models import Application, Interest, Meeting, MeetingRequest, Question
from notifications.models import Announcement, Broadcast, Notification, Preference


class GdprError(DomainError):
    """Base of the domain errors below; views show them as form errors or messages."""


class TermsNotWithdrawable(GdprError):
    """The terms are the legal basis of the account: withdrawing them means erasing it."""


class DuplicateDataRequest(GdprError):
    """The person already has an open request of this kind."""


_FLAGS = {
    Consent.Kind.DIRECTORY: "directory_consent",
    Consent.Kind.NEWSLETTER: "newsletter_consent",
}

# Shown on the goodbye page and returned by erase_user: what survives an erasure, and why.
# None of it carries the person's name or email any more.
KEPT_RECORDS: list[tuple[str, Any, Any]] = [
    (
        "user_row",
        _("Un account anonimo con il solo numero identificativo e la data di iscrizione"),
        _("Collega il registro dei consensi e delle richieste senza dire chi eri."),
    ),
    (
        "consents",
        _("Il registro dei consensi (tipo, versione dell'informativa, data)"),
        _("Prova dei consensi raccolti, richiesta dall'art. 7(1) del GDPR."),
    ),
    (
        "data_requests",
        _("La registrazione di questa cancellazione e delle tue richieste precedenti"),
        _("Dimostra che abbiamo rispettato i tuoi diritti (art. 5(2) del GDPR)."),
    ),
    (
        "applications",
        _("Le candidature alle missioni inviate per l'impresa, senza il tuo nome"),
        _("Sono documenti contrattuali dell'impresa con la Camera di Commercio."),
    ),
    (
        "firm_records",
        _(
            "L'impresa, le sue richieste di incontro e di affiancamento, i post e i commenti "
            "in bacheca, senza il tuo nome"
        ),
        _(
            "Appartengono all'impresa, non a te: restano attribuiti all'impresa. I post e i "
            "commenti restano come li hai scritti; i file che hai allegato ai post sono "
            "cancellati."
        ),
    ),
    (
        "reports",
        _("Le segnalazioni in bacheca, senza il tuo nome"),
        _("Servono alla moderazione della bacheca."),
    ),
]
KEPT_KEYS = [key for key, _label, _reason in KEPT_RECORDS]

ERASED_PERSON = _("utente cancellato")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _now() -> datetime:
    return timezone.now()


# --- Consents -----------------------------------------------------------------------------------


def _backfill_consents(user: User) -> None:
    """Accounts older than the consent log: record the consents they gave at sign-up.

    Runs before the first change, so the log starts with the state the portal relied on
    (dated at the acceptance of the terms) rather than with a withdrawal of nothing.
    """
    if user.terms_accepted_at is None or Consent.objects.filter(user=user).exists():
        return
    rows = [
        Consent(
            user=user,
            kind=Consent.Kind.TERMS,
            granted=True,
            policy_version=user.terms_version or settings.TERMS_VERSION,
            source=Consent.Source.BACKFILL,
            created_at=user.terms_accepted_at,
        )
    ]
    rows += [
        Consent(
            user=user,
            kind=kind,
            granted=True,
            policy_version=user.terms_version or settings.TERMS_VERSION,
            source=Consent.Source.BACKFILL,
            created_at=user.terms_accepted_at,
        )
        for kind, flag in _FLAGS.items()
        if getattr(user, flag)
    ]
    Consent.objects.bulk_create(rows)


def record_signup_consents(user: User) -> list[Consent]:
    """Log the three choices made on the sign-up form (called by SignupConsentForm.signup).

    Refusals are logged too: "newsletter: no" at sign-up is part of the record.
    """
    created_at = user.terms_accepted_at or _now()
    version = user.terms_version or settings.TERMS_VERSION
    rows = [
        Consent(
            user=user,
            kind=Consent.Kind.TERMS,
            granted=True,
            policy_version=version,
            source=Consent.Source.SIGNUP,
            created_at=created_at,
        ),
        *(
            Consent(
                user=user,
                kind=kind,
                granted=bool(getattr(user, flag)),
                policy_version=version,
                source=Consent.Source.SIGNUP,
                created_at=created_at,
            )
            for kind, flag in _FLAGS.items()
        ),
    ]
    return Consent.objects.bulk_create(rows)


def consent_set(
    *,
    user: User,
    kind: str,
    granted: bool,
    source: str = Consent.Source.PRIVACY_PAGE,
) -> Consent | None:
    """Grant or withdraw one consent: update the User flag and append a Consent row.

    Returns None when nothing changes (a double click), so the log holds changes only. The User
    row is locked, so two concurrent clicks cannot both log a change. The terms cannot be
    withdrawn here (TermsNotWithdrawable): without them there is no account; see erase_user.
    """
    if kind == Consent.Kind.TERMS and not granted:
        raise TermsNotWithdrawable
    if kind not in Consent.Kind.values:
        raise ValueError(kind)
    with transaction.atomic():
        locked = User.objects.select_for_update(no_key=True).get(pk=user.pk)
        _backfill_consents(locked)
        if kind == Consent.Kind.TERMS:
            if locked.terms_accepted_at and locked.terms_version == settings.TERMS_VERSION:
                return None
            locked.terms_accepted_at, locked.terms_version = _now(), settings.TERMS_VERSION
            fields = ["terms_accepted_at", "terms_version"]
        else:
            if getattr(locked, _FLAGS[kind]) == granted:
                return None
            setattr(locked, _FLAGS[kind], granted)
            fields = [_FLAGS[kind]]
        locked.save(update_fields=fields)
        consent = Consent.objects.create(
            user=locked,
            kind=kind,
            granted=granted,
            policy_version=settings.TERMS_VERSION,
            source=source,
        )
    for field in fields:  # keep the caller's object (request.user) in step
        setattr(user, field, getattr(locked, field))
    return consent


# --- Data requests ------------------------------------------------------------------------------


def data_request_create(*, user: User, kind: str, note: str) -> DataRequest:
    """File a request for Camera staff; one open request of each kind per person."""
    with transaction.atomic():
        # The user row serialises two submissions of the same form.
        User.objects.select_for_update(no_key=True).get(pk=user.pk)
        if DataRequest.objects.filter(user=user, kind=kind, completed_at__isnull=True).exists():
            raise DuplicateDataRequest
        return DataRequest.objects.create(
            user=user, email_snapshot=user.email, kind=kind, note=note.strip()
        )


def data_requests_complete(*, requests: QuerySet[DataRequest]) -> int:
    """Mark open requests as answered (staff, from the admin); returns how many changed."""
    return requests.filter(completed_at__isnull=True).update(completed_at=_now())


def _log_completed(*, user: User, kind: str, note: str, email: str | None = None) -> DataRequest:
    now = _now()
    return DataRequest.objects.create(
        user=user,
        email_snapshot=email or user.email,
        kind=kind,
        note=note,
        created_at=now,
        completed_at=now,
    )


# --- Export -------------------------------------------------------------------------------------


def _answers(answers: dict, labels: dict[str, str]) -> list[dict[str, Any]]:
    return [
        {"question": labels.get(str(key), str(key)), "answer": value}
        for key, value in (answers or {}).items()
    ]


def _question_labels(mission_ids: set[int]) -> dict[str, str]:
    if not mission_ids:
        return {}
    return {
        str(pk): label
        for pk, label in Question.objects.filter(mission_id__in=mission_ids).values_list(
            "pk", "label"
        )
    }


def _application(application: Application, labels: dict[str, str]) -> dict[str, Any]:
    return {
        "mission": application.mission.title,
        "firm": application.firm.name,
        "status": application.get_status_display(),
        "delegates": application.delegates,
        "note": application.note,
        "answers": _answers(application.answers, labels),
        "created_at": _iso(application.created_at),
        "decided_at": _iso(application.decided_at),
        "attended": application.attended,
        "contacts_made": application.contacts_made,
        "followup_meetings": application.followup_meetings,
        "deals_in_progress": application.deals_in_progress,
        "outcome_note": application.outcome_note,
    }


def _post(post: Post) -> dict[str, Any]:
    return {
        "id": post.pk,
        "kind": post.get_kind_display(),
        "title": post.title,
        "body": post.body,
        "firm": post.author_firm.name if post.author_firm else None,
        "author": (post.author.get_full_name() or post.author.email) if post.author else None,
        "tags": [tag.name for tag in post.tags.all()],
        "mission": post.mission.title if post.mission else None,
        "hidden": post.is_hidden,
        "created_at": _iso(post.created_at),
        "updated_at": _iso(post.updated_at),
    }


def _mentorship(request: MentorshipRequest) -> dict[str, Any]:
    return {
        "requester": request.requester.name,
        "mentor": request.mentor.name,
        "topic": request.topic,
        "message": request.message,
        "status": request.get_status_display(),
        "created_at": _iso(request.created_at),
        "decided_at": _iso(request.decided_at),
    }


def _meeting_request(request: MeetingRequest) -> dict[str, Any]:
    return {
        "mission": request.mission.title,
        "firm": request.firm.name,
        "partner": request.partner.name,
        "priority": request.priority,
        "reason": request.reason,
        "status": request.get_status_display(),
        "created_at": _iso(request.created_at),
    }


def _firm_data(firm: Firm) -> dict[str, Any]:
    """What the firm's owner can already see about the firm, in one document."""
    applications = list(
        Application.objects.filter(firm=firm).select_related("mission", "firm").order_by("pk")
    )
    labels = _question_labels({a.mission_id for a in applications})
    meetings = (
        Meeting.objects.filter(firm=firm)
        .select_related("mission", "partner", "slot")
        .order_by("pk")
    )
    mentorships = (
        MentorshipRequest.objects.filter(Q(requester=firm) | Q(mentor=firm))
        .select_related("requester", "mentor")
        .order_by("pk")
    )
    posts = (
        Post.objects.filter(author_firm=firm)
        .select_related("author", "author_firm", "mission")
        .prefetch_related("tags")
        .order_by("pk")
    )
    return {
        "profile": {
            "name": firm.name,
            "vat_number": firm.vat_number,
            "ateco_code": firm.ateco_code,
            "sector": firm.sector.name,
            "comune": firm.comune,
            "website": firm.website,
            "description": firm.description,
            "products": firm.products,
            "employees": firm.get_employees_display(),
            "export_share": firm.get_export_share_display(),
            "target_markets": firm.target_markets,
            "languages": firm.languages,
            "is_mentor": firm.is_mentor,
            "status": firm.get_status_display(),
            "created_at": _iso(firm.created_at),
            "approved_at": _iso(firm.approved_at),
            # The image itself is on the firm's page; the export says whether there is one.
            "has_logo": bool(firm.logo),
        },
        "memberships": [
            {
                "name": m.user.get_full_name(),
                "email": m.user.email,
                "role": m.get_role_display(),
                "since": _iso(m.created_at),
            }
            for m in firm.memberships.select_related("user").order_by("pk")
        ],
        "invitations": [
            {
                "email": i.email,
                "role": i.get_role_display(),
                "created_at": _iso(i.created_at),
                "accepted_at": _iso(i.accepted_at),
            }
            for i in firm.invitations.order_by("pk")
        ],
        "applications": [_application(a, labels) for a in applications],
        "meetings": [
            {
                "mission": m.mission.title,
                "partner": m.partner.name,
                "starts_at": _iso(m.slot.starts_at) if m.slot else None,
                "table": m.table,
                "attendance": m.get_attendance_display() if m.attendance else None,
                "outcome": m.get_outcome_display() if m.outcome else None,
                "outcome_note": m.outcome_note,
                "outcome_at": _iso(m.outcome_at),
            }
            for m in meetings
        ],
        "mentorship_requests": [_mentorship(r) for r in mentorships],
        "posts": [_post(p) for p in posts],
    }


def export_user_data(*, user: User) -> dict[str, Any]:
    """Everything the portal holds about `user`, JSON-serialisable (art. 15 and 20 GDPR).

    Owners also get their firm's records, which they can already see in the portal. A fixed
    number of queries whatever the volume: every list is one query with its joins.
    """
    membership = Membership.objects.select_related("firm", "firm__sector").filter(user=user).first()
    applications = list(
        Application.objects.filter(applied_by=user).select_related("mission", "firm")
    )
    labels = _question_labels({a.mission_id for a in applications})
    data: dict[str, Any] = {
        "generated_at": _iso(_now()),
        "account": {
            "id": user.pk,
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "language": user.language,
            "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
            "terms_accepted_at": _iso(user.terms_accepted_at),
            "terms_version": user.terms_version,
            "directory_consent": user.directory_consent,
            "newsletter_consent": user.newsletter_consent,
        },
        "email_addresses": [
            {"email": e.email, "verified": e.verified, "primary": e.primary}
            for e in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        "consents": [
            {
                "kind": c.get_kind_display(),
                "granted": c.granted,
                "policy_version": c.policy_version,
                "source": c.get_source_display(),
                "created_at": _iso(c.created_at),
            }
            for c in Consent.objects.filter(user=user).order_by("created_at", "pk")
        ],
        "data_requests": [
            {
                "kind": r.get_kind_display(),
                "note": r.note,
                "created_at": _iso(r.created_at),
                "completed_at": _iso(r.completed_at),
            }
            for r in DataRequest.objects.filter(user=user).order_by("created_at", "pk")
        ],
        "membership": {
            "firm": membership.firm.name,
            "role": membership.get_role_display(),
            "since": _iso(membership.created_at),
        }
        if membership
        else None,
        "join_requests": [
            {
                "firm": r.firm.name,
                "message": r.message,
                "status": r.get_status_display(),
                "created_at": _iso(r.created_at),
                "decided_at": _iso(r.decided_at),
            }
            for r in JoinRequest.objects.filter(user=user).select_related("firm").order_by("pk")
        ],
        "invitations": [
            {
                "firm": i.firm.name,
                "email": i.email,
                "role": i.get_role_display(),
                "created_at": _iso(i.created_at),
                "accepted_at": _iso(i.accepted_at),
            }
            for i in Invitation.objects.filter(email__iexact=user.email)
            .select_related("firm")
            .order_by("pk")
        ],
        "notifications": [
            {
                "title": n.title(),
                "kind": n.kind,
                "context": n.context,
                "url": n.url,
                "created_at": _iso(n.created_at),
                "read_at": _iso(n.read_at),
                "email_status": n.get_email_status_display(),
            }
            for n in Notification.objects.filter(recipient=user).order_by("created_at", "pk")
        ],
        "notification_preferences": [
            {"kind": p.kind, "email": p.get_email_display()}
            for p in Preference.objects.filter(user=user).order_by("kind")
        ],
        "posts": [
            _post(p)
            for p in Post.objects.filter(author=user)
            .select_related("author", "author_firm", "mission")
            .prefetch_related("tags")
            .order_by("pk")
        ],
        # The files themselves are downloadable from their posts; the export lists them.
        "attachments": [
            {
                "post": a.post.title,
                "name": a.original_name,
                "type": a.get_content_type_display(),
                "size": a.size,
                "created_at": _iso(a.created_at),
            }
            for a in Attachment.objects.filter(uploaded_by=user)
            .select_related("post")
            .order_by("pk")
        ],
        "comments": [
            {
                "post": c.post.title,
                "body": c.body,
                "hidden": c.is_hidden,
                "created_at": _iso(c.created_at),
            }
            for c in Comment.objects.filter(author=user).select_related("post").order_by("pk")
        ],
        "follows": [
            {
                "tag": f.tag.name if f.tag else None,
                "post": f.post.title if f.post else None,
                "mentor": f.mentor.name if f.mentor else None,
                "created_at": _iso(f.created_at),
            }
            for f in Follow.objects.filter(user=user)
            .select_related("tag", "post", "mentor")
            .order_by("pk")
        ],
        "reports": [
            {
                "post": r.post.title if r.post else None,
                "comment": r.comment.body if r.comment else None,
                "reason": r.reason,
                "created_at": _iso(r.created_at),
                "resolved_at": _iso(r.resolved_at),
            }
            for r in Report.objects.filter(reporter=user)
            .select_related("post", "comment")
            .order_by("pk")
        ],
        "mentorship_requests": [
            _mentorship(r)
            for r in MentorshipRequest.objects.filter(requested_by=user)
            .select_related("requester", "mentor")
            .order_by("pk")
        ],
        "applications": [_application(a, labels) for a in applications],
        "meeting_requests": [
            _meeting_request(r)
            for r in MeetingRequest.objects.filter(requested_by=user)
            .select_related("mission", "firm", "partner")
            .order_by("pk")
        ],
        "interests": [
            {"mission": i.mission.title, "firm": i.firm.name, "created_at": _iso(i.created_at)}
            for i in Interest.objects.filter(user=user)
            .select_related("mission", "firm")
            .order_by("pk")
        ],
        "firm": _firm_data(membership.firm) if membership and membership.is_owner else None,
    }
    return data


def export_and_log(*, user: User) -> dict[str, Any]:
    """The self-service download: the export, logged as a completed data request."""
    data = export_user_data(user=user)
    _log_completed(user=user, kind=DataRequest.Kind.EXPORT, note="Esportazione self-service")
    return data


# --- Erasure ------------------------------------------------------------------------------------


def _needles(user: User) -> list[str]:
    """The strings that identify the person in free text: email and full name, both orders."""
    first, last = user.first_name.strip(), user.last_name.strip()
    candidates = [user.email, f"{first} {last}".strip(), f"{last} {first}".strip()]
    # Very short strings would match unrelated words; a name alone is replaced only as a whole.
    return [c for c in dict.fromkeys(candidates) if len(c) >= 3]


def _scrub(value: Any, patterns: list[re.Pattern], replacement: str) -> Any:
    if isinstance(value, str):
        for pattern in patterns:
            value = pattern.sub(replacement, value)
        return value
    if isinstance(value, list):
        return [_scrub(v, patterns, replacement) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v, patterns, replacement) for k, v in value.items()}
    return value


def _scrub_rows(queryset: QuerySet, fields: list[str], needles: list[str], replacement: str) -> int:
    """Replace the person's name and email in `fields` of the rows that mention them."""
    if not needles:
        return 0
    patterns = [re.compile(rf"(?<!\w){re.escape(n)}(?!\w)", re.IGNORECASE) for n in needles]
    mention = Q()
    for field in fields:
        for needle in needles:
            mention |= Q(**{f"{field}__icontains": needle})
    rows = list(queryset.filter(mention).only("pk", *fields))
    for row in rows:
        for field in fields:
            setattr(row, field, _scrub(getattr(row, field), patterns, replacement))
    if rows:
        queryset.model.objects.bulk_update(rows, fields)
    return len(rows)


def _delete_sessions(user_id: int) -> int:
    """Django's database sessions do not link users: decode each one and match the user id."""
    keys = [
        session.session_key
        for session in Session.objects.only("session_key", "session_data").iterator(chunk_size=2000)
        if session.get_decoded().get("_auth_user_id") == str(user_id)
    ]
    return Session.objects.filter(session_key__in=keys).delete()[0]


def _historical_models() -> list[type[Model]]:
    return [
        model
        for model in apps.get_models()
        if any(f.name == "history_user" for f in model._meta.concrete_fields)
    ]


def _leave_firm(user: User) -> dict[str, Any]:
    """Remove the membership; the firm stays (it is a business record, not the person's).

    If the person was the firm's only owner, the longest-standing colleague becomes owner so
    the firm is not left without one. Locks the firm's memberships in pk order, like every
    other role change (members.services).
    """
    membership = Membership.objects.filter(user=user).first()
    if membership is None:
        return {}
    memberships = list(
        Membership.objects.select_for_update().filter(firm_id=membership.firm_id).order_by("pk")
    )
    others = [m for m in memberships if m.user_id != user.pk]
    promoted = None
    if membership.is_owner and others and not any(m.is_owner for m in others):
        promoted = min(others, key=lambda m: (m.created_at, m.pk))
        promoted.role = Membership.Role.OWNER
        promoted.save(update_fields=["role"])
    Membership.objects.filter(pk=membership.pk).delete()
    return {"firm_id": membership.firm_id, "promoted_membership_id": promoted and promoted.pk}


def erase_user(*, user: User) -> dict[str, Any]:
    """Erase the person (art. 17 GDPR) in one transaction; return what was done and kept.

    Invariant: afterwards no table holds the person's email or name (the test scans every text
    column of every model, history tables included). What must stay for legal or business
    reasons (KEPT_RECORDS) stays without them, linked at most to the anonymised User row id.
    """
    needles = _needles(user)
    with transaction.atomic():
        # The whole row is rewritten: a full lock, so a concurrent login or consent change waits.
        locked = User.objects.select_for_update().get(pk=user.pk)
        with translation.override(settings.LANGUAGE_CODE):
            replacement = str(ERASED_PERSON)

        # 1. Close the consent log: backfill old accounts, then log the withdrawals.
        _backfill_consents(locked)
        withdrawals = [Consent.Kind.TERMS] + [k for k, f in _FLAGS.items() if getattr(locked, f)]
        Consent.objects.bulk_create(
            Consent(
                user=locked,
                kind=kind,
                granted=False,
                policy_version=settings.TERMS_VERSION,
                source=Consent.Source.ERASURE,
            )
            for kind in withdrawals
        )

        # 2. Delete what is only about the person.
        firm_change = _leave_firm(locked)
        # Their attachments go, rows and files, although their posts stay (step 3): a file's
        # content (a CV, a signed letter, a photo) cannot be scrubbed of the person the way a
        # row can, and its original name often carries the name. The files are deleted once
        # this transaction commits.
        attachments = Attachment.objects.filter(uploaded_by=locked)
        uploads.delete_on_commit(*attachments.values_list("file", flat=True))
        deleted = {
            "attachments": attachments.delete()[0],
            "email_addresses": EmailAddress.objects.filter(user=locked).delete()[0],
            "sessions": _delete_sessions(locked.pk),
            "notifications": Notification.objects.filter(recipient=locked).delete()[0],
            "notification_preferences": Preference.objects.filter(user=locked).delete()[0],
            "follows": Follow.objects.filter(user=locked).delete()[0],
            "interests": Interest.objects.filter(user=locked).delete()[0],
            "join_requests": JoinRequest.objects.filter(user=locked).delete()[0],
            "invitations": Invitation.objects.filter(email__iexact=locked.email).delete()[0],
        }

        # 3. Keep the firm's records, unlinked from the person. Queryset updates: they write no
        # history rows (Post's history excludes the author anyway).
        unlinked = {
            "posts": Post.objects.filter(author=locked).update(author=None),
            "comments": Comment.objects.filter(author=locked).update(author=None),
            "reports": Report.objects.filter(reporter=locked).update(reporter=None),
            "moderation_actions": ModerationAction.objects.filter(moderator=locked).update(
                moderator=None
            ),
            "mentorship_requests": MentorshipRequest.objects.filter(requested_by=locked).update(
                requested_by=None
            ),
            "meeting_requests": MeetingRequest.objects.filter(requested_by=locked).update(
                requested_by=None
            ),
            "applications": Application.objects.filter(applied_by=locked).update(applied_by=None),
            "invitations_sent": Invitation.objects.filter(invited_by=locked).update(
                invited_by=None
            ),
            "firms_approved": Firm.objects.filter(approved_by=locked).update(approved_by=None),
            "announcements": Announcement.objects.filter(created_by=locked).update(created_by=None),
        }

        # 4. Copies of the name and email in other people's rows: notifications that mention the
        # person ("Zebedeo Quintavalle asks to join…"), broadcasts and the admin log.
        scrubbed = {
            "notifications_of_others": _scrub_rows(
                Notification.objects.all(), ["context"], needles, replacement
            ),
            "broadcasts": _scrub_rows(Broadcast.objects.all(), ["context"], needles, replacement),
            "admin_log": _scrub_rows(
                LogEntry.objects.all(), ["object_repr", "change_message"], needles, replacement
            ),
        }

        # 5. The data-request log stays (accountability) but forgets the address and free text.
        anonymous_email = f"deleted-{locked.pk}@invalid.example"
        # Open requests are moot now: closed, keeping the date of any earlier answer.
        DataRequest.objects.filter(user=locked).update(
            email_snapshot=anonymous_email,
            note="",
            completed_at=Coalesce("completed_at", Value(_now())),
        )

        # 6. Anonymise the User row; its id keeps the consent and request logs together.
        locked.email = anonymous_email
        locked.first_name = locked.last_name = ""
        locked.set_unusable_password()
        locked.is_active = locked.is_staff = locked.is_superuser = False
        locked.directory_consent = locked.newsletter_consent = False
        locked.terms_accepted_at, locked.terms_version = None, ""
        locked.last_login = None
        locked.language = settings.LANGUAGE_CODE
        locked.save()
        locked.groups.clear()
        locked.user_permissions.clear()
        _log_completed(
            user=locked,
            kind=DataRequest.Kind.ERASURE,
            note="Cancellazione self-service",
            email=anonymous_email,
        )

        # 7. Last, because the steps above write history rows (the membership's deletion) and the
        # history middleware stamps them with this user: drop the rows about the person, then
        # every reference to them as the author of a change.
        history = {
            "membership_history": Membership.history.filter(user_id=locked.pk).delete()[0],
            "history_user": sum(
                model.objects.filter(history_user_id=locked.pk).update(history_user=None)
                for model in _historical_models()
            ),
        }
    user.refresh_from_db()
    return {
        "user_id": locked.pk,
        "deleted": deleted,
        "unlinked": unlinked,
        "scrubbed": scrubbed,
        "history": history,
        "firm": firm_change,
        "kept": KEPT_KEYS,
    }
