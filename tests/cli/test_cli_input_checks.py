"""Input checked before anything is sent, and messages a person reads once: malformed VINs
and unknown brands are usage errors, prefixes are not repeated, `show` history says how
long the current step has lasted, and `add --file` ends with a summary line."""

from __future__ import annotations

import json

from fleettui.config.audit import read_audit
from tests.support.cli import SECRET_VAR, run

DAY = 86400.0
V_BMW = "WBAXX000000000001"
V_PEUGEOT_NEW = "VF3XX000000000003"
V_APPROVED = "WBAXX000000000004"


def _no_network(monkeypatch):
    """Any attempt to reach the provider fails the test."""

    def refuse(profile):
        raise AssertionError("the provider was asked although the input was refused locally")

    monkeypatch.setattr("fleettui.cli.fleet_cmds.open_client", refuse)
    monkeypatch.setattr("fleettui.cli.show_cmd.open_client", refuse)
    monkeypatch.setattr("fleettui.cli.fleet_write.open_client", refuse)
    monkeypatch.setattr("fleettui.cli.fleet_remove.open_client", refuse)


def test_show_checks_the_vin_before_asking_the_provider(sim_profile, capsys, monkeypatch):
    """QA: `show badvin` used to ask the provider and exit 1 on its 404."""
    _no_network(monkeypatch)
    code, out, err = run(capsys, "show", "badvin")
    assert (code, out) == (2, "")
    assert err == (
        "fleettui: VIN 'BADVIN': 6 characters, need 17; "
        "letter I at position 5 is never used in VINs\n"
    )
    code, _, err = run(capsys, "show", "WBAXX00000000000O")
    assert code == 2 and "letter O at position 17 is never used in VINs" in err


def test_cancel_and_revoke_refuse_bad_vins_locally_per_vin(sim_profile, capsys, monkeypatch):
    _no_network(monkeypatch)
    code, out, err = run(capsys, "cancel", "badvin", "", "--json")
    assert code == 2
    assert json.loads(out)["results"] == [
        {
            "vin": "BADVIN",
            "ok": False,
            "sent": False,
            "status": None,
            "message": "VIN 'BADVIN': 6 characters, need 17; letter I at position 5 is never used in VINs",
        },
        {
            "vin": "",
            "ok": False,
            "sent": False,
            "status": None,
            "message": "VIN '': empty; a VIN has 17 characters",
        },
    ]
    code, out, _ = run(capsys, "revoke", "badvin", "--yes")
    assert code == 2 and out.startswith("BADVIN  not sent  VIN 'BADVIN': 6 characters, need 17")
    assert read_audit() == []


def test_list_unknown_brand_is_a_usage_error(sim_profile, capsys, monkeypatch):
    """QA: an unknown brand used to print an empty '(close: )' note and list nothing, exit 0."""
    _no_network(monkeypatch)
    code, out, err = run(capsys, "list", "--brand", "nosuch")
    assert code == 2 and out == "" and len(err.splitlines()) == 1
    assert "unknown brand 'nosuch'" in err and "valid brands: alfaromeo, audi, bmw" in err
    assert "(close: )" not in err
    code, _, err = run(capsys, "list", "--brand", "bm", "--brand", "audi")
    assert code == 2 and "did you mean bmw?" in err


def test_messages_say_each_prefix_once(sim_profile, capsys, monkeypatch):
    """QA: results read 'not sent  not sent: …' and refusals 'VIN: …; VIN: …'."""
    sim = sim_profile
    sim.engine.seed_vehicle(V_BMW, "bmw", "pending", 3 * DAY, hold=True)
    code, out, _ = run(capsys, "cancel", V_BMW)
    assert code == 2 and out.count("not sent") == 1
    assert out.startswith(f"{V_BMW}  not sent  BMW clearances can't be cancelled")
    code, out, err = run(capsys, "add", "WBAXX00000000000O0000000000", "bmw")
    assert code == 2 and (out + err).count("VIN:") == 2  # once on stdout, once in the rejects note
    assert "VIN: 27 characters, need 17; letter O at position 17" in out
    monkeypatch.setenv(SECRET_VAR, "wrong-secret")  # the add fails before anything is sent
    code, out, err = run(capsys, "add", V_PEUGEOT_NEW, "peugeot")
    assert code == 1 and out.count("not sent") == 1 and "not sent: not sent" not in out + err
    assert f"{V_PEUGEOT_NEW}  not sent  " in out and f"fleettui: {V_PEUGEOT_NEW}: not sent: " in err


def test_join_problems_says_a_shared_prefix_once():
    from fleettui.cli.input_problems import join_problems

    assert (
        join_problems(
            [
                "VIN: 27 characters, need 17",
                "VIN: letter O at position 5",
                "unknown brand 'x'",
                "VIN: a space at position 2",
                "VIN: a space at position 2",
            ]
        )
        == "VIN: 27 characters, need 17; letter O at position 5; unknown brand 'x'; VIN: a space at position 2"
    )
    assert (
        join_problems(["a long sentence that happens to contain: a colon", "plain"])
        == "a long sentence that happens to contain: a colon; plain"
    )


def test_show_history_gives_the_current_step_its_time_so_far():
    """QA: the current step's duration read 'now' instead of how long it has lasted."""
    from datetime import UTC, datetime

    from fleettui.cli.show_cmd import _history_lines
    from fleettui.core.vehicle import Vehicle

    v = Vehicle.from_api(
        {
            "vin": V_BMW,
            "brand": "bmw",
            "status": "pending",
            "changelog": [
                {"timestamp": "2026-11-20T10:00:00Z", "status": "pending", "reason": "waiting"},
                {"timestamp": "2026-11-21T22:51:34Z", "status": "pending"},
            ],
        }
    )
    lines = _history_lines(v, datetime(2026, 11, 25, 3, 0, 0, tzinfo=UTC))
    assert lines[0].split()[:3] == ["2026-11-20T10:00:00Z", "pending", "1d"]
    assert lines[1].split()[1:] == ["pending", "3d", "04h", "so", "far"]
    assert " now" not in "".join(lines)


def test_add_file_summary_without_rejects_file_and_with_json(sim_profile, capsys, tmp_path):
    src = tmp_path / "v.csv"
    src.write_text(f"{V_BMW},bmw\nnot-a-vin,bmw\n")
    code, out, err = run(capsys, "add", "--file", str(src))
    assert code == 3 and out.splitlines()[-1] == (
        "1 added, 1 refused (named on stderr; --rejects FILE keeps them as CSV to fix and resend)"
    )
    assert err.startswith("fleettui: line 2: NOT-A-VIN: VIN: 9 characters, need 17")
    src.write_text(f"{V_PEUGEOT_NEW},peugeot\nnot-a-vin,bmw\n")
    code, out, err = run(capsys, "add", "--file", str(src), "--json")
    assert code == 3 and len(json.loads(out)["results"]) == 2
    assert "1 added, 1 refused (named on stderr" in err
    src.write_text(f"{V_APPROVED},bmw\n")
    code, out, _ = run(capsys, "add", "--file", str(src))
    assert code == 0 and out.splitlines()[-1] == "1 added, 0 refused"
