"""Thin Celery doors into notifications.services. Arguments are ids only."""

from celery import shared_task


@shared_task(acks_late=True)  # redelivered if a worker dies mid-run; the service is idempotent
def send_notifications(notification_ids: list[int]) -> dict:
    from notifications import services  # imported here: services imports this module

    return services.notifications_send(notification_ids=notification_ids)


@shared_task(acks_late=True)
def expand_broadcast(broadcast_id: int) -> int:
    from notifications import services

    return services.broadcast_expand(broadcast_id=broadcast_id)


@shared_task(acks_late=True)
def sweep_outbox() -> dict:
    from core import heartbeat
    from notifications import services

    # Beat starts this every minute: its stamp is beat's last run for /health/ready.
    heartbeat.stamp(heartbeat.BEAT)
    return services.outbox_sweep()


@shared_task(acks_late=True)
def send_digests(user_ids: list[int] | None = None) -> int:
    """The daily digest (beat, no arguments), or the due retries of some people (the sweeper)."""
    from notifications import services

    return services.digests_send(user_ids=user_ids)


@shared_task(acks_late=True)
def send_outgoing_emails(email_ids: list[int]) -> dict:
    """Ready-made emails (allauth's verification, password reset, codes): see email_queue."""
    from notifications import services

    return services.outgoing_emails_send(email_ids=email_ids)
