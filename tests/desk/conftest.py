"""The desk's tests: a throwaway PostgreSQL server per pytest process (tests/support/pg_server.py)
and a fresh database per test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from fleettui.desk.receiver_lock import ReceiverLock
    from fleettui.desk.settings import DeskSettings
    from tests.support.pg_server import PgSession


@pytest.fixture(scope="session")
def pg_session() -> Iterator[PgSession]:
    """One throwaway PostgreSQL server for this pytest process (skipped, with the reason,
    where none can be had; a failure instead under FLEETTUI_REQUIRE_PG=1)."""
    from tests.support.pg_server import start_session

    yield from start_session()


@pytest.fixture
def pg_desk(pg_session: PgSession) -> DeskSettings:
    """Settings (user "tester") for a fresh database of its own with the desk's schema."""
    from tests.support.pg_server import settings_for

    return settings_for(pg_session.server, pg_session.new_database())


@pytest.fixture
def pg_empty(pg_session: PgSession) -> DeskSettings:
    """Settings for a fresh empty database (no desk schema yet)."""
    from tests.support.pg_server import settings_for

    return settings_for(pg_session.server, pg_session.new_database(with_schema=False))


@pytest.fixture
def locks() -> Iterator[list[ReceiverLock]]:
    """Receiver locks a test made (append them): released at the end, rows and all."""
    made: list[ReceiverLock] = []
    yield made
    for lock in made:
        lock.release()
