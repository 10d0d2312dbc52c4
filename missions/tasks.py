from celery import shared_task


@shared_task(acks_late=True)
def scan_reminders() -> dict:
    from missions import services  # imported here, like every task

    return services.reminders_send()


@shared_task(acks_late=True)
def expire_offers() -> int:
    from missions import services

    return services.offers_expire()
