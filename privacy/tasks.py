"""Thin Celery doors into privacy.retention (Celery beat runs them every night)."""

from celery import shared_task


@shared_task(acks_late=True)  # every purge is idempotent: a redelivery removes nothing more
def purge_sessions() -> int | None:
    from privacy import retention

    return retention.sessions_purge()


@shared_task(acks_late=True)
def purge_notifications() -> int:
    from privacy import retention

    return retention.notifications_purge()


@shared_task(acks_late=True)
def purge_unverified_accounts() -> int:
    from privacy import retention

    return retention.unverified_accounts_purge()


@shared_task(acks_late=True)
def purge_orphan_files() -> int:
    from privacy import retention

    return retention.orphan_files_purge()
