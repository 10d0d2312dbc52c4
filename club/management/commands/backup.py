"""`manage.py backup`: a PostgreSQL dump, the media files and a manifest (core/backup.py)."""

import tomllib
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections

from core.backup import BackupError, create_backup, default_folder
from notifications.models import OutgoingEmail


def portal_version() -> str:
    """The version in pyproject.toml (the image copies it too)."""
    try:
        data = tomllib.loads((Path(settings.BASE_DIR) / "pyproject.toml").read_text())
    except (OSError, tomllib.TOMLDecodeError):
        return "unknown"
    return str(data.get("project", {}).get("version", "unknown"))


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump, custom format) and every media file, with a manifest of "
        "checksums, into a new folder (default: BACKUP_DIR/<UTC timestamp>)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            metavar="DIR",
            help="The folder to write (new or empty); default: BACKUP_DIR/<UTC timestamp>.",
        )
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="The database alias (default: default)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output = Path(options["output"] or default_folder(Path(settings.BACKUP_DIR)))
        try:
            manifest = create_backup(
                output=output,
                connection=connections[options["database"]],
                storage=storages["default"],
                portal_version=portal_version(),
                bin_dir=settings.PG_BIN_DIR,
                # Account emails waiting to be sent hold live reset and verification links: not
                # kept for months in backups, nor sent again (stale) after a restore.
                exclude_table_data=(OutgoingEmail._meta.db_table,),
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        size = manifest["dump"]["size"] + manifest["media_archive"]["size"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {output}: database dump, {len(manifest['media'])} media "
                f"file(s), {size / 1_048_576:.1f} MB."
            )
        )
        if manifest["vanished"]:
            self.stdout.write(
                f"{len(manifest['vanished'])} media file(s) were deleted while the backup ran "
                f"and are not in it (listed as 'vanished' in the manifest)."
            )
