"""A throwaway local PostgreSQL server: the test suite's, the bench's and the demo's desk.

    with LocalPostgres.start() as pg:   # None-safe: see `find_binaries()` first
        pg.dsn("postgres")             # postgresql://postgres:...@127.0.0.1:PORT/postgres

Uses the PostgreSQL binaries installed on this machine, and each server starts from a
copy of a cluster initialised once (both `fleettui.desk.pg_binaries`, which also runs
them as the `postgres` user when this process is root). The server listens on 127.0.0.1
on a free port and on a unix socket inside its own directory, with durability switched
off (fsync, full page writes, synchronous commit) unless `durable=True`: a test server,
never a home for real data.

Access: the superuser `postgres` with a random password over TCP (scram-sha-256), so a
wrong password is refused as on a real desk. Textual-free; psycopg is not needed here.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from urllib.parse import quote

from fleettui.desk.pg_binaries import (
    ENV_RUN_AS,
    HOW_TO_GET,
    SUPERUSER,
    NoPostgres,
    as_user,
    chown,
    find_binaries,
    free_port,
    initdb_template,
    run_as,
    run_checked,
)

_FAST = ("fsync=off", "full_page_writes=off", "synchronous_commit=off")
_SETTINGS = (
    "shared_buffers=16MB",
    "max_connections=100",
    "listen_addresses='127.0.0.1'",
    "max_wal_size=64MB",
    "log_min_messages=fatal",
    "logging_collector=off",
)


#: The watchdog (`LocalPostgres.stop_when_gone`): its stdin is a pipe whose other end
#: only the owner holds, so end of file (or a new parent) means the owner is gone,
#: however it ended (kill -9 included). It then stops the server at once, removes its
#: directory and, if given, the file naming it (only while that file still names this
#: server's port).
_WATCHDOG = """
import os, select, sys
from pathlib import Path
from fleettui.desk.local_server import LocalPostgres
bindir, root, port, user, named_in = sys.argv[1:6]
owner = os.getppid()
while os.getppid() == owner:
    if select.select([sys.stdin], [], [], 0.5)[0] and not os.read(sys.stdin.fileno(), 1):
        break
LocalPostgres(Path(bindir), Path(root), int(port), "", user or None).stop()
if named_in:
    path = Path(named_in)
    try:
        if path.read_text().strip().split("@")[-1].startswith(f"127.0.0.1:{port}/"):
            path.unlink()
    except OSError:
        pass
"""


@dataclass
class LocalPostgres:
    """One running throwaway server; `stop()` (or the with-block) removes its directory."""

    bindir: Path
    root: Path
    port: int
    password: str = field(repr=False)
    user: str | None = None
    #: Seconds the start took (template copy + server start; plus initdb the first time).
    startup: float = 0.0
    #: False: fsync, full page writes and synchronous commit off (tests: faster, and a
    #: throwaway server has nothing to keep); True: PostgreSQL's durable defaults.
    durable: bool = False
    #: The watchdog's pipe (`stop_when_gone`): closed by `stop()`, or by the end of this
    #: process, whichever comes first.
    _watchdog: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.root

    @classmethod
    def start(cls, root: Path | None = None, *, durable: bool = False) -> LocalPostgres:
        """Start a server (NoPostgres, with the reason and how to get one, when it can't)."""
        began = time.perf_counter()
        bindir = find_binaries()
        if bindir is None:
            raise NoPostgres(f"no PostgreSQL server binaries found; {HOW_TO_GET}")
        user = run_as()
        if user is not None:
            try:
                pwd.getpwnam(user)
            except KeyError:
                raise NoPostgres(
                    f"running as root and there is no {user!r} user to run "
                    f"PostgreSQL as (set {ENV_RUN_AS})"
                ) from None
            if not shutil.which("runuser"):
                raise NoPostgres("running as root and `runuser` is missing")
        template = initdb_template(bindir, user)
        root = Path(tempfile.mkdtemp(prefix="fleettui-pg-")) if root is None else root
        os.chmod(root, 0o755)
        shutil.copytree(template, root / "data", symlinks=True)
        (root / "data" / ".fleettui-ready").unlink(missing_ok=True)
        os.chmod(root / "data", 0o700)
        chown(root, user)
        server = cls(bindir, root, free_port(), secrets.token_urlsafe(18), user, durable=durable)
        try:
            server._launch()
            server._set_password()
        except BaseException:
            server.stop()
            raise
        server.startup = time.perf_counter() - began
        return server

    def _ctl(self, *args: str, timeout: float = 60) -> None:
        opts = " ".join(f"-c {s}" for s in (*_SETTINGS, *(() if self.durable else _FAST)))
        run_checked(
            as_user(
                self.user,
                [
                    str(self.bindir / "pg_ctl"),
                    "-D",
                    str(self.data),
                    "-w",
                    "-t",
                    str(int(timeout)),
                    "-l",
                    str(self.root / "server.log"),
                    "-o",
                    f"-p {self.port} -k {self.socket_dir} {opts}",
                    *args,
                ],
            ),
            f"pg_ctl {args[0]}",
            timeout + 10,
        )

    def _launch(self) -> None:
        for attempt in range(3):
            try:
                self._ctl("start")
                return
            except NoPostgres:
                if attempt == 2:
                    raise
                self.port = free_port()  # someone took the port meanwhile

    def _psql(self, sql: str) -> None:
        run_checked(
            as_user(
                self.user,
                [
                    str(self.bindir / "psql"),
                    "-h",
                    str(self.socket_dir),
                    "-p",
                    str(self.port),
                    "-U",
                    SUPERUSER,
                    "-d",
                    "postgres",
                    "-qAtX",
                    "-v",
                    "ON_ERROR_STOP=1",
                    "-c",
                    sql,
                ],
            ),
            "psql",
        )

    def _set_password(self) -> None:
        self._psql(f"ALTER ROLE {SUPERUSER} PASSWORD '{self.password}'")

    def restart(self) -> None:
        """pg_ctl restart (fast shutdown: every connection is cut)."""
        self._ctl("restart", "-m", "fast")

    def stop_server(self) -> None:
        """Stop the server but keep its directory (start it again with `start_server`)."""
        self._ctl("stop", "-m", "fast")

    def start_server(self) -> None:
        self._ctl("start")

    def dsn(
        self, dbname: str = "postgres", *, password: str | None = None, user: str = SUPERUSER
    ) -> str:
        pw = self.password if password is None else password
        return (
            f"postgresql://{quote(user, safe='')}:{quote(pw, safe='')}@127.0.0.1:"
            f"{self.port}/{quote(dbname, safe='')}"
        )

    def stop_when_gone(self, named_in: Path | None = None) -> None:
        """Start a watchdog that stops this server (`-m immediate`) and removes its
        directory once this process is gone, however it ends: a server left behind by a
        kill -9 would keep its port, memory and temp folder for hours. `named_in`: a
        file naming the server's connection string, removed with it."""
        import sys

        with contextlib.suppress(OSError):
            self._watchdog = subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    _WATCHDOG,
                    str(self.bindir),
                    str(self.root),
                    str(self.port),
                    self.user or "",
                    str(named_in or ""),
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,  # a ctrl+c in the terminal is for the owner
                close_fds=True,
            )

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(NoPostgres):
                self._ctl("stop", "-m", "immediate", timeout=30)
        shutil.rmtree(self.root, ignore_errors=True)
        watchdog, self._watchdog = self._watchdog, None
        if watchdog is not None and watchdog.stdin is not None:
            with contextlib.suppress(OSError):
                watchdog.stdin.close()  # it finds nothing left to stop, and ends

    def __enter__(self) -> LocalPostgres:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
