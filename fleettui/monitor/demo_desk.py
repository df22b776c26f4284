"""`fleettui --demo --desk`: the demo on a shared desk, with no setup.

With FLEETTUI_DESK_DSN (or a profile's desk) set, the demo uses that desk. Otherwise it
starts a throwaway PostgreSQL on this machine (`fleettui.desk.local_server`: Debian's
binaries, loopback only, removed at exit) and creates the desk's schema in it. While it
runs, its connection string is kept in a private file (0600, under the data directory),
so a second `fleettui --demo --desk` in another terminal joins the same desk as another
person (`FLEETTUI_DESK_USER=bob fleettui --demo --desk`): both demos show the same fleet
(the simulator is seeded), so a claim in one shows in the other.

The second demo on the same desk also joins the first's simulator (`demo_simulator`:
where it listens is kept beside the desk's file, checked to answer, else a new one is
started and recorded), so both show the same vehicles changing at the same moments and
the desk records each change once, not once per simulator.

Where no server can be had, `DemoDeskError` says how to get one.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

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
    from fleettui.desk.local_server import LocalPostgres
    from fleettui.desk.pg_binaries import NoPostgres
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


def shared_sim_file() -> Path:
    return data_dir() / "desk" / "demo-sim.json"


@dataclass(frozen=True)
class JoinedSimulator:
    """Another demo's simulator, as `account_for_simulator` needs it."""

    base_url: str
    client_id: str
    client_secret: str


def desk_key(settings: DeskSettings) -> str:
    """Which desk (server and database), without the password."""
    parts = urlsplit(settings.dsn)
    return f"{parts.hostname}:{parts.port}{parts.path}"


def _answers(sim: JoinedSimulator) -> bool:
    """The simulator gives a token for its credentials (so it is alive, and it is ours)."""
    from fleettui.api.client import Credentials, FleetClient

    try:
        client = FleetClient(
            Credentials(sim.base_url, sim.client_id, sim.client_secret),
            timeout=2.0,
            max_retries=0,
        )
        try:
            client.fetch_token()
        finally:
            client.close()
    except Exception:  # noqa: BLE001 - anything but a token: not one to join
        return False
    return True


def _joinable_sim(path: Path, desk: str) -> JoinedSimulator | None:
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(found, dict) or found.get("desk") != desk:
            return None
        sim = JoinedSimulator(
            str(found["base_url"]), str(found["client_id"]), str(found["client_secret"])
        )
    except (OSError, ValueError, KeyError):
        return None
    if not sim.base_url.startswith("http://127.0.0.1:"):
        return None  # only ever a simulator on this machine
    return sim if _answers(sim) else None


@contextlib.contextmanager
def demo_simulator(settings: DeskSettings, config: Any) -> Iterator[Any]:
    """The simulator of the demos on this desk: the one another demo started, if it
    answers; else a new one (`config`: its SimConfig), recorded for the next to join."""
    path, desk = shared_sim_file(), desk_key(settings)
    joined = _joinable_sim(path, desk)
    if joined is not None:
        yield joined
        return
    from fleettui.sim import Simulator

    with Simulator(config) as sim:
        record = {
            "desk": desk,
            "base_url": sim.base_url,
            "client_id": sim.client_id,
            "client_secret": sim.client_secret,
        }
        with contextlib.suppress(OSError):  # 0600: it holds the simulator's secret
            atomic_write_bytes(path, json.dumps(record).encode())
        try:
            yield sim
        finally:
            with contextlib.suppress(OSError, ValueError):
                if json.loads(path.read_text(encoding="utf-8")).get("base_url") == sim.base_url:
                    path.unlink()
