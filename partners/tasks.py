from smtplib import SMTPException

from celery import shared_task


@shared_task(
    acks_late=True,  # redelivered if a worker dies mid-run; the service is idempotent
    autoretry_for=(SMTPException, ConnectionError),
    retry_backoff=30,
    retry_backoff_max=15 * 60,
    retry_jitter=True,
    max_retries=5,
)
def send_invitation(invitation_id: int) -> None:
    from partners import services  # imported here: services imports this module

    services.invitation_send(invitation_id=invitation_id)


@shared_task(
    acks_late=True,
    autoretry_for=(SMTPException, ConnectionError),
    retry_backoff=30,
    retry_backoff_max=15 * 60,
    retry_jitter=True,
    max_retries=5,
)
def send_sign_in_link(contact_id: int) -> None:
    from partners import services

    services.sign_in_link_send(contact_id=contact_id)


@shared_task(acks_late=True)
def sweep_invitations() -> int:
    from partners import services

    return services.invitations_sweep()
