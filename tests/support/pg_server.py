"""The test session's PostgreSQL: one throwaway server per pytest process (per xdist
worker), a database per test. A watchdog stops the server if its pytest process is
killed before it can (`LocalPostgres.stop_when_gone`).

`fleettui.desk.local_server.LocalPostgres` starts it (initdb once per machine into a
cached template cluster, then a copy per server). A template database with the desk's
schema is made once per server; each test gets its own database copied from it with
CREATE DATABASE ... TEMPLATE (or an empty one), so tests stay independent under xdist.

Where no server can be had the tests are skipped with the reason; with
FLEETTUI_REQUIRE_PG=1 (set by .ci/run) they fail instead, so CI cannot pass by skipping.
"""

from __future__ import annotations

import itertools
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from fleettui.desk.local_server import LocalPostgres
from fleettui.desk.pg_binaries import NoPostgres
from fleettui.desk.settings import DeskSettings

REQUIRE_ENV = "FLEETTUI_REQUIRE_PG"
TEMPLATE_DB = "desk_template"
_counter = itertools.count(1)


def no_server(reason: str) -> None:
    """Skip (or, under FLEETTUI_REQUIRE_PG=1, fail) a test that needs PostgreSQL."""
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"PostgreSQL is required ({REQUIRE_ENV}=1) but: {reason}", pytrace=False)
    pytest.skip(f"no PostgreSQL for the desk tests: {reason}")


def admin(server: LocalPostgres, sql: str) -> None:
    import psycopg

    with psycopg.connect(server.dsn("postgres"), autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


@dataclass
class PgSession:
    server: LocalPostgres
    #: Seconds the server took to start (and, the first time on this machine, initdb).
    startup: float
    template_ready: bool = False

    def new_database(self, *, with_schema: bool = True) -> str:
        """A fresh database's name (with the desk's schema, or empty)."""
        name = f"t{os.getpid()}_{next(_counter)}"
        if with_schema and not self.template_ready:
            self._make_template()
        source = TEMPLATE_DB if with_schema else "template0"
        admin(self.server, f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
        return name

    def _make_template(self) -> None:
        from fleettui.desk.store import init_desk

        admin(self.server, f'CREATE DATABASE "{TEMPLATE_DB}" TEMPLATE template0')
        init_desk(settings_for(self.server, TEMPLATE_DB))
        self.template_ready = True


def settings_for(server: LocalPostgres, dbname: str, user: str = "tester") -> DeskSettings:
    return DeskSettings(server.dsn(dbname), user, "test", host="testhost", connect_timeout=5)


def start_server() -> LocalPostgres:
    """A throwaway server that stops by itself if this process is killed (kill -9, a
    timeout) before it can stop it: a watchdog process notices and stops it."""
    server = LocalPostgres.start()
    server.stop_when_gone()
    return server


def start_session() -> Iterator[PgSession]:
    try:
        import psycopg  # noqa: F401
    except ImportError:
        no_server("psycopg is not installed (pip install -e '.[test]')")
    began = time.perf_counter()
    try:
        server = start_server()
    except NoPostgres as e:
        no_server(str(e))
        raise  # unreachable: no_server raises
    startup = time.perf_counter() - began
    if os.environ.get("FLEETTUI_PG_TIMING") == "1":
        print(f"\nPostgreSQL test server started in {startup:.2f} s", file=sys.stderr)
    try:
        yield PgSession(server, startup)
    finally:
        server.stop()
