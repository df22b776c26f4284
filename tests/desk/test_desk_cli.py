"""`fleettui desk ...` on a real PostgreSQL: init, status, claims (a lost one exits 1
naming the holder), notes, snoozes, handover, export; setup faults in one line."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime

import pytest

from fleettui.core.timefmt import short_local
from fleettui.desk.settings import DeskSettings
from tests.support.cli import run

VIN = "WBA00000000000001"


@pytest.fixture
def as_ana(pg_desk: DeskSettings, monkeypatch: pytest.MonkeyPatch) -> DeskSettings:
    monkeypatch.setenv("FLEETTUI_DESK_DSN", pg_desk.dsn)
    monkeypatch.setenv("FLEETTUI_DESK_USER", "ana")
    return pg_desk


def test_init_on_an_empty_database_then_nothing_to_do(
    pg_empty: DeskSettings, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLEETTUI_DESK_DSN", pg_empty.dsn)
    code, _, err = run(capsys, "desk", "status")
    assert code == 2 and err.count("\n") == 1 and "run `fleettui desk init`" in err
    code, out, _ = run(capsys, "desk", "init")
    assert code == 0 and "created the schema (version 2)" in out
    assert "postgres:***@" in out and pg_empty.dsn not in out
    code, out, _ = run(capsys, "desk", "init")
    assert code == 0 and "nothing to do" in out


def test_claim_lost_by_the_second_person_exits_1_naming_the_holder(
    as_ana: DeskSettings, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = run(capsys, "desk", "claim", VIN.lower())
    assert code == 0 and out.startswith(f"{VIN}: claimed by you until ")
    monkeypatch.setenv("FLEETTUI_DESK_USER", "ben")
    code, out, err = run(capsys, "desk", "claim", VIN, "--json")
    [result] = json.loads(out)
    assert result["ok"] is False and result["holder"] == "ana"
    # the line is for a person: the holder and a local, short time (the JSON keeps ISO)
    until = short_local(datetime.fromisoformat(result["expires_at"]))
    assert code == 1 and f"{VIN}: not claimed: held by ana until {until}\n" in err
    assert result["expires_at"] not in err and result["expires_at"].endswith("Z")
    code, _, err = run(capsys, "desk", "release", VIN)
    assert code == 1 and "held by ana" in err
    monkeypatch.setenv("FLEETTUI_DESK_USER", "ana")
    code, out, _ = run(capsys, "desk", "hand", VIN, "--to", "ben")
    assert code == 0 and "handed to ben" in out
    monkeypatch.setenv("FLEETTUI_DESK_USER", "ben")
    code, out, _ = run(capsys, "desk", "release", VIN)
    assert code == 0 and f"{VIN}: released" in out


def test_notes_snooze_handover_and_export(
    as_ana: DeskSettings, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run(capsys, "desk", "note", VIN, "called", "the", "owner")[0] == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("line one\nline two\n"))
    assert run(capsys, "desk", "note", VIN, "-")[0] == 0
    code, out, _ = run(capsys, "desk", "notes", VIN, "--json")
    assert code == 0 and [n["text"] for n in json.loads(out)] == [
        "called the owner",
        "line one\nline two",
    ]
    code, out, _ = run(capsys, "desk", "snooze", VIN, "--reason", "dealer", "--until", "4h")
    assert code == 0 and "until" in out and "or the next state change" in out
    code, _, err = run(capsys, "desk", "snooze", VIN)
    assert code == 2 and "--reason" in err
    run(capsys, "desk", "claim", "WBA00000000000002")
    code, out, _ = run(capsys, "desk", "handover", "--since", "1h", "--no-fleet")
    assert code == 0 and "  ana: noted 2 (WBA00000000000001); snoozed 1" in out
    assert "claimed 1 (WBA00000000000002)" in out
    assert "Claimed now: 1" in out and "not fetched (--no-fleet)" in out
    code, out, _ = run(capsys, "desk", "handover", "--json", "--no-fleet")
    assert code == 0 and set(json.loads(out)["claimed"]) == {"WBA00000000000002"}
    # on a 40-column terminal a long entry wraps under itself, not at the left edge
    monkeypatch.setattr("fleettui.cli.desk_cmd.terminal_width", lambda stream: 40)
    code, out, _ = run(capsys, "desk", "handover", "--since", "1h", "--no-fleet")
    lines = out.splitlines()
    assert code == 0 and max(map(len, lines)) <= 40
    at = lines.index("  ana: noted 2 (WBA00000000000001);")
    assert lines[at + 1].startswith("      snoozed 1 (WBA00000000000001)")
    code, out, _ = run(capsys, "desk", "export")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["kind"] for r in rows] == ["note", "note", "snooze", "claim"]
    assert rows[0]["by"] == "ana" and rows[2]["text"] == "dealer"
    code, out, _ = run(capsys, "desk", "export", "--json")
    assert json.loads(out)[1]["text"] == "line one\nline two"


def test_status_says_who_is_online(as_ana: DeskSettings, capsys) -> None:
    from fleettui.desk.store import Desk

    with Desk.connect(as_ana) as desk:
        desk.heartbeat(VIN)
    code, out, _ = run(capsys, "desk", "status", "--json")
    data = json.loads(out)
    assert code == 0 and data["schema_version"] == 2 and data["receiver"] is None
    assert data["receivers"] == [] and data["last_takeover"] is None
    assert [p["user"] for p in data["people_online"]] == ["tester"]
    code, out, _ = run(capsys, "desk", "status")
    assert code == 0 and "people online  1: tester@testhost on " + VIN in out
    assert "standby        none" in out and "last takeover  none" in out


def test_wrong_password_and_no_desk_are_one_line_without_the_password(
    pg_desk: DeskSettings, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "Wr0ngPassw0rd-xyz"
    real = pg_desk.dsn.split(":")[2].split("@")[0]
    monkeypatch.setenv("FLEETTUI_DESK_DSN", pg_desk.dsn.replace(f":{real}@", f":{secret}@"))
    code, out, err = run(capsys, "desk", "claim", VIN)
    assert code == 2 and err.count("\n") == 1 and "password was refused" in err
    assert secret not in out + err and real not in out + err and "Traceback" not in err
    monkeypatch.delenv("FLEETTUI_DESK_DSN")
    code, _, err = run(capsys, "desk", "status")
    assert code == 2 and "export FLEETTUI_DESK_DSN=" in err


def test_webhooks_listen_on_a_desk_with_a_wrong_password_is_one_line(
    pg_desk: DeskSettings, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "An0therWr0ngOne"
    real = pg_desk.dsn.split(":")[2].split("@")[0]
    monkeypatch.setenv("FLEETTUI_DESK_DSN", pg_desk.dsn.replace(f":{real}@", f":{secret}@"))
    monkeypatch.setenv("FLEETTUI_TEST_SECRET", "a-webhook-secret")
    code, out, err = run(
        capsys,
        "webhooks",
        "listen",
        "--desk",
        "--port",
        "0",
        "--secret-env",
        "FLEETTUI_TEST_SECRET",
    )
    assert code == 2 and out == "" and err.count("\n") == 1 and "password was refused" in err
    assert secret not in err and real not in err
