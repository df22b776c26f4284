"""Schema v2's `desk_receivers`: every running webhook receiver (active, standby) with its
heartbeat, dead ones hidden then cleaned, the last takeover; `desk status` and the
handover say so, with hostile host strings made harmless."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import pytest

from fleettui.desk import receivers
from fleettui.desk.receiver_lock import ReceiverLock
from fleettui.desk.settings import DeskSettings
from fleettui.desk.store import Desk
from tests.support.cli import run


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _lock(settings: DeskSettings, host: str, made: list[ReceiverLock]) -> ReceiverLock:
    lock = ReceiverLock(replace(settings, host=host), clock=FakeClock())
    made.append(lock)
    return lock


def _kill(settings: DeskSettings, lock: ReceiverLock) -> None:
    """The holder's connection dies (as under a kill -9): its lock goes, its row stays.
    Waits until the server has ended that backend, so the lock is free on return."""
    assert lock._conn is not None
    backend = lock._conn.info.backend_pid
    with Desk.connect(settings) as desk, desk.conn.tx() as cur:
        cur.execute("SELECT pg_terminate_backend(%s, 30000)", (backend,))
        assert cur.fetchone() == (True,)
    lock._close()


def _beats(desk: Desk) -> dict[int, object]:
    with desk.conn.tx() as cur:
        cur.execute("SELECT id, beat FROM desk_receivers")
        return dict(cur.fetchall())


def test_an_active_and_a_standby_each_have_a_row_and_beat(
    pg_desk: DeskSettings, locks: list[ReceiverLock]
) -> None:
    alpha, beta = _lock(pg_desk, "alpha", locks), _lock(pg_desk, "beta", locks)
    assert alpha.try_acquire("http://alpha:8787/hooks/hm")
    assert not beta.try_acquire()
    with Desk.connect(pg_desk) as desk:
        seen = desk.receivers()
        assert seen.active is not None and seen.active.host == "alpha"
        assert seen.active.url == "http://alpha:8787/hooks/hm"
        assert seen.active.active_since is not None
        assert [(r.host, r.role) for r in seen.standbys] == [("beta", "standby")]
        assert seen.last_takeover is None  # alpha started; nobody took over
        before = _beats(desk)
        assert beta.try_acquire() is False  # not due: no UPDATE
        assert _beats(desk) == before
        for lock in (alpha, beta):
            assert isinstance(lock.clock, FakeClock)
            lock.clock.now += receivers.BEAT_EVERY
        assert alpha.still_held()  # the active one's lock check is its beat
        assert not beta.try_acquire()  # the standby's try beats too
        after = _beats(desk)
        assert set(after) == set(before) and all(after[k] > before[k] for k in before)  # type: ignore[operator]


def test_the_standby_taking_over_is_recorded_and_the_dead_row_goes(
    pg_desk: DeskSettings,
    locks: list[ReceiverLock],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    alpha, beta = _lock(pg_desk, "alpha", locks), _lock(pg_desk, "beta", locks)
    assert alpha.try_acquire("http://alpha:1/hooks/hm") and not beta.try_acquire()
    _kill(pg_desk, alpha)
    assert beta.try_acquire("http://beta:2/hooks/hm")
    with Desk.connect(pg_desk) as desk:
        seen = desk.receivers()
        assert [(r.host, r.role) for r in seen.rows] == [("beta", "active")]
        last = seen.last_takeover
        assert last is not None and last.host == "beta" and last.from_host == "alpha"
        report = desk.handover(desk.now() - timedelta(hours=1))
    assert [(c, h, f) for c, h, _p, _a, f in report.receivers] == [
        ("start", "alpha", ""),
        ("takeover", "beta", "alpha"),
    ]
    from fleettui.desk.handover import handover_text

    text = handover_text(report)
    assert "receiver on alpha became active at " in text
    assert "standby on beta took over from alpha at " in text
    monkeypatch.setenv("FLEETTUI_DESK_DSN", pg_desk.dsn)
    code, out, _ = run(capsys, "desk", "status", "--json")
    data = json.loads(out)
    assert code == 0 and [r["role"] for r in data["receivers"]] == ["active"]
    assert data["last_takeover"]["host"] == "beta"
    assert data["last_takeover"]["from"]["host"] == "alpha"
    code, out, _ = run(capsys, "desk", "status")
    assert code == 0 and "standby        none" in out
    assert "last takeover  standby on beta pid " in out and " took over from alpha pid " in out


def test_dead_rows_are_hidden_by_age_then_cleaned(
    pg_desk: DeskSettings, locks: list[ReceiverLock]
) -> None:
    alpha = _lock(pg_desk, "alpha", locks)
    assert alpha.try_acquire()
    with Desk.connect(pg_desk) as desk:
        with desk.conn.tx() as cur:  # a standby killed -9 long ago, one just now
            for host, age in (("gone", 3600), ("fresh", 1)):
                cur.execute(
                    "INSERT INTO desk_receivers (role, host, pid, url, started, beat) VALUES "
                    "('standby', %s, 7, '', now() - make_interval(secs => %s), "
                    "now() - make_interval(secs => %s))",
                    (host, age, age),
                )
        assert [r.host for r in desk.receivers().standbys] == ["fresh"]
        assert isinstance(alpha.clock, FakeClock)
        for _ in range(receivers.CLEAN_EVERY_BEATS):
            alpha.clock.now += receivers.BEAT_EVERY
            alpha.beat()
        with desk.conn.tx() as cur:
            cur.execute("SELECT host FROM desk_receivers ORDER BY host")
            assert [r[0] for r in cur.fetchall()] == ["alpha", "fresh"]
        with desk.conn.tx() as cur:  # our own row was cleaned (a long pause): beat re-adds it
            cur.execute("DELETE FROM desk_receivers WHERE host = 'alpha'")
        alpha.clock.now += receivers.BEAT_EVERY
        alpha.beat()
        active = desk.receivers().active
        assert active is not None and active.host == "alpha"


def test_hostile_hosts_and_urls_never_reach_the_terminal(
    pg_desk: DeskSettings,
    locks: list[ReceiverLock],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    evil = "ev\x1b[31mil\x07\u202e"
    first = _lock(pg_desk, evil, locks)
    assert first.try_acquire(f"http://x/\x1b]0;title\x07{evil}")
    standby = _lock(pg_desk, evil + "2", locks)
    assert not standby.try_acquire()
    _kill(pg_desk, first)
    assert standby.try_acquire()
    monkeypatch.setenv("FLEETTUI_DESK_DSN", pg_desk.dsn)
    for argv in (("desk", "status"), ("desk", "handover", "--since", "1h")):
        code, out, _ = run(capsys, *argv)
        assert code == 0 and "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    code, out, _ = run(capsys, "desk", "status", "--json")
    assert json.loads(out)["last_takeover"]["host"] == evil + "2"  # JSON keeps the data


def test_an_odd_takeover_record_is_data_not_a_crash() -> None:
    assert receivers.Takeover.from_json("not json") is None
    assert receivers.Takeover.from_json(json.dumps({"host": "a", "pid": "x", "at": "?"})) is None
    good = receivers.Takeover.from_json(
        json.dumps({"host": "a", "pid": 3, "at": "2026-12-07T05:00:00Z", "from": None})
    )
    assert good is not None and good.from_pid is None and good.to_json()["from"] is None
