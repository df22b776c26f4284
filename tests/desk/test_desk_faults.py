"""Desk faults: a wrong password, a missing / older / newer schema, a server that is down.
Each is one DeskError line naming the fix; the password appears nowhere."""

from __future__ import annotations

import logging
import traceback
from dataclasses import replace

import pytest

from fleettui.desk import schema
from fleettui.desk.errors import DeskError
from fleettui.desk.pg_binaries import NoPostgres, free_port
from fleettui.desk.settings import (
    DeskSettings,
    DeskSettingsError,
    load_desk_settings,
    redacted,
)
from fleettui.desk.store import Desk, init_desk

SECRET = "s3cr3t-Pa55word"


def everything_said(err: BaseException, caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(
        [
            str(err),
            repr(err),
            *map(str, err.args),
            "".join(traceback.format_exception(err)),
            caplog.text,
        ]
    )


def test_wrong_password_is_one_line_and_never_shows_a_password(
    pg_desk: DeskSettings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    real = pg_desk.dsn.split(":")[2].split("@")[0]
    wrong = replace(pg_desk, dsn=pg_desk.dsn.replace(f":{real}@", f":{SECRET}@"))
    with pytest.raises(DeskError) as info:
        Desk.connect(wrong)
    err = info.value
    assert err.kind == "auth" and "password was refused" in str(err)
    assert "\n" not in str(err)
    said = everything_said(err, caplog)
    assert SECRET not in said and real not in said
    assert SECRET not in repr(wrong) and SECRET not in wrong.shown


def test_missing_schema_names_desk_init_and_init_is_idempotent(pg_empty: DeskSettings) -> None:
    with pytest.raises(DeskError, match="no fleettui schema yet; run `fleettui desk init`") as info:
        Desk.connect(pg_empty)
    assert info.value.kind == "no-schema"
    assert init_desk(pg_empty) == (None, schema.SCHEMA_VERSION)
    assert init_desk(pg_empty) == (schema.SCHEMA_VERSION, schema.SCHEMA_VERSION)
    with Desk.connect(pg_empty) as desk:
        assert desk.claim(["VIN"])[0].ok


def test_v1_desk_migrated_to_v2_while_a_v1_client_runs(
    pg_empty: DeskSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Schema v1 -> v2 (desk_receivers) under a connected client of v1: the v1 client goes
    on working (its receiver row included); a v2 client is told to run `desk init` until
    it has; a v1 client that connects afterwards is told to upgrade fleettui."""
    from fleettui.desk.connection import open_connection
    from fleettui.desk.receiver_lock import ReceiverLock

    conn = open_connection(pg_empty)
    try:
        assert schema.migrate(conn, pg_empty.shown, target=1) == (None, 1)
    finally:
        conn.close()
    with monkeypatch.context() as v1:  # a fleettui of schema 1
        v1.setattr(schema, "SCHEMA_VERSION", 1)
        old_client = Desk.connect(pg_empty)
        old_client.claim(["KEPT"])
        with old_client.conn.tx() as cur:  # what a v1 receiver writes
            cur.execute(
                "INSERT INTO desk_receiver (host, pid, url, since, beat) "
                "VALUES ('old-rx', 4242, '', now(), now())"
            )
    with pytest.raises(
        DeskError, match="schema version 1, this fleettui needs 2; run `fleettui desk init`"
    ) as info:
        Desk.connect(pg_empty)
    assert info.value.kind == "old-schema"
    assert init_desk(pg_empty) == (1, 2)
    assert init_desk(pg_empty) == (2, 2)
    assert old_client.claim(["MORE"])[0].ok  # the open v1 client went on working
    assert old_client.receiver() is not None and old_client.receiver().host == "old-rx"
    with Desk.connect(pg_empty) as desk:
        assert desk.work_state()["KEPT"].claimed_by == "tester"
        assert desk.receivers().rows == ()  # the v1 receiver has no row: it is still shown
        seen = desk.receiver()
        assert seen is not None and seen.host == "old-rx"
    lock = ReceiverLock(pg_empty)  # a v2 receiver waits behind nobody: the lock is free
    try:
        assert lock.try_acquire("http://127.0.0.1:1/hooks/hm")
        with Desk.connect(pg_empty) as desk:
            assert [r.role for r in desk.receivers().rows] == ["active"]
    finally:
        lock.release()
    with monkeypatch.context() as v1:
        v1.setattr(schema, "SCHEMA_VERSION", 1)
        with pytest.raises(DeskError, match="upgrade fleettui on this machine") as info:
            Desk.connect(pg_empty)
        assert info.value.kind == "new-schema" and "\n" not in str(info.value)
    old_client.close()


def test_a_newer_schema_says_to_upgrade_fleettui_and_is_left_alone(pg_desk: DeskSettings) -> None:
    with Desk.connect(pg_desk) as desk, desk.conn.tx() as cur:
        cur.execute("UPDATE desk_meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(DeskError, match="version 99, newer than this fleettui knows") as info:
        Desk.connect(pg_desk)
    assert info.value.kind == "new-schema" and "upgrade fleettui" in str(info.value)
    with pytest.raises(DeskError, match="newer"):
        init_desk(pg_desk)


def test_server_down_is_offline_with_the_fix(caplog: pytest.LogCaptureFixture) -> None:
    down = DeskSettings(
        f"postgresql://ana:{SECRET}@127.0.0.1:{free_port()}/desk", "ana", connect_timeout=2
    )
    with pytest.raises(DeskError) as info:
        Desk.connect(down)
    err = info.value
    assert err.offline and "is offline" in str(err) and "start the PostgreSQL server" in str(err)
    assert SECRET not in everything_said(err, caplog)


def test_redacted_hides_passwords_in_every_dsn_form() -> None:
    assert (
        redacted(f"postgresql://ana:{SECRET}@db:5432/desk") == "postgresql://ana:***@db:5432/desk"
    )
    assert SECRET not in redacted(f"host=db password={SECRET} dbname=desk")
    assert SECRET not in redacted(f"host=db password='{SECRET} x' dbname=desk")
    assert SECRET not in redacted(f"failed for postgres://u:{SECRET}@h/d: refused")
    assert redacted("postgresql://ana@db/desk") == "postgresql://ana@db/desk"
    assert SECRET not in redacted(f"postgresql://ana@db/desk?sslmode=require&password={SECRET}")
    assert SECRET not in repr(DeskSettings(f"postgresql://ana:{SECRET}@db/desk", "ana"))


def test_settings_from_profile_and_environment() -> None:
    env = {
        "FLEETTUI_DESK_DSN": "postgresql://a@h/d",
        "TEAM_DESK": "postgresql://b@h/d",
        "FLEETTUI_DESK_USER": "night",
    }
    s = load_desk_settings({}, environ=env)
    assert s is not None and (s.dsn, s.user, s.source) == (
        "postgresql://a@h/d",
        "night",
        "env FLEETTUI_DESK_DSN",
    )
    s = load_desk_settings(
        {"desk_dsn_env": "TEAM_DESK", "desk_user": "ana", "desk_claim_hours": 12}, environ=env
    )
    assert s is not None and (s.dsn, s.user, s.claim_ttl.total_seconds()) == (
        "postgresql://b@h/d",
        "ana",
        12 * 3600,
    )
    assert load_desk_settings({}, environ={}, required=False) is None
    with pytest.raises(DeskSettingsError, match="export FLEETTUI_DESK_DSN"):
        load_desk_settings({}, environ={})
    with pytest.raises(DeskSettingsError, match="names MISSING, which is not set"):
        load_desk_settings({"desk_dsn_env": "MISSING"}, environ=env)
    with pytest.raises(DeskSettingsError, match="desk_claim_hours"):
        load_desk_settings({"desk_claim_hours": -1}, environ=env)


def test_no_server_skips_with_the_reason_unless_ci_requires_postgresql(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.support.pg_server import REQUIRE_ENV, no_server

    monkeypatch.delenv(REQUIRE_ENV, raising=False)
    with pytest.raises(pytest.skip.Exception, match="no PostgreSQL for the desk tests: why"):
        no_server("why")
    monkeypatch.setenv(REQUIRE_ENV, "1")
    with pytest.raises(pytest.fail.Exception, match="PostgreSQL is required"):
        no_server("why")


def test_no_binaries_is_said_with_how_to_get_them(monkeypatch: pytest.MonkeyPatch) -> None:
    from fleettui.desk import local_server

    monkeypatch.setattr(local_server, "find_binaries", lambda: None)
    with pytest.raises(NoPostgres, match="apt-get install postgresql"):
        local_server.LocalPostgres.start()
