from celery import shared_task


@shared_task(acks_late=True)
def scan_reminders() -> dict:
    from missions import services  # imported here, like every task

    return services.reminders_send()


@shared_task(acks_late=True)
def expire_offers() -> int:
    from missions import services

    return services.offers_expire()


@shared_task(acks_late=True)
def run_matchmaking(run_id: int) -> int:
    from missions.services import b2b

    return b2b.matchmaking_run(run_id=run_id)


@shared_task(acks_late=True)
def send_followup_reminders() -> int:
    from missions.services import b2b

    return b2b.followup_reminders_send()
