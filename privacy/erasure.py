"""Erasing a person (GDPR art. 17): every app's contributor does its part, in one transaction.

The account itself (members.User) is never deleted: it is anonymised, and its id keeps the
consent and data-request logs together. What survives, and why, is each contributor's
`kept_records`, shown to the person before and after.
"""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core.privacy import Erasure, ErasureStep, KeptRecord, contributors
from members import consents
from members import privacy as members_privacy
from members import selectors as members_selectors
from members.models import DataRequest, User

ERASED_PERSON = _("utente cancellato")


def kept_records() -> list[KeptRecord]:
    """What survives an erasure and why, for the erase and goodbye pages.

    None of it carries the person's name or email any more.
    """
    return [record for contributor in contributors() for record in contributor.kept_records]


def kept_keys() -> list[str]:
    return [record.key for record in kept_records()]


def _needles(user: User) -> tuple[str, ...]:
    """The strings that identify the person in free text: email and full name, both orders."""
    first, last = user.first_name.strip(), user.last_name.strip()
    candidates = [user.email, f"{first} {last}".strip(), f"{last} {first}".strip()]
    # Very short strings would match unrelated words; a name alone is replaced only as a whole.
    return tuple(c for c in dict.fromkeys(candidates) if len(c) >= 3)


def _run(step: ErasureStep, erasure: Erasure) -> dict[str, int]:
    """One step of every contributor that takes part in it, in the contributors' order."""
    summary: dict[str, int] = {}
    for contributor in contributors():
        action = contributor.erasure.get(step)
        if action is None:
            continue
        counts = action(erasure)
        if summary.keys() & counts.keys():  # a wiring bug: one count would hide another
            raise ImproperlyConfigured(f"{contributor.app_label} reuses {step} keys: {counts}")
        summary.update(counts)
    return summary


def erase_user(*, user: User) -> dict[str, Any]:
    """Erase the person (art. 17 GDPR) in one transaction; return what was done and kept.

    Invariant: afterwards no table holds the person's email or name (the test scans every text
    column of every model, history tables included). What must stay for legal or business
    reasons (kept_records) stays without them, linked at most to the anonymised User row id.
    """
    needles = _needles(user)
    with transaction.atomic():
        # The whole row is rewritten: a full lock, so a concurrent login or consent change waits.
        locked = User.objects.select_for_update().get(pk=user.pk)
        with translation.override(settings.LANGUAGE_CODE):
            replacement = str(ERASED_PERSON)

        # 1. Close the consent log: backfill old accounts, then log the withdrawals.
        consents.consents_withdraw_all(user=locked)

        # 2. Leave the firm (it stays), then delete what is only about the person. A firm left
        # without members is flagged for staff, and the contributors release what it held.
        firm_change = members_privacy.leave_firm(user=locked)
        erasure = Erasure(
            user=locked,
            needles=needles,
            replacement=replacement,
            emptied_firm_id=members_privacy.emptied_firm_id(firm_change),
        )
        deleted = _run(ErasureStep.DELETE, erasure)

        # 3. Keep the firm's and the Club's records, unlinked from the person.
        unlinked = _run(ErasureStep.UNLINK, erasure)

        # 4. Copies of the name and email in other people's rows (notifications that mention
        # the person, broadcasts, the admin log).
        scrubbed = _run(ErasureStep.SCRUB, erasure)

        # 5. The data-request log stays (accountability) but forgets the address and free text.
        anonymous_email = members_privacy.anonymous_email(locked)
        consents.data_requests_anonymise(user=locked, email=anonymous_email)

        # 6. Anonymise the User row; its id keeps the consent and request logs together.
        members_privacy.anonymise_account(user=locked)
        consents.data_request_log_completed(
            user=locked,
            kind=DataRequest.Kind.ERASURE,
            note="Cancellazione self-service",
            email=anonymous_email,
        )

        # 7. Last, because the steps above write history rows (the membership's deletion) and
        # the history middleware stamps them with this user: drop the rows about the person,
        # then every reference to them as the author of a change.
        history = _run(ErasureStep.HISTORY, erasure)
    user.refresh_from_db()
    return {
        "user_id": locked.pk,
        "deleted": deleted,
        "unlinked": unlinked,
        "scrubbed": scrubbed,
        "history": history,
        "firm": firm_change,
        "kept": kept_keys(),
    }


def delete_never_verified(*, user_id: int, joined_before: datetime) -> dict[str, Any] | None:
    """Delete an account nobody ever confirmed (retention), row and all, in one transaction.

    The same contributors' DELETE, UNLINK and HISTORY steps as an erasure, so the rows about the
    account go; then the User row itself (no consent to prove for an account that never started).
    Not the SCRUB step, nor anything keyed on the address: nobody confirmed the address or the
    name, which may be another person's or a firm's, and an account that never logged in cannot
    be named in other people's rows anyway.
    Returns None, touching nothing, if the account no longer qualifies: it was verified, given a
    firm or made staff since it was picked.
    """
    with transaction.atomic():
        locked = (
            members_selectors.never_verified_accounts(joined_before=joined_before)
            .select_for_update(of=("self",))
            .filter(pk=user_id)
            .first()
        )
        if locked is None:
            return None
        with translation.override(settings.LANGUAGE_CODE):
            replacement = str(ERASED_PERSON)
        erasure = Erasure(
            user=locked, needles=(), replacement=replacement, identity_confirmed=False
        )
        deleted = _run(ErasureStep.DELETE, erasure)
        unlinked = _run(ErasureStep.UNLINK, erasure)
        account = members_privacy.delete_account(user=locked)
        history = _run(ErasureStep.HISTORY, erasure)
    return {
        "user_id": user_id,
        "deleted": {**deleted, **account},
        "unlinked": unlinked,
        "scrubbed": {},
        "history": history,
    }
