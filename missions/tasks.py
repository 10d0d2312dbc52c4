"""Celery tasks of missions: thin doors into the services.

Each task imports its service inside the function body, so services can import the tasks at
the top (as `<name>_task`) without an import cycle.
"""

from celery import shared_task


@shared_task(acks_late=True)
def scan_reminders() -> dict:
    from missions.services import missions as mission_services

    return mission_services.reminders_send()


@shared_task(acks_late=True)
def expire_offers() -> int:
    from missions.services import applications

    return applications.offers_expire()


@shared_task(acks_late=True)
def run_matchmaking(run_id: int) -> int:
    from missions.services import suggestions

    return suggestions.matchmaking_run(run_id=run_id)


@shared_task(acks_late=True)
def sweep_matchmaking_runs() -> dict:
    from missions.services import suggestions

    return suggestions.matchmaking_sweep()


@shared_task(acks_late=True)
def send_followup_reminders() -> int:
    from missions.services import outcomes

    return outcomes.followup_reminders_send()
