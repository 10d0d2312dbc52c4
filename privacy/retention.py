"""Retention: what the portal stops keeping, and when (GDPR art. 5(1)(e), storage limitation).

Four purges, each run by Celery beat (privacy.tasks) and by `manage.py purge`, each logging what
it removed: expired sessions, read notifications older than NOTIFICATIONS_READ_RETENTION_DAYS,
accounts never verified after UNVERIFIED_ACCOUNT_RETENTION_DAYS, and stored files that no row
points to, older than ORPHAN_FILE_GRACE_HOURS. Every purge is idempotent: running it twice, or
on two nodes at once, removes nothing more.
"""

import logging
import time
from datetime import datetime, timedelta
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.files.storage import Storage, default_storage
from django.db import models
from django.utils import timezone

from core import backup, uploads
from members import selectors as members_selectors
from notifications import services as notifications_services
from privacy import erasure

logger = logging.getLogger(__name__)

# How long one run of the accounts purge may go on (the task's soft time limit is 4 minutes).
ACCOUNTS_BUDGET = timedelta(minutes=2)


def sessions_purge() -> int | None:
    """Django's `clearsessions` for the configured session engine. Returns how many sessions were
    removed when the engine keeps them in the database (None for engines that cannot count)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    expired: int | None = None
    if hasattr(store, "get_model_class"):  # db and cached_db: count what clear_expired deletes
        model = store.get_model_class()
        expired = model.objects.filter(expire_date__lt=timezone.now()).count()
    store.clear_expired()
    logger.info("Retention: expired sessions removed: %s", "n/a" if expired is None else expired)
    return expired


def notifications_purge(*, now: datetime | None = None) -> int:
    """Read notifications older than NOTIFICATIONS_READ_RETENTION_DAYS (never unread ones, never
    emails still to deliver)."""
    days = settings.NOTIFICATIONS_READ_RETENTION_DAYS
    cutoff = (now or timezone.now()) - timedelta(days=days)
    deleted = notifications_services.notifications_purge_read(created_before=cutoff)
    logger.info("Retention: read notifications older than %s days removed: %s", days, deleted)
    return deleted


def unverified_accounts_purge(
    *, now: datetime | None = None, budget: timedelta = ACCOUNTS_BUDGET
) -> int:
    """Accounts never verified UNVERIFIED_ACCOUNT_RETENTION_DAYS after signing up: deleted with
    the rows about them (privacy.erasure.delete_never_verified), one transaction each.

    Each deletion runs the erasure's scans (sessions, history tables), so a run stops after
    `budget`, well inside the task's time limit; beat runs it every hour, and
    the next run takes the rest of a large batch.
    """
    days = settings.UNVERIFIED_ACCOUNT_RETENTION_DAYS
    cutoff = (now or timezone.now()) - timedelta(days=days)
    ids = list(
        members_selectors.never_verified_accounts(joined_before=cutoff).values_list(
            "pk", flat=True
        )[:5000]
    )
    deadline = time.monotonic() + budget.total_seconds()
    deleted = 0
    for user_id in ids:
        if time.monotonic() > deadline:
            logger.info("Retention: accounts purge out of time, the next run goes on")
            break
        if erasure.delete_never_verified(user_id=user_id, joined_before=cutoff) is not None:
            deleted += 1
    logger.info("Retention: accounts never verified after %s days removed: %s", days, deleted)
    return deleted


def referenced_files() -> set[str]:
    """Every name stored in a FileField or ImageField of any model, history tables included
    (the audit trail keeps the files it shows)."""
    names: set[str] = set()
    for model in apps.get_models():
        for column in _file_columns(model):
            values = (
                model._default_manager.exclude(**{f"{column}__isnull": True})
                .exclude(**{column: ""})
                .values_list(column, flat=True)
                .distinct()
            )
            names.update(str(value) for value in values.iterator(chunk_size=5000))
    return names


def _file_columns(model: type[models.Model]) -> list[str]:
    """The columns of `model` that hold stored file names. django-simple-history copies a file
    field into a plain text column of its historical model (`instance_type` is the tracked one)."""
    tracked = getattr(model, "instance_type", None)
    files = {
        field.attname
        for field in (tracked or model)._meta.concrete_fields
        if isinstance(field, models.FileField)
    }
    return [field.attname for field in model._meta.concrete_fields if field.attname in files]


def orphan_files_purge(*, now: datetime | None = None, storage: Storage | None = None) -> int:
    """Delete stored files that no row points to and that are older than ORPHAN_FILE_GRACE_HOURS.

    Only in the portal's upload folders (core.backup.media_files): a file elsewhere in the bucket
    or folder belongs to someone else.

    The grace period protects a file whose row is not committed yet: an upload is stored before
    its transaction writes the row (core.uploads.store), so a young file without a row may be
    one in flight. The references are read before the storage is walked, so a file that gets a
    row meanwhile is young and kept.
    """
    storage = storage or default_storage
    hours = settings.ORPHAN_FILE_GRACE_HOURS
    cutoff = (now or timezone.now()) - timedelta(hours=hours)
    referenced = referenced_files()
    deleted = 0
    for name in backup.media_files(storage):
        if name in referenced:
            continue
        try:
            if storage.get_modified_time(name) >= cutoff:
                continue
            storage.delete(name)
        except Exception as exc:
            # Deleted meanwhile (another node, the owner): FileNotFoundError on disk, a 404
            # ClientError on S3.
            if not uploads.is_missing_file(exc):
                raise
            continue
        deleted += 1
    logger.info("Retention: files without a row older than %s hours removed: %s", hours, deleted)
    return deleted


PURGES = {
    "sessions": sessions_purge,
    "notifications": notifications_purge,
    "accounts": unverified_accounts_purge,
    "files": orphan_files_purge,
}
