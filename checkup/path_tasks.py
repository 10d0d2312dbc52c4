"""The personal path's background work (imported by CheckupConfig.ready, so workers know it)."""

from celery import shared_task


@shared_task(acks_late=True)  # redelivered if a worker dies mid-run; the service is idempotent
def notify_catalogue_item(label: str, item_id: int) -> int:
    from checkup import catalogue  # imported here: catalogue imports this module

    return catalogue.catalogue_item_notify(label=label, item_id=item_id)
