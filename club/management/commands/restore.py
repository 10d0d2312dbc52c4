"""`manage.py restore DIR`: bring a backup of `manage.py backup` back (core/backup.py)."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup folder written by `manage.py backup` into an empty database and an "
        "empty media storage. Every checksum is verified before anything is written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", metavar="DIR", help="The backup folder (with manifest.json).")
        parser.add_argument(
            "--force",
            action="store_true",
            help=(
                "Restore even if the database has tables of the portal or the media storage has "
                "files: the backup's tables are dropped and recreated from the dump (their "
                "current rows are lost) and files of the same name are overwritten; tables and "
                "files that the backup does not have are left as they are."
            ),
        )
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="The database alias (default: default)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(options["folder"])
        try:
            result = restore_backup(
                folder=folder,
                connection=connections[options["database"]],
                storage=storages["default"],
                bin_dir=settings.PG_BIN_DIR,
                force=options["force"],
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        manifest = result.manifest
        if result.tables_before or result.files_before:
            self.stdout.write(
                self.style.WARNING(
                    f"--force: {result.tables_before} table(s) of the portal were replaced by "
                    f"the backup's; the media storage had {result.files_before} file(s), of "
                    f"which {result.files_kept} are not in the backup and were left in place."
                )
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {folder} (portal {manifest.get('portal_version')}, created "
                f"{manifest.get('created_at')}): database and {result.files_written} media "
                "file(s), checksums verified."
            )
        )
        executor = MigrationExecutor(connections[options["database"]])
        unknown = set(executor.loader.applied_migrations) - set(executor.loader.disk_migrations)
        if unknown:
            self.stdout.write(
                self.style.WARNING(
                    f"The backup has {len(unknown)} migration(s) this code does not know (e.g. "
                    f"{'.'.join(sorted(unknown)[0])}): it comes from a newer version of the portal."
                )
            )
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if pending:
            self.stdout.write(
                f"The backup predates {len(pending)} migration(s) of this code: run "
                "`manage.py migrate` before starting the portal."
            )
