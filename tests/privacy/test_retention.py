"""Retention purges (privacy/retention.py): what beat removes every night, and what it keeps."""

import os
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from botocore.exceptions import ClientError
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from members.models import Consent, DataRequest, Firm, Invitation, User
from notifications.models import Notification
from privacy import retention, tasks
from tests.factories import FirmFactory, MembershipFactory, UserFactory, stored_files

pytestmark = pytest.mark.django_db
Status = Notification.EmailStatus
LONG_AGO = timezone.now() - timedelta(days=400)


def test_beat_runs_every_purge_every_night():
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "privacy.tasks.purge_sessions",
        "privacy.tasks.purge_notifications",
        "privacy.tasks.purge_unverified_accounts",
        "privacy.tasks.purge_orphan_files",
    } <= scheduled


# --- Sessions ------------------------------------------------------------------------------------


def test_expired_sessions_are_removed_and_live_ones_kept():
    now = timezone.now()
    Session.objects.create(session_key="e" * 32, session_data="x", expire_date=now - timedelta(1))
    Session.objects.create(session_key="l" * 32, session_data="x", expire_date=now + timedelta(1))

    assert tasks.purge_sessions() == 1

    assert list(Session.objects.values_list("session_key", flat=True)) == ["l" * 32]


# --- Notifications -------------------------------------------------------------------------------


def notification(user, name, *, read: bool, status: str, created_at):
    row = Notification.objects.create(
        recipient=user,
        kind="firm_approved",
        key=name,
        read_at=timezone.now() if read else None,
        email_status=status,
    )
    Notification.objects.filter(pk=row.pk).update(created_at=created_at)  # auto_now_add
    return row


def test_old_read_notifications_are_removed_but_unread_and_undelivered_ones_stay(settings):
    settings.NOTIFICATIONS_READ_RETENTION_DAYS = 180
    user = UserFactory()
    old = timezone.now() - timedelta(days=181)
    recent = timezone.now() - timedelta(days=179)
    notification(user, "old-read-sent", read=True, status=Status.SENT, created_at=old)
    notification(user, "old-read-off", read=True, status=Status.SKIPPED, created_at=old)
    notification(user, "old-unread", read=False, status=Status.SENT, created_at=old)
    notification(user, "old-read-pending", read=True, status=Status.PENDING, created_at=old)
    notification(user, "old-read-digest", read=True, status=Status.DIGEST, created_at=old)
    notification(user, "recent-read", read=True, status=Status.SENT, created_at=recent)

    assert tasks.purge_notifications() == 2

    assert sorted(Notification.objects.values_list("key", flat=True)) == [
        "old-read-digest",
        "old-read-pending",
        "old-unread",
        "recent-read",
    ]


# --- Accounts never verified ---------------------------------------------------------------------


def sign_up(client, email):
    response = client.post(
        reverse("account_signup"),
        {
            "email": email,
            "first_name": "Zebedeo",
            "last_name": "Quintavalle",
            "password1": "Sondrio-Colonia-2026",
            "password2": "Sondrio-Colonia-2026",
            "accept_terms": "on",
        },
    )
    assert response.status_code == 302
    return User.objects.get(email=email)


def test_accounts_never_verified_are_deleted_with_what_names_them(client, settings):
    settings.UNVERIFIED_ACCOUNT_RETENTION_DAYS = 30
    old = timezone.now() - timedelta(days=31)
    abandoned = sign_up(client, "mai.confermato@example.it")
    young = sign_up(client, "appena.iscritto@example.it")
    no_address = UserFactory(email="senza.indirizzo@example.it", verified=False)
    verified = UserFactory(email="confermato@example.it")
    staff = UserFactory(email="ufficio@example.it", verified=False, is_staff=True)
    with_firm = MembershipFactory(user=UserFactory(email="socio@example.it", verified=False)).user
    User.objects.exclude(pk=young.pk).update(date_joined=old)
    assert Consent.objects.filter(user=abandoned).exists()

    assert tasks.purge_unverified_accounts() == 2

    assert sorted(User.objects.values_list("email", flat=True)) == sorted(
        u.email for u in (young, verified, staff, with_firm)
    )
    assert not User.objects.filter(pk__in=[abandoned.pk, no_address.pk]).exists()
    # Nothing that names them is left: addresses, consents (no dangling NULL rows either).
    assert not EmailAddress.objects.filter(email="mai.confermato@example.it").exists()
    assert not Consent.objects.filter(user__isnull=True).exists()
    assert Consent.objects.filter(user=young).exists()
    assert tasks.purge_unverified_accounts() == 0  # idempotent


def test_an_account_verified_meanwhile_is_kept(client, settings):
    from privacy import erasure

    user = sign_up(client, "in.ritardo@example.it")
    User.objects.filter(pk=user.pk).update(date_joined=LONG_AGO)
    EmailAddress.objects.filter(user=user).update(verified=True)  # after it was picked

    cutoff = timezone.now() - timedelta(days=30)
    assert erasure.delete_never_verified(user_id=user.pk, joined_before=cutoff) is None
    assert User.objects.filter(pk=user.pk).exists()


def test_an_erased_account_keeps_its_consent_and_erasure_records_through_the_purge(client):
    from privacy import erasure

    user = sign_up(client, "poi.cancellato@example.it")
    EmailAddress.objects.filter(user=user).update(verified=True)
    erasure.erase_user(user=user)
    User.objects.filter(pk=user.pk).update(date_joined=LONG_AGO)

    assert tasks.purge_unverified_accounts() == 0

    assert User.objects.filter(pk=user.pk).exists()
    assert Consent.objects.filter(user=user).exists()
    assert DataRequest.objects.filter(user=user, kind=DataRequest.Kind.ERASURE).exists()


def test_the_purge_leaves_other_peoples_rows_that_mention_the_unconfirmed_name_or_address(
    client,
):
    # Nobody confirmed the address or the name: they may be anybody's (a member's, a firm's).
    squatter = sign_up(client, "info@esportatore.example.it")
    User.objects.filter(pk=squatter.pk).update(date_joined=LONG_AGO)
    other = UserFactory()
    note = Notification.objects.create(
        recipient=other,
        kind="firm_approved",
        key="k",
        context={"firm": "Zebedeo Quintavalle", "to": "info@esportatore.example.it"},
    )
    invitation = Invitation.objects.create(
        firm=FirmFactory(), email="info@esportatore.example.it", invited_by=other
    )

    assert tasks.purge_unverified_accounts() == 1

    assert not User.objects.filter(pk=squatter.pk).exists()
    note.refresh_from_db()
    assert note.context == {"firm": "Zebedeo Quintavalle", "to": "info@esportatore.example.it"}
    assert Invitation.objects.filter(pk=invitation.pk).exists()


# --- Files no row points to ----------------------------------------------------------------------


def store(name, *, hours_old: float) -> str:
    saved = default_storage.save(name, ContentFile(b"contenuto"))
    stamp = (timezone.now() - timedelta(hours=hours_old)).timestamp()
    os.utime(default_storage.path(saved), (stamp, stamp))  # the test knows it is local disk
    return saved


def test_files_no_row_points_to_are_removed_after_the_grace_period(media_root, settings):
    settings.ORPHAN_FILE_GRACE_HOURS = 24
    firm = FirmFactory(logo=store("logos/current.png", hours_old=100))
    replaced = firm.logo.name
    firm.logo = store("logos/new.png", hours_old=50)
    firm.save()  # the history row of the change still shows the replaced logo
    store("logos/orphan.png", hours_old=25)
    store("attachments/2026/deep/orphan.pdf", hours_old=48)
    store("logos/in-flight.png", hours_old=23)  # its row is not committed yet

    assert tasks.purge_orphan_files() == 2

    assert stored_files(media_root) == sorted([replaced, "logos/new.png", "logos/in-flight.png"])
    assert Firm.objects.get().logo.name == "logos/new.png"


def test_files_outside_the_portals_upload_folders_are_never_touched(media_root):
    # Another tool's or instance's files in the same storage: not the portal's to judge.
    store("staging/logos/orphan.png", hours_old=100)
    store("copia-backup.tar.gz", hours_old=100)
    store("logos/orphan.png", hours_old=100)

    assert tasks.purge_orphan_files() == 1

    assert stored_files(media_root) == ["copia-backup.tar.gz", "staging/logos/orphan.png"]


class _S3LikeStorage(FileSystemStorage):
    """Local disk that answers for a file deleted meanwhile (another node, its owner) the way
    django-storages' S3 backend does: botocore's ClientError 404, not FileNotFoundError."""

    def __init__(self, *args, vanishing: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.vanishing = vanishing

    def get_modified_time(self, name):
        if name == self.vanishing:
            self.delete(name)
            raise ClientError({"Error": {"Code": "404", "Message": "Not Found"}}, "HeadObject")
        return super().get_modified_time(name)


def test_a_file_deleted_on_s3_during_the_purge_does_not_stop_it(media_root):
    store("logos/a.png", hours_old=48)
    store("logos/b.png", hours_old=48)
    storage = _S3LikeStorage(location=media_root, vanishing="logos/a.png")

    assert retention.orphan_files_purge(storage=storage) == 1

    assert stored_files(media_root) == []


def test_the_purge_command_runs_one_purge_by_name_and_refuses_unknown_names(media_root):
    store("logos/orphan.png", hours_old=48)
    call_command("purge", "files")
    assert stored_files(media_root) == []
    with pytest.raises(CommandError, match="Unknown purge backups"):
        call_command("purge", "backups")


def test_a_store_nobody_wrote_to_yet_has_nothing_to_purge(media_root):
    assert not media_root.exists()
    assert tasks.purge_orphan_files() == 0


def test_a_run_out_of_time_stops_and_the_next_run_goes_on(settings):
    UserFactory.create_batch(2, verified=False, date_joined=LONG_AGO)

    assert retention.unverified_accounts_purge(budget=timedelta(seconds=-1)) == 0
    assert User.objects.count() == 2
    assert retention.unverified_accounts_purge() == 2
    assert not User.objects.exists()
