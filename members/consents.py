"""The consent log (GDPR art. 7) and the queue of data requests that Camera staff answer within one
month (art. 12(3)).

Both tables belong to the person's account, so they live with it in members: the sign-up form and
the admin write here, and so do the privacy pages and the erasure (privacy/), from above.
"""

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.errors import DomainError
from members.models import Consent, DataRequest, User


class TermsNotWithdrawable(DomainError):
    """The terms are the legal basis of the account: withdrawing them means erasing it."""


class DuplicateDataRequest(DomainError):
    """The person already has an open request of this kind."""


# The optional consents and the User flag that holds each one's current state.
_FLAGS: dict[str, str] = {
    Consent.Kind.DIRECTORY: "directory_consent",
    Consent.Kind.NEWSLETTER: "newsletter_consent",
}


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
    created_at = user.terms_accepted_at or timezone.now()
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
    withdrawn here (TermsNotWithdrawable): without them there is no account; see
    privacy.erasure.erase_user.
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
            locked.terms_accepted_at, locked.terms_version = timezone.now(), settings.TERMS_VERSION
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
    for name in fields:  # keep the caller's object (request.user) in step
        setattr(user, name, getattr(locked, name))
    return consent


def consents_withdraw_all(*, user: User) -> list[Consent]:
    """Close the consent log of an account being erased: the terms and every consent held.

    Backfills older accounts first, so the log shows what was given before it is withdrawn.
    Caller must hold the lock on the User row (privacy.erasure.erase_user does).
    """
    _backfill_consents(user)
    withdrawals = [Consent.Kind.TERMS] + [k for k, flag in _FLAGS.items() if getattr(user, flag)]
    return Consent.objects.bulk_create(
        Consent(
            user=user,
            kind=kind,
            granted=False,
            policy_version=settings.TERMS_VERSION,
            source=Consent.Source.ERASURE,
        )
        for kind in withdrawals
    )


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
    return requests.filter(completed_at__isnull=True).update(completed_at=timezone.now())


def data_request_log_completed(
    *, user: User, kind: str, note: str, email: str | None = None
) -> DataRequest:
    """Log a request the portal answered by itself (a self-service export or erasure)."""
    now = timezone.now()
    return DataRequest.objects.create(
        user=user,
        email_snapshot=email or user.email,
        kind=kind,
        note=note,
        created_at=now,
        completed_at=now,
    )


def data_requests_anonymise(*, user: User, email: str) -> int:
    """The request log of an erased account stays (accountability, GDPR art. 5(2)) but forgets
    the address and the free text; open requests are moot, so they are closed, keeping the date
    of any earlier answer. Returns how many rows changed."""
    return DataRequest.objects.filter(user=user).update(
        email_snapshot=email,
        note="",
        completed_at=Coalesce("completed_at", Value(timezone.now())),
    )
