"""The command line in scripts: stdin VINs, --dry-run, partial-success exit code, list
selection (--older-than, --sort age, --tag K, --filter), seconds_in_state, --watch, and
help that describes every command and its defaults."""

from __future__ import annotations

import argparse
import io
import json

import pytest

from fleettui.cli import list_select
from fleettui.cli.main import build_parser
from fleettui.config.audit import read_audit
from fleettui.core.fleet_csv import COLUMNS
from tests.support.cli import run

DAY = 86400.0
P_OLD = "VF3XX000000000011"
P_OLDER = "VF3XX000000000012"
P_NEW = "VF3XX000000000013"
B_OLD = "WBAXX000000000014"
A_APPROVED = "WBAXX000000000015"


def _status(sim, vin: str) -> str:
    return sim.engine.vehicles[vin]["status"]


def _seed_pending(sim) -> None:
    tag = {"batch": "zz"}
    sim.engine.seed_vehicle(P_OLD, "peugeot", "pending", 8 * DAY, tags=tag, hold=True)
    sim.engine.seed_vehicle(P_OLDER, "peugeot", "pending", 12 * DAY, tags=tag, hold=True)
    sim.engine.seed_vehicle(P_NEW, "peugeot", "pending", 2 * DAY, tags=tag, hold=True)
    sim.engine.seed_vehicle(B_OLD, "bmw", "pending", 9 * DAY, tags=tag, hold=True)


def test_cancel_reads_vins_from_stdin(sim_profile, capsys, monkeypatch):
    sim = sim_profile
    _seed_pending(sim)
    piped = f"vin,brand,status\n{P_OLD},peugeot,pending\n\n# a comment\n{P_OLDER.lower()}\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(piped))
    code, out, _ = run(capsys, "cancel", "-", "--json")
    assert code == 0, out
    assert [r["vin"] for r in json.loads(out)["results"]] == [P_OLD, P_OLDER]
    assert _status(sim, P_OLD) == _status(sim, P_OLDER) == "canceling"
    monkeypatch.setattr("sys.stdin", io.StringIO("# nothing here\n"))
    code, _, err = run(capsys, "cancel", "-")
    assert code == 2 and "no VINs to cancel" in err


def test_revoke_reads_stdin_too(sim_profile, capsys, monkeypatch):
    sim = sim_profile
    sim.engine.seed_vehicle(A_APPROVED, "bmw", "approved", 5 * DAY)
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{A_APPROVED}\n"))
    code, out, _ = run(capsys, "revoke", "-", "--yes")
    assert code == 0 and _status(sim, A_APPROVED) == "revoking"


def test_dry_run_says_what_would_be_sent_and_sends_nothing(sim_profile, capsys, tmp_path):
    sim = sim_profile
    _seed_pending(sim)
    sim.engine.seed_vehicle(A_APPROVED, "bmw", "approved", 5 * DAY)
    before = {v: d["status"] for v, d in sim.engine.vehicles.items()}

    code, out, _ = run(capsys, "cancel", P_OLD, B_OLD, "--dry-run")
    assert code == 2  # one would be skipped, as a real run would refuse it
    lines = out.splitlines()
    assert lines[0].startswith(f"{P_OLD}  would send  would cancel (pending, peugeot)")
    assert lines[1].startswith(f"{B_OLD}  skip") and "can't be cancelled" in lines[1]
    assert lines[-1] == "dry run: 1 would be sent, 1 skipped; nothing was sent"

    code, out, _ = run(capsys, "revoke", A_APPROVED, "--dry-run", "--json")  # no --yes needed
    data = json.loads(out)
    assert code == 0 and data["dry_run"] is True
    assert data["results"][0] == {
        "vin": A_APPROVED,
        "ok": True,
        "sent": False,
        "status": "approved",
        "message": "would revoke (approved, bmw)",
    }

    src = tmp_path / "v.csv"
    src.write_text("WBAXX000000000099,bmw\nbad,bmw\n")
    code, out, err = run(capsys, "add", "--file", str(src), "--dry-run", "--read-only")
    assert code == 2
    assert "WBAXX000000000099  would send  would be added as bmw" in out
    assert "fleettui: line 2: BAD: VIN: 3 characters, need 17" in err
    assert "read-only; a real run would be refused" in err
    assert out.splitlines()[-1] == "dry run: 1 would be sent, 1 skipped; nothing was sent"

    assert {v: d["status"] for v, d in sim.engine.vehicles.items()} == before
    assert "WBAXX000000000099" not in sim.engine.vehicles and read_audit() == []


def test_add_exit_codes_tell_partial_from_nothing_sent(sim_profile, capsys, tmp_path):
    src = tmp_path / "v.csv"
    src.write_text("WBAXX000000000021,bmw\nWVWXX000000000022,volkswagen\n")  # VW lacks its tag
    rejects = tmp_path / "r.csv"
    code, out, err = run(capsys, "add", "--file", str(src), "--rejects", str(rejects))
    assert code == 3
    assert err.startswith("fleettui: line 2: WVWXX000000000022: Volkswagen needs the tag")
    assert rejects.read_text().splitlines()[1] == "WVWXX000000000022,volkswagen"
    src.write_text("WVWXX000000000022,volkswagen\n")
    code, _, _ = run(capsys, "add", "--file", str(src))
    assert code == 2


def test_list_older_than_sorted_by_age(sim_profile, capsys):
    _seed_pending(sim_profile)
    code, out, _ = run(
        capsys, "list", "--older-than", "7d", "--sort", "age", "--tag", "batch", "--json"
    )
    assert code == 0
    data = json.loads(out)
    assert [v["vin"] for v in data] == [P_OLDER, B_OLD, P_OLD]  # longest in state first
    assert [v["seconds_in_state"] for v in data] == [12 * DAY, 9 * DAY, 8 * DAY]
    code, out, _ = run(capsys, "list", "--sort", "age", "--reverse", "--tag", "batch=zz", "--csv")
    assert [ln.split(",")[0] for ln in out.splitlines()[1:]] == [P_NEW, P_OLD, B_OLD, P_OLDER]
    code, out, _ = run(capsys, "list", "--newer-than", "3d", "--tag", "batch", "--json")
    assert [v["vin"] for v in json.loads(out)] == [P_NEW]


def test_list_older_than_takes_two_weeks_and_a_month(sim_profile, capsys):
    # Ages of a million seconds and more (11.6 days: '2w', the README's '30d') went into
    # the query as '1.2096e+06s' and were refused as "not a duration" (exit 2).
    _seed_pending(sim_profile)
    code, out, err = run(capsys, "list", "--older-than", "10d", "--tag", "batch", "--json")
    assert code == 0, err
    assert sorted(v["vin"] for v in json.loads(out)) == [P_OLDER]  # 12 days
    for age in ("2w", "30d"):
        code, out, err = run(capsys, "list", "--older-than", age, "--tag", "batch", "--csv")
        assert code == 0 and out.splitlines() == [",".join(COLUMNS)], (age, err)
    code, out, err = run(capsys, "list", "--older-than", "1.5w", "--tag", "batch", "--csv")
    assert code == 0 and [ln.split(",")[0] for ln in out.splitlines()[1:]] == [P_OLDER], err
    code, out, err = run(capsys, "list", "--newer-than", "2w", "--tag", "batch", "--json")
    assert code == 0 and len(json.loads(out)) == 4, err


def test_list_filter_takes_the_monitors_syntax(sim_profile, capsys):
    _seed_pending(sim_profile)
    code, out, _ = run(capsys, "list", "--filter", "tag:batch -brand:bmw age>1w", "--json")
    assert code == 0 and sorted(v["vin"] for v in json.loads(out)) == [P_OLD, P_OLDER]
    code, out, err = run(capsys, "list", "--filter", "brand:bmww")
    assert code == 2 and out == ""
    assert err.startswith("fleettui: --filter: 'bmww' is not a brand; did you mean bmw?")
    code, _, err = run(capsys, "list", "--brand", "bmww")
    assert code == 2 and "did you mean bmw?" in err
    code, _, err = run(capsys, "list", "--older-than", "7 days")
    assert code == 2 and "is not a duration" in err


def test_list_watch_prints_again_only_on_a_change(sim_profile, capsys, monkeypatch):
    sim = sim_profile
    _seed_pending(sim)
    naps: list[float] = []

    def fake_sleep(seconds: float) -> None:
        naps.append(seconds)
        if len(naps) == 1:  # a change between the first and second fetch
            sim.engine.seed_vehicle(
                "VF3XX000000000016", "peugeot", "pending", 3600, tags={"batch": "zz"}, hold=True
            )
        elif len(naps) == 3:
            raise KeyboardInterrupt  # Ctrl-C: a clean end

    monkeypatch.setattr(list_select.time, "sleep", fake_sleep)
    code, out, err = run(capsys, "list", "--tag", "batch", "--json", "--watch", "30")
    assert code == 0 and naps == [30.0, 30.0, 30.0]
    docs = []
    decoder = json.JSONDecoder()
    text = out.strip()
    while text:
        doc, end = decoder.raw_decode(text)
        docs.append(doc)
        text = text[end:].strip()
    assert [len(d) for d in docs] == [4, 5]  # the third fetch saw no change: not printed
    assert err.count("Ctrl-C stops") == 2 and "interrupted" not in err
    code, _, err = run(capsys, "list", "--watch", "1")
    assert code == 2 and "at least 5 seconds" in err


def _parsers(parser: argparse.ArgumentParser, path: str = "fleettui"):
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _parsers(sub, f"{path} {name}")


def test_every_command_has_a_description_and_help_shows_defaults():
    found = dict(_parsers(build_parser()))
    assert {"fleettui list", "fleettui cancel", "fleettui profile test"} <= set(found)
    for path, parser in found.items():
        assert parser.description and len(parser.description) > 20, path
        text = " ".join(parser.format_help().split())
        for action in parser._actions:
            default = action.default
            if (
                action.help
                and default not in (None, False, argparse.SUPPRESS, [])
                and action.option_strings
                and "default" not in action.help
            ):
                # (help that says "default" names it in its own words)
                shown = f"{default:g}" if isinstance(default, float) else str(default)
                assert shown in text, (path, action.dest)
    assert "(default: vin)" in found["fleettui list"].format_help()
    assert "(default: 60)" in found["fleettui simulator"].format_help()


@pytest.mark.parametrize("value, seconds", [("30", 30.0), ("2m", 120.0)])
def test_watch_interval_accepts_seconds_or_a_duration(value, seconds):
    assert list_select.watch_arg(value) == seconds
