"""`fleettui --demo --desk`: the demo on a shared desk, with no setup.

With FLEETTUI_DESK_DSN (or a profile's desk) set, the demo uses that desk. Otherwise it
starts a throwaway PostgreSQL on this machine (`fleettui.desk.local_server`: Debian's
binaries, loopback only, removed at exit) and creates the desk's schema in it. While it
runs, its connection string is kept in a private file (0600, under the data directory),
so a second `fleettui --demo --desk` in another terminal joins the same desk as another
person (`FLEETTUI_DESK_USER=bob fleettui --demo --desk`): both demos show the same fleet
(the simulator is seeded), so a claim in one shows in the other.

Where no server can be had, `DemoDeskError` says how to get one.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from fleettui.config.atomic import atomic_write_bytes
from fleettui.config.paths import data_dir
from fleettui.desk.errors import DeskError
from fleettui.desk.settings import ENV_USER, DeskSettings, clean_user, login_name

HOW_TO_GET = (
    "the desk demo needs PostgreSQL's server binaries and psycopg: "
    "`apt-get install postgresql` (or set FLEETTUI_PG_BINDIR) and "
    "`pip install 'fleettui[desk]'`; or point FLEETTUI_DESK_DSN at a desk"
)


class DemoDeskError(Exception):
    """No desk for the demo; the message says how to get one."""


def shared_dsn_file() -> Path:
    return data_dir() / "desk" / "demo-desk.dsn"


def _user() -> str:
    return clean_user(os.environ.get(ENV_USER, "")) or login_name()


def _joinable(path: Path) -> DeskSettings | None:
    """The running demo desk another terminal started, if it answers."""
    try:
        dsn = path.read_text().strip()
    except OSError:
        return None
    if not dsn:
        return None
    settings = DeskSettings(dsn, _user(), "the demo's desk", connect_timeout=2.0)
    try:
        from fleettui.desk.store import Desk

        Desk.connect(settings).close()
    except DeskError:
        return None
    return replace(settings, connect_timeout=5.0)


@contextlib.contextmanager
def demo_desk() -> Iterator[DeskSettings]:
    """The demo's desk: another demo's if one is running, else a throwaway server."""
    try:
        from fleettui.desk.connection import import_psycopg

        import_psycopg()
    except DeskError as exc:
        raise DemoDeskError(f"{exc}; {HOW_TO_GET}") from None
    path = shared_dsn_file()
    joined = _joinable(path)
    if joined is not None:
        yield joined
        return
    from fleettui.desk.local_server import LocalPostgres, NoPostgres
    from fleettui.desk.store import init_desk

    try:
        server = LocalPostgres.start()
    except NoPostgres as exc:
        raise DemoDeskError(f"no local PostgreSQL for the demo: {exc}") from None
    server.stop_when_gone(path)  # even a kill -9 of this monitor stops the server
    try:
        settings = DeskSettings(server.dsn("postgres"), _user(), "the demo's desk")
        try:
            init_desk(settings)
        except DeskError as exc:
            raise DemoDeskError(str(exc)) from None
        atomic_write_bytes(path, settings.dsn.encode())  # 0600: it holds a password
        try:
            yield settings
        finally:
            with contextlib.suppress(OSError):
                if path.read_text().strip() == settings.dsn:
                    path.unlink()
    finally:
        server.stop()
