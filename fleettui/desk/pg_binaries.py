"""PostgreSQL's server binaries on this machine, run as the right user, and the
initialised cluster each throwaway server starts from (`fleettui.desk.local_server`).

The binaries: Debian's `postgresql` package (/usr/lib/postgresql/<version>/bin), else
`pg_config --bindir`, else `initdb` on PATH, else FLEETTUI_PG_BINDIR. As root, PostgreSQL
refuses to start, so the binaries run through `runuser -u <user> --` (`postgres`, or
FLEETTUI_PG_USER). `initdb` is the slow part (about a second and a half), so it runs once
per machine, user and binary directory into a template directory under the temp dir,
guarded by a lock file. Textual-free; psycopg is not needed here.
"""

from __future__ import annotations

import contextlib
import fcntl
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

#: Environment variable naming a directory of PostgreSQL binaries (initdb, pg_ctl, postgres).
ENV_BINDIR = "FLEETTUI_PG_BINDIR"
#: Which user runs the server when this process is root.
ENV_RUN_AS = "FLEETTUI_PG_USER"
SUPERUSER = "postgres"
HOW_TO_GET = (
    "install PostgreSQL's server binaries (Debian/Ubuntu: `apt-get install "
    "postgresql`; Fedora: `dnf install postgresql-server`; macOS: `brew install "
    "postgresql`) or point FLEETTUI_PG_BINDIR at a directory holding initdb and pg_ctl"
)


class NoPostgres(Exception):
    """No server can be had here; the message says why and how to get one."""


def find_binaries() -> Path | None:
    """The directory holding initdb, pg_ctl and postgres, newest version first."""
    candidates: list[str] = []
    if os.environ.get(ENV_BINDIR):
        candidates.append(os.environ[ENV_BINDIR])

    def version(path: str) -> float:
        with contextlib.suppress(ValueError):
            return float(Path(path).parent.name)
        return 0.0

    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=version, reverse=True)
    candidates += sorted(glob.glob("/usr/local/opt/postgresql*/bin")) + ["/usr/pgsql/bin"]
    config = shutil.which("pg_config")
    if config:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run([config, "--bindir"], capture_output=True, text=True, timeout=10)
            candidates.append(out.stdout.strip())
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(str(Path(initdb).parent))
    for c in candidates:
        if c and all(os.access(Path(c) / b, os.X_OK) for b in ("initdb", "pg_ctl", "postgres")):
            return Path(c)
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_as() -> str | None:
    """The user to run the server as, or None to run it as ourselves."""
    if os.geteuid() != 0:
        return None
    return os.environ.get(ENV_RUN_AS) or SUPERUSER


def chown(path: Path, user: str | None) -> None:
    if user is None:
        return
    pw = pwd.getpwnam(user)
    for root, dirs, files in os.walk(path):
        os.chown(root, pw.pw_uid, pw.pw_gid)
        for name in (*dirs, *files):
            os.chown(os.path.join(root, name), pw.pw_uid, pw.pw_gid, follow_symlinks=False)


def as_user(user: str | None, argv: list[str]) -> list[str]:
    return ["runuser", "-u", user, "--", *argv] if user else argv


def run_checked(argv: list[str], what: str, timeout: float = 120) -> None:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    except (OSError, subprocess.SubprocessError) as e:
        raise NoPostgres(f"{what} could not run ({e})") from None
    if done.returncode != 0:
        tail = " ".join((done.stderr or done.stdout).split())[-300:]
        raise NoPostgres(f"{what} failed (exit {done.returncode}): {tail}")


def initdb_template(bindir: Path, user: str | None) -> Path:
    """An initialised cluster (data directory) for this binary directory, made once."""
    base = Path(tempfile.gettempdir()) / f"fleettui-pg-template-{os.geteuid()}"
    base.mkdir(mode=0o755, exist_ok=True)
    tag = "".join(c if c.isalnum() else "_" for c in str(bindir))
    data = base / tag
    lock = base / f"{tag}.lock"
    with open(lock, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        if (data / "PG_VERSION").exists() and (data / ".fleettui-ready").exists():
            return data
        shutil.rmtree(data, ignore_errors=True)
        data.mkdir(mode=0o700)
        chown(base, user)
        os.chmod(base, 0o755)
        run_checked(
            as_user(
                user,
                [
                    str(bindir / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    SUPERUSER,
                    "--auth-local=trust",
                    "--auth-host=scram-sha-256",
                    "-E",
                    "UTF8",
                    "--locale=C",
                    "--no-sync",
                ],
            ),
            "initdb",
        )
        (data / ".fleettui-ready").touch()
        chown(data, user)
    return data
