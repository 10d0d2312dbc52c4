"""Backups that restore: a PostgreSQL dump, the media files and a manifest with checksums.

A backup is one folder with three files:
- `database.dump`: `pg_dump --format=custom` of the database (without the rows of the tables
  the caller excludes: the account-email outbox, whose rows hold live one-time links);
- `media.tar.gz`: every file of the portal's upload folders in the media storage (the first
  folder of each FileField's `upload_to`: logos/, attachments/; nothing else the bucket or
  folder may hold), read through the storage API (so local disk and an S3 bucket are backed up
  alike), under its storage name;
- `manifest.json`: the portal version, the migration state (latest applied migration per app),
  the PostgreSQL versions, the creation time, and the size and SHA-256 of the dump, of the archive
  and of every media file; `vanished` names the files deleted while the backup ran. It is
  written last: a folder without it is an incomplete backup.

`restore_backup` checks every checksum before it touches anything, refuses a database that has
tables of ours or upload folders that have files (unless forced), then runs `pg_restore` in one
transaction and writes the files back through the storage API, and reads them back to check them.

The PostgreSQL client programs come from PG_BIN_DIR (the development and test services point it
at the embedded PostgreSQL's binaries) or from PATH. A pg_dump older than the server cannot dump
it: that is checked first and reported with both versions. The password goes to the programs in
PGPASSWORD, never on their command line (where `ps` would show it).
"""

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.contrib.contenttypes.models import ContentType
from django.core.files import File
from django.core.files.storage import Storage
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.recorder import MigrationRecorder

from core.uploads import is_missing_file, upload_folders

FORMAT = 1
MANIFEST = "manifest.json"
DUMP = "database.dump"
ARCHIVE = "media.tar.gz"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; `str()` is one line for the operator."""


# --- PostgreSQL client programs ------------------------------------------------------------------


@dataclass(frozen=True)
class PgTool:
    path: Path
    version: str  # "18.1"

    @property
    def major(self) -> int:
        return int(self.version.split(".")[0])


# libpq's environment variables for the connection OPTIONS that Django passes on to it.
_LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "options": "PGOPTIONS",
}

_VERSION = re.compile(r"\(PostgreSQL\)\s+(\d+(?:\.\d+)?)")


def pg_tool(name: str, bin_dir: str = "") -> PgTool:
    """The program `name` (pg_dump, pg_restore) from `bin_dir`, or from PATH when empty."""
    if bin_dir:
        candidate = Path(bin_dir) / name
        if not (candidate.is_file() and os.access(candidate, os.X_OK)):
            raise BackupError(
                f"{name} not found in PG_BIN_DIR={bin_dir}: point PG_BIN_DIR at the bin folder "
                f"of PostgreSQL's client programs (e.g. /usr/lib/postgresql/18/bin)."
            )
        path = candidate
    else:
        found = shutil.which(name)
        if not found:
            raise BackupError(
                f"{name} not found on PATH: install PostgreSQL's client programs of the server's "
                f"major version (Debian: postgresql-client-18) or set PG_BIN_DIR."
            )
        path = Path(found)
    out = subprocess.run(  # noqa: S603 - a fixed argument list, no shell
        [str(path), "--version"], capture_output=True, text=True, check=False
    )
    match = _VERSION.search(out.stdout)
    if out.returncode or not match:
        raise BackupError(f"{path} --version failed: {_first_line(out.stderr or out.stdout)}")
    return PgTool(path=path, version=match.group(1))


def server_version(connection: BaseDatabaseWrapper) -> str:
    """The server's version as "major.minor" (e.g. "18.1")."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        number = int(cursor.fetchone()[0])
    return f"{number // 10000}.{number % 10000}"


def _major(version: str) -> int:
    return int(version.split(".")[0])


def pg_env(settings_dict: Mapping[str, Any]) -> dict[str, str]:
    """The environment that points libpq's programs at the database of `settings_dict`."""
    env = {**os.environ}
    for key in ("PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE", "PGSERVICE"):
        env.pop(key, None)
    values = {
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGDATABASE": settings_dict.get("NAME"),
    }
    options = settings_dict.get("OPTIONS") or {}
    values.update({var: options.get(option) for option, var in _LIBPQ_OPTIONS.items()})
    env.update({key: str(value) for key, value in values.items() if value})
    return env


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[0] if lines else "(no message)"


def _run(cmd: list[str], env: dict[str, str], what: str) -> None:
    out = subprocess.run(  # noqa: S603 - a fixed argument list, no shell
        cmd, env=env, capture_output=True, text=True, check=False
    )
    if out.returncode:
        errors = [line for line in out.stderr.splitlines() if "error" in line.lower()]
        raise BackupError(f"{what} failed: {_first_line(errors[0] if errors else out.stderr)}")


# --- Files and checksums -------------------------------------------------------------------------


@dataclass(frozen=True)
class Digest:
    size: int
    sha256: str

    def as_dict(self) -> dict[str, int | str]:
        return {"size": self.size, "sha256": self.sha256}


def digest_stream(stream: IO[bytes], copy_to: IO[bytes] | None = None) -> Digest:
    sha = hashlib.sha256()
    size = 0
    while chunk := stream.read(CHUNK):
        sha.update(chunk)
        size += len(chunk)
        if copy_to is not None:
            copy_to.write(chunk)
    return Digest(size=size, sha256=sha.hexdigest())


def digest_file(path: Path) -> Digest:
    with path.open("rb") as stream:
        return digest_stream(stream)


def storage_files(storage: Storage, folder: str = "") -> Iterator[str]:
    """Every file name in `storage`, walking listdir() down from `folder`, sorted."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        if folder:
            raise
        return  # a local media folder that was never created: no files
    prefix = f"{folder}/" if folder else ""
    for name in sorted(files):
        yield prefix + name
    for sub in sorted(folders):
        yield from storage_files(storage, prefix + sub)


def media_files(storage: Storage) -> Iterator[str]:
    """Every file of the portal's upload folders (core.uploads.upload_folders) in `storage`,
    sorted; nothing else the storage may hold. A folder never written to has no files."""
    for folder in upload_folders():
        try:
            storage.listdir(folder)
        except FileNotFoundError:  # local disk: the folder was never created
            continue
        yield from storage_files(storage, folder)


def migration_state(connection: BaseDatabaseWrapper) -> dict[str, str]:
    """The latest applied migration of each app (names sort by their number)."""
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        if name > latest.get(app, ""):
            latest[app] = name
    return dict(sorted(latest.items()))


# --- Backup --------------------------------------------------------------------------------------


def default_folder(base: Path, now: dt.datetime | None = None) -> Path:
    """`base/<UTC timestamp>`, e.g. var/backups/20261201T024500Z."""
    now = now or dt.datetime.now(dt.UTC)
    return base / now.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def create_backup(
    *,
    output: Path,
    connection: BaseDatabaseWrapper,
    storage: Storage,
    portal_version: str,
    bin_dir: str = "",
    exclude_table_data: tuple[str, ...] = (),
) -> dict[str, Any]:
    """Write a backup into the new (or empty) folder `output`; return its manifest.

    `exclude_table_data` names tables whose rows stay out of the dump (their schema is in it):
    the account-email outbox, whose rows hold live one-time links.

    The folder and its files are readable by the owner only (they hold personal data). On any
    failure the files written so far are removed, so no half backup is left behind."""
    pg_dump = pg_tool("pg_dump", bin_dir)
    server = server_version(connection)
    if pg_dump.major < _major(server):
        raise BackupError(
            f"{pg_dump.path} is version {pg_dump.version} but the server runs PostgreSQL "
            f"{server}: pg_dump must be at least {_major(server)} (install "
            f"postgresql-client-{_major(server)} or set PG_BIN_DIR)."
        )
    if output.exists() and (not output.is_dir() or any(output.iterdir())):
        raise BackupError(f"{output} exists and is not an empty folder: choose a new one.")
    created = not output.exists()
    output.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        return _write_backup(
            output, connection, storage, portal_version, pg_dump, server, exclude_table_data
        )
    except BaseException:
        if created:
            shutil.rmtree(output, ignore_errors=True)
        else:
            for name in (DUMP, ARCHIVE, MANIFEST):
                (output / name).unlink(missing_ok=True)
        raise


def _write_backup(
    output: Path,
    connection: BaseDatabaseWrapper,
    storage: Storage,
    portal_version: str,
    pg_dump: PgTool,
    server: str,
    exclude_table_data: tuple[str, ...],
) -> dict[str, Any]:
    old_umask = os.umask(0o077)
    try:
        created_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        # The dump first, then the files: an upload writes its file before its row, so every file
        # a dumped row names already exists when the files are read. (A file deleted in between,
        # e.g. a replaced logo, is the one race left; a quiet hour avoids it.)
        dump = output / DUMP
        excluded = [f"--exclude-table-data={table}" for table in exclude_table_data]
        _run(
            [str(pg_dump.path), "--format=custom", "--no-password", *excluded, "--file", str(dump)],
            pg_env(connection.settings_dict),
            "pg_dump",
        )
        files, vanished = _write_archive(output / ARCHIVE, storage)
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "portal_version": portal_version,
            "created_at": created_at,
            "postgresql": {"server": server, "pg_dump": pg_dump.version},
            "migrations": migration_state(connection),
            "dump": {"file": DUMP, **digest_file(dump).as_dict()},
            "media_archive": {"file": ARCHIVE, **digest_file(output / ARCHIVE).as_dict()},
            "media": files,
            "vanished": vanished,
        }
        (output / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    finally:
        os.umask(old_umask)
    return manifest


def _write_archive(path: Path, storage: Storage) -> tuple[list[dict[str, Any]], list[str]]:
    """Every storage file into a tar.gz under its storage name. Returns their names, sizes and
    SHA-256, and the names of the files deleted between the listing and the read (a replaced
    logo, a deleted attachment): skipped, like any file deleted just after the dump."""
    entries: list[dict[str, Any]] = []
    vanished: list[str] = []
    with tarfile.open(path, "w:gz") as archive:
        for name in media_files(storage):
            # A spooled copy: the tar header needs the size before the bytes, and a storage's
            # size() may be a separate request (S3) that could disagree with what we read.
            with tempfile.SpooledTemporaryFile(max_size=8 * CHUNK) as copy:
                try:
                    with storage.open(name, "rb") as source:
                        digest = digest_stream(source, copy_to=copy)
                except Exception as exc:
                    if not is_missing_file(exc):
                        raise
                    vanished.append(name)
                    continue
                copy.seek(0)
                info = tarfile.TarInfo(name)
                info.size = digest.size
                info.mode = 0o600
                archive.addfile(info, copy)
            entries.append({"name": name, **digest.as_dict()})
    return entries, vanished


# --- Restore -------------------------------------------------------------------------------------


def read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    if not folder.is_dir():
        raise BackupError(f"{folder} is not a folder.")
    if not path.is_file():
        raise BackupError(f"{folder} has no {MANIFEST}: not a backup, or an incomplete one.")
    try:
        manifest = json.loads(path.read_text())
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupError(f"{path} is not valid JSON ({exc}).") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a backup manifest of format {FORMAT}.")
    damaged = BackupError(f"{path} is damaged: a file's entry lacks its name, size or checksum.")
    for key in ("dump", "media_archive"):
        if not _entry_ok(manifest.get(key), "file"):
            raise damaged
    media = manifest.get("media")
    if not isinstance(media, list) or not all(_entry_ok(entry, "name") for entry in media):
        raise damaged
    return manifest


def _entry_ok(entry: object, name_key: str) -> bool:
    return (
        isinstance(entry, dict)
        and isinstance(entry.get(name_key), str)
        and isinstance(entry.get("size"), int)
        and isinstance(entry.get("sha256"), str)
    )


def _check_file(folder: Path, entry: Mapping[str, Any]) -> Path:
    name = str(entry.get("file", ""))
    path = folder / name
    if PurePosixPath(name).name != name or not path.is_file():
        raise BackupError(f"{path} is missing: the backup is incomplete.")
    digest = digest_file(path)
    if digest.size != entry.get("size") or digest.sha256 != entry.get("sha256"):
        raise BackupError(
            f"{path} does not match its checksum in {MANIFEST}: the backup is damaged or altered."
        )
    return path


def _safe_member_name(name: str) -> bool:
    path = PurePosixPath(name)
    return bool(name) and not path.is_absolute() and ".." not in path.parts and "\\" not in name


def verify_backup(folder: Path) -> dict[str, Any]:
    """Check the manifest, the dump, the archive and every file in it; return the manifest."""
    manifest = read_manifest(folder)
    _check_file(folder, manifest["dump"])
    archive_path = _check_file(folder, manifest["media_archive"])
    expected = {str(entry["name"]): entry for entry in manifest["media"]}
    seen: set[str] = set()
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            for member in archive:
                entry = expected.get(member.name)
                if entry is None or not member.isfile() or not _safe_member_name(member.name):
                    raise BackupError(
                        f"{archive_path} holds '{member.name}', which {MANIFEST} does not list."
                    )
                stream = archive.extractfile(member)
                if stream is None:  # never for a regular file
                    raise BackupError(f"'{member.name}' in {archive_path} cannot be read.")
                digest = digest_stream(stream)
                if digest.size != entry["size"] or digest.sha256 != entry["sha256"]:
                    raise BackupError(
                        f"'{member.name}' in {archive_path} does not match its checksum."
                    )
                seen.add(member.name)
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise BackupError(f"{archive_path} cannot be read: {exc}") from None
    missing = sorted(set(expected) - seen)
    if missing:
        raise BackupError(f"{archive_path} lacks {len(missing)} file(s), e.g. '{missing[0]}'.")
    return manifest


def tables_of_ours(connection: BaseDatabaseWrapper) -> list[str]:
    """The tables of the installed models (and Django's migration table) that exist."""
    ours = set(connection.introspection.django_table_names())
    ours.add(MigrationRecorder.Migration._meta.db_table)
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor, include_views=False))
    return sorted(ours & existing)


@dataclass(frozen=True)
class RestoreResult:
    manifest: dict[str, Any]
    tables_before: int  # tables of ours that existed (only non-zero with force)
    files_before: int  # files in the storage before (only non-zero with force)
    files_kept: int  # of those, files the backup does not have: left in the storage
    files_written: int


def restore_backup(
    *,
    folder: Path,
    connection: BaseDatabaseWrapper,
    storage: Storage,
    bin_dir: str = "",
    force: bool = False,
) -> RestoreResult:
    """Bring the backup in `folder` back into the database and the media storage.

    Nothing is touched unless every checksum matches and (without `force`) the database has no
    tables of ours and the storage no files. The dump is restored in one transaction (a failure
    leaves the database as it was), without owners and privileges, so any role can restore it.
    With `force`, the dump's objects are dropped and recreated (`pg_restore --clean`) and files
    of the same name are replaced; tables and files that the backup does not have stay. The files
    are written after the database: a failure there says the database was restored, and a rerun
    with `force` finishes the job."""
    manifest = verify_backup(folder)
    pg_restore = pg_tool("pg_restore", bin_dir)
    dumped_by = str(manifest.get("postgresql", {}).get("pg_dump", "0"))
    if pg_restore.major < _major(dumped_by):
        raise BackupError(
            f"{pg_restore.path} is version {pg_restore.version} but the dump was written by "
            f"pg_dump {dumped_by}: pg_restore must be at least {_major(dumped_by)} (set "
            f"PG_BIN_DIR)."
        )
    tables = tables_of_ours(connection)
    files = list(media_files(storage))
    if not force and tables:
        raise BackupError(
            f"The database {connection.settings_dict.get('NAME')} already has {len(tables)} "
            f"table(s) of the portal (e.g. {tables[0]}): restore into an empty database, or "
            f"use --force to replace them."
        )
    if not force and files:
        raise BackupError(
            f"The media storage already has {len(files)} file(s) (e.g. {files[0]}): restore "
            f"into an empty storage, or use --force to replace files of the same name."
        )
    cmd = [str(pg_restore.path), "--no-owner", "--no-privileges", "--no-password"]
    cmd += ["--single-transaction", "--exit-on-error"]
    if force and tables:
        cmd += ["--clean", "--if-exists"]
    dbname = str(connection.settings_dict.get("NAME") or "")
    # The database name alone (libpq would read a "key=value" string as connection options).
    cmd += ["--dbname", f"dbname='{_conninfo_quote(dbname)}'", str(folder / DUMP)]
    connection.close()  # no session of ours holds locks on the tables being replaced
    _run(cmd, pg_env(connection.settings_dict), "pg_restore")
    ContentType.objects.clear_cache()  # ids now come from the dump
    try:
        written = _restore_files(folder / ARCHIVE, storage, manifest["media"], replace=force)
    except Exception as exc:
        # The database is the backup's already: say so, and how to finish.
        reason = str(exc) if isinstance(exc, BackupError) else f"{type(exc).__name__}: {exc}"
        raise BackupError(
            f"Database restored, media incomplete: rerun with --force to write the files "
            f"again ({_first_line(reason)})."
        ) from exc
    in_backup = {str(entry["name"]) for entry in manifest["media"]}
    return RestoreResult(
        manifest=manifest,
        tables_before=len(tables),
        files_before=len(files),
        files_kept=len(set(files) - in_backup),
        files_written=written,
    )


def _conninfo_quote(value: str) -> str:
    return value.replace("\\", "\\\\").replace("'", "\\'")


def _restore_files(
    archive_path: Path, storage: Storage, entries: list[dict[str, Any]], *, replace: bool
) -> int:
    """Write every archived file back under its name, then read each one back to check it."""
    written = 0
    with tarfile.open(archive_path, "r:gz") as archive:
        for member in archive:
            stream = archive.extractfile(member)
            if stream is None:
                continue
            if replace and storage.exists(member.name):
                storage.delete(member.name)
            content = File(stream, name=member.name)
            # Known from the archive; File would otherwise guess it from a path named like the
            # member, relative to the working directory.
            content.size = member.size
            saved = storage.save(member.name, content)
            if saved != member.name:
                raise BackupError(
                    f"The storage saved '{member.name}' as '{saved}': a file of that name exists."
                )
            written += 1
    for entry in entries:
        with storage.open(str(entry["name"]), "rb") as stored:
            digest = digest_stream(stored)
        if digest.size != entry["size"] or digest.sha256 != entry["sha256"]:
            raise BackupError(f"'{entry['name']}' reads back differently from the backup.")
    return written
