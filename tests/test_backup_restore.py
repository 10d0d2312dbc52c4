"""`manage.py backup` and `manage.py restore` (core/backup.py) against the suite's real PostgreSQL.

The round trip restores into the test database itself: after the backup the test drops the
`public` schema (every table, sequence and row of the portal) and empties the media folder, so
`restore` meets a truly empty database and storage on the same server, as in production, and the
portal is then used again through its pages. The tests are transactional (the dump must see
committed rows); a guard rebuilds the schema with `migrate` should a test leave it dropped, so the
rest of the suite always finds a usable database.
"""

import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from botocore.exceptions import ClientError
from django.conf import settings as django_settings
from django.core.files.storage import FileSystemStorage
from django.core.management import CommandError, call_command
from django.db import connection

from board import services as board_services
from board.models import Attachment, Post
from members import notification_kinds as kinds
from members import services as members_services
from members.models import Firm
from missions.models import Application
from notifications.models import Notification
from notifications.services import notify
from tests.factories import (
    ApplicationFactory,
    MissionFactory,
    image_bytes,
    member,
    pdf_bytes,
    upload,
)
from tests.support.clients import login

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.django_db(transaction=True)


# --- Helpers --------------------------------------------------------------------------------------


def row_counts() -> dict[str, int]:
    """Rows of every table of the database (public schema)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
        tables = [row[0] for row in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - names from pg_tables
            counts[table] = cursor.fetchone()[0]
    return counts


def file_digests(media_root: Path) -> dict[str, str]:
    root = Path(media_root)
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def drop_database_contents() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")


def empty_storage(media_root: Path) -> None:
    for path in sorted(Path(media_root).rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()


def seed() -> dict:
    """Firms with logos, missions with applications, board posts with attachments, notifications."""
    owners = [member() for _ in range(3)]
    firms = [user.membership.firm for user in owners]
    for firm in firms:
        members_services.firm_logo_set(firm_id=firm.pk, upload=upload("logo.png", image_bytes()))
    missions = [MissionFactory() for _ in range(2)]
    for mission in missions:
        for firm in firms[:2]:
            ApplicationFactory(mission=mission, firm=firm)
    for i, user in enumerate(owners[:2]):
        board_services.post_create(
            author=user,
            kind="question",
            title=f"Cerco un distributore {i}",
            body="Allego il listino",
            tags=[],
            files=[
                upload(f"listino-{i}.pdf", pdf_bytes(f"Listino {i}")),
                upload(f"foto-{i}.jpg", image_bytes("JPEG")),
            ],
        )
    for user in owners:
        notify(recipients=[user], kind=kinds.FIRM_APPROVED.slug, context={"firm": "x"})
    return {"owner": owners[0], "firm": Firm.objects.get(pk=firms[0].pk)}


@pytest.fixture(autouse=True)
def _schema_guard(transactional_db):
    """Should a test end with the schema dropped, rebuild it for the rest of the suite."""
    yield
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    if "django_migrations" not in tables:
        drop_database_contents()
        call_command("migrate", verbosity=0)


@pytest.fixture
def seeded_backup(tmp_path) -> Path:
    """A backup of the seeded database and media."""
    seed()
    folder = tmp_path / "backup"
    call_command("backup", output=str(folder), stdout=io.StringIO())
    return folder


# --- The round trip -------------------------------------------------------------------------------


def test_backup_then_restore_into_an_emptied_database_and_storage(tmp_path, media_root):
    data = seed()
    counts, files = row_counts(), file_digests(media_root)
    assert counts["members_firm"] == 3
    assert counts["board_attachment"] == 4
    assert counts["missions_application"] == 4
    assert counts["notifications_notification"] >= 3
    assert len(files) == 7  # 3 logos, 4 attachments

    out = io.StringIO()
    call_command("backup", output=str(tmp_path / "backup"), stdout=out)
    assert "7 media file(s)" in out.getvalue()
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert {entry["name"]: entry["sha256"] for entry in manifest["media"]} == files
    assert manifest["migrations"]["members"].startswith("00")
    assert manifest["postgresql"]["pg_dump"].split(".")[0] == "18"

    drop_database_contents()
    empty_storage(media_root)
    assert row_counts() == {}
    assert file_digests(media_root) == {}

    out = io.StringIO()
    call_command("restore", str(tmp_path / "backup"), stdout=out)
    assert "7 media file(s), checksums verified" in out.getvalue()

    assert row_counts() == counts
    assert file_digests(media_root) == files
    # The portal works on the restored data: the owner logs in and sees the firm's logo.
    firm = data["firm"]
    response = login(data["owner"]).get(firm.logo_url)
    assert response.status_code == 200
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == files[firm.logo.name]
    assert Application.objects.count() == 4
    assert Post.objects.count() == 2
    assert Attachment.objects.count() == 4
    assert Notification.objects.count() >= 3


# --- Refusals -------------------------------------------------------------------------------------


def _rewrite_archive_with(folder: Path, name: str, data: bytes) -> None:
    """Replace one file inside media.tar.gz and fix the archive's own checksum in the manifest:
    only the per-file checksum can tell."""
    archive = folder / "media.tar.gz"
    with tarfile.open(archive, "r:gz") as source:
        members = [(m, source.extractfile(m).read()) for m in source.getmembers()]
    with tarfile.open(archive, "w:gz") as target:
        for member_info, content in members:
            content = data if member_info.name == name else content
            member_info.size = len(content)
            target.addfile(member_info, io.BytesIO(content))
    manifest = json.loads((folder / "manifest.json").read_text())
    raw = archive.read_bytes()
    manifest["media_archive"].update(size=len(raw), sha256=hashlib.sha256(raw).hexdigest())
    (folder / "manifest.json").write_text(json.dumps(manifest))


def _drop_a_checksum(manifest: Path) -> None:
    data = json.loads(manifest.read_text())
    del data["media"][0]["sha256"]
    manifest.write_text(json.dumps(data))


def _append_byte(path: Path) -> None:
    with path.open("ab") as f:
        f.write(b"\0")


@pytest.mark.parametrize(
    ("damage", "error"),
    [
        (lambda f: _append_byte(f / "media.tar.gz"), "media.tar.gz does not match its checksum"),
        (lambda f: _append_byte(f / "database.dump"), "database.dump does not match its checksum"),
        (lambda f: (f / "database.dump").unlink(), "database.dump is missing"),
        (lambda f: (f / "manifest.json").unlink(), "has no manifest.json"),
        (lambda f: _drop_a_checksum(f / "manifest.json"), "manifest.json is damaged"),
        (
            lambda f: _rewrite_archive_with(
                f,
                json.loads((f / "manifest.json").read_text())["media"][0]["name"],
                b"not the logo",
            ),
            "does not match its checksum",
        ),
    ],
    ids=[
        "archive-altered",
        "dump-altered",
        "dump-missing",
        "no-manifest",
        "manifest-damaged",
        "file-in-archive",
    ],
)
def test_a_damaged_or_incomplete_backup_is_refused_before_anything_is_touched(
    seeded_backup, media_root, damage, error
):
    # The checksums are checked first: even the emptiness check (which would also refuse this
    # non-empty database) comes after them. Nothing is changed.
    counts, files = row_counts(), file_digests(media_root)
    damage(seeded_backup)
    with pytest.raises(CommandError, match=error) as caught:
        call_command("restore", str(seeded_backup), force=True)
    assert "\n" not in str(caught.value)
    assert row_counts() == counts
    assert file_digests(media_root) == files


def test_restore_refuses_a_database_with_tables_unless_forced(seeded_backup, media_root):
    counts, files = row_counts(), file_digests(media_root)
    member()  # a change after the backup
    empty_storage(media_root)
    with pytest.raises(CommandError, match=r"already has \d+ table\(s\).*--force"):
        call_command("restore", str(seeded_backup))
    assert row_counts()["members_firm"] == 4
    assert file_digests(media_root) == {}

    out = io.StringIO()
    call_command("restore", str(seeded_backup), force=True, stdout=out)
    assert re.search(r"--force: \d+ table\(s\) of the portal were replaced", out.getvalue())
    assert row_counts() == counts  # the later firm is gone: the tables are the backup's again
    assert file_digests(media_root) == files


def test_restore_refuses_a_storage_with_files_unless_forced(seeded_backup, media_root):
    files = file_digests(media_root)
    drop_database_contents()
    with pytest.raises(CommandError, match=r"media storage already has 7 file\(s\)"):
        call_command("restore", str(seeded_backup))
    assert row_counts() == {}
    (media_root / "logos" / "stray.png").write_bytes(b"not in the backup")
    out = io.StringIO()
    call_command("restore", str(seeded_backup), force=True, stdout=out)
    assert "had 8 file(s), of which 1 are not in the backup and were left in place" in (
        out.getvalue()
    )
    assert file_digests(media_root) == {
        **files,
        "logos/stray.png": hashlib.sha256(b"not in the backup").hexdigest(),
    }
    assert Firm.objects.count() == 3


def test_files_outside_the_portals_upload_folders_are_not_backed_up_nor_block_a_restore(
    tmp_path, media_root
):
    seed()
    (media_root / "staging" / "logos").mkdir(parents=True)
    (media_root / "staging" / "logos" / "other.png").write_bytes(b"another instance's")
    (media_root / "foreign.txt").write_bytes(b"another tool's")
    files = {
        name: digest
        for name, digest in file_digests(media_root).items()
        if name.startswith(("logos/", "attachments/"))
    }

    call_command("backup", output=str(tmp_path / "backup"), stdout=io.StringIO())
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert {entry["name"] for entry in manifest["media"]} == set(files)
    with tarfile.open(tmp_path / "backup" / "media.tar.gz", "r:gz") as archive:
        assert sorted(archive.getnames()) == sorted(files)

    drop_database_contents()
    for name in files:
        (media_root / name).unlink()
    call_command("restore", str(tmp_path / "backup"), stdout=io.StringIO())  # no --force
    assert file_digests(media_root) == {
        **files,
        "staging/logos/other.png": hashlib.sha256(b"another instance's").hexdigest(),
        "foreign.txt": hashlib.sha256(b"another tool's").hexdigest(),
    }


class _VanishingStorage(FileSystemStorage):
    """Local disk where one file is deleted between the listing and the read (by a user, or the
    orphan purge); `s3` raises what django-storages raises for a missing key."""

    def __init__(self, *args, vanishing: str, s3: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.vanishing, self.s3 = vanishing, s3

    def _open(self, name, mode="rb"):
        if name == self.vanishing:
            self.delete(name)
            if self.s3:
                error = {"Error": {"Code": "404", "Message": "Not Found"}}
                raise ClientError(error, "HeadObject")
        return super()._open(name, mode)


@pytest.mark.parametrize("s3", [False, True], ids=["disk", "s3"])
def test_a_file_that_vanishes_during_the_backup_is_skipped_and_listed(tmp_path, media_root, s3):
    from core.backup import create_backup, verify_backup

    seed()
    files = file_digests(media_root)
    gone = sorted(files)[0]
    storage = _VanishingStorage(location=media_root, vanishing=gone, s3=s3)

    manifest = create_backup(
        output=tmp_path / "backup",
        connection=connection,
        storage=storage,
        portal_version="test",
        bin_dir=django_settings.PG_BIN_DIR,
    )

    assert manifest["vanished"] == [gone]
    assert {entry["name"] for entry in manifest["media"]} == set(files) - {gone}
    assert verify_backup(tmp_path / "backup")["vanished"] == [gone]


class _FullStorage(FileSystemStorage):
    """Local disk that fails on the third file written (a full disk, an S3 error)."""

    writes = 0

    def _save(self, name, content):
        type(self).writes += 1
        if type(self).writes == 3:
            raise OSError(28, "No space left on device")
        return super()._save(name, content)


def test_a_failure_in_the_media_phase_says_the_database_was_restored(seeded_backup, media_root):
    from core.backup import BackupError, restore_backup

    counts, files = row_counts(), file_digests(media_root)
    drop_database_contents()
    empty_storage(media_root)

    with pytest.raises(
        BackupError, match="Database restored, media incomplete: rerun with --force"
    ):
        restore_backup(
            folder=seeded_backup,
            connection=connection,
            storage=_FullStorage(location=media_root),
            bin_dir=django_settings.PG_BIN_DIR,
        )
    assert row_counts() == counts
    assert len(file_digests(media_root)) == 2

    call_command("restore", str(seeded_backup), force=True, stdout=io.StringIO())
    assert row_counts() == counts
    assert file_digests(media_root) == files


def test_account_emails_waiting_in_the_outbox_are_not_backed_up(tmp_path, media_root):
    from notifications.models import OutgoingEmail

    seed()
    OutgoingEmail.objects.create(
        to=["nuova.impresa@example.it"],
        from_email="club@example.it",
        subject="Reimposta la password",
        body="https://club.example.it/accounts/password/reset/key/1-secret/",
    )
    counts = row_counts()

    call_command("backup", output=str(tmp_path / "backup"), stdout=io.StringIO())
    drop_database_contents()
    empty_storage(media_root)
    call_command("restore", str(tmp_path / "backup"), stdout=io.StringIO())

    assert not OutgoingEmail.objects.exists()  # its one-time link is not in the backup
    assert row_counts() == {**counts, "notifications_outgoingemail": 0}


def test_the_command_line_exits_non_zero_with_one_line(seeded_backup, media_root):
    _append_byte(seeded_backup / "media.tar.gz")
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "MEDIA_ROOT": str(media_root),
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "restore", str(seeded_backup)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"CommandError: {seeded_backup / 'media.tar.gz'} does not match its checksum in "
        "manifest.json: the backup is damaged or altered."
    ]


# --- The PostgreSQL client programs ---------------------------------------------------------------


def test_a_missing_pg_dump_in_pg_bin_dir_is_named(tmp_path, settings):
    settings.PG_BIN_DIR = str(tmp_path / "bin")
    with pytest.raises(CommandError, match=r"pg_dump not found in PG_BIN_DIR=.*/bin") as caught:
        call_command("backup", output=str(tmp_path / "backup"))
    assert "\n" not in str(caught.value)
    assert not (tmp_path / "backup").exists()


def test_a_pg_dump_missing_from_path_is_named(tmp_path, settings, monkeypatch):
    settings.PG_BIN_DIR = ""
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(CommandError, match="pg_dump not found on PATH.*postgresql-client-18"):
        call_command("backup", output=str(tmp_path / "backup"))


def test_an_older_pg_dump_than_the_server_is_refused_naming_both_versions(tmp_path, settings):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "pg_dump"
    fake.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)'\n")
    fake.chmod(0o755)
    settings.PG_BIN_DIR = str(bin_dir)
    with pytest.raises(
        CommandError, match=r"version 15\.18 but the server runs PostgreSQL 18\.\d+"
    ) as caught:
        call_command("backup", output=str(tmp_path / "backup"))
    assert "\n" not in str(caught.value)
    assert not (tmp_path / "backup").exists()


def test_restore_says_when_the_backup_and_the_code_differ_in_migrations(tmp_path, media_root):
    """A backup older than the code needs `migrate`; one newer than the code is flagged."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, app, name, applied FROM django_migrations WHERE app = 'notifications' "
            "ORDER BY name DESC LIMIT 1"
        )
        latest = cursor.fetchone()
        cursor.execute("DELETE FROM django_migrations WHERE id = %s", [latest[0]])
        cursor.execute(
            "INSERT INTO django_migrations (app, name, applied) "
            "VALUES ('members', '9999_from_the_future', now())"
        )
    try:
        call_command("backup", output=str(tmp_path / "backup"), stdout=io.StringIO())
        drop_database_contents()
        out = io.StringIO()
        call_command("restore", str(tmp_path / "backup"), stdout=out)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM django_migrations WHERE name = '9999_from_the_future'")
            cursor.execute(
                "INSERT INTO django_migrations (id, app, name, applied) VALUES (%s, %s, %s, %s) "
                "ON CONFLICT DO NOTHING",
                latest,
            )
    assert "1 migration(s) this code does not know (e.g. members.9999_from_the_future)" in (
        out.getvalue()
    )
    assert "The backup predates 1 migration(s) of this code: run `manage.py migrate`" in (
        out.getvalue()
    )


def test_media_go_through_the_storage_api_so_any_storage_works(tmp_path, settings):
    """Media are listed, read and written only through the storage API: a storage without any
    folder on disk (as an S3 bucket through django-storages) is backed up and restored alike."""
    from django.core.files.storage import default_storage

    from core.backup import storage_files

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }

    def digests() -> dict[str, str]:
        result = {}
        for name in storage_files(default_storage):
            with default_storage.open(name, "rb") as f:
                result[name] = hashlib.sha256(f.read()).hexdigest()
        return result

    seed()
    counts, files = row_counts(), digests()
    assert len(files) == 7
    call_command("backup", output=str(tmp_path / "backup"), stdout=io.StringIO())
    drop_database_contents()
    for name in files:
        default_storage.delete(name)
    assert digests() == {}

    call_command("restore", str(tmp_path / "backup"), stdout=io.StringIO())
    assert row_counts() == counts
    assert digests() == files
