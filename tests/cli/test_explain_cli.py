"""`fleettui explain` through the real entry point (offline; no simulator needed)."""

from __future__ import annotations

import json

import pytest

from fleettui.cli.main import main
from fleettui.core.explanation import explain
from fleettui.core.reasons import CATALOGUE, SIMULATOR_NOTE, SIMULATOR_ONLY
from fleettui.core.states import State


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["explain", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("reason", sorted(CATALOGUE))
def test_every_catalogued_reason_is_explained(capsys, reason):
    code, out, err = run(capsys, reason)
    assert code == 0 and err == ""
    assert f'Reason: "{reason}"' in out
    assert "Next steps:" in out and "  1. " in out
    assert "Who must act: " in out


def test_brand_notes_and_steps(capsys):
    code, out, _ = run(capsys, "customer name tag missing", "--brand", "Skoda")
    assert code == 0
    assert "vw-group-customer-name" in out
    assert "brand Škoda" in out
    assert "Provider keeps retrying: no" in out


def test_reason_typed_as_several_words_and_any_case(capsys):
    code, out, _ = run(capsys, "Privacy", "MODE", "is", "enabled")
    assert code == 0
    assert 'Reason: "privacy mode is enabled"' in out
    assert "Provider keeps retrying: yes" in out  # defaults to the pending state


def test_reason_for_another_brand_is_flagged(capsys):
    code, out, _ = run(capsys, "consent assignment missing", "--brand", "bmw")
    assert code == 0 and "not for BMW" in out


def test_unknown_reason_verbatim_with_state_guidance(capsys):
    code, out, err = run(capsys, "gremlins in the CAN bus", "--state", "pending")
    assert code == 0 and err == ""
    assert 'Reason not in the catalogue: "gremlins in the CAN bus"' in out
    assert "support@high-mobility.com" in out and "privacy mode" in out


def test_unknown_reason_without_state_says_what_it_assumed(capsys):
    code, out, _ = run(capsys, "gremlins")
    assert code == 0
    assert "Assumed the clearance is rejected" in out


def test_list(capsys):
    code, out, _ = run(capsys, "--list")
    assert code == 0
    for reason in CATALOGUE:
        assert reason in out
    assert "REASON" in out.splitlines()[0] and "KIND" in out.splitlines()[0]
    assert f"{len(CATALOGUE)} reasons" in out


def test_list_for_a_brand(capsys):
    code, out, _ = run(capsys, "--list", "--brand", "ford")
    assert code == 0
    assert "consent assignment missing" in out and "primary user enrolled" not in out


def test_list_json_is_stable(capsys):
    code, out, _ = run(capsys, "--list", "--json")
    data = json.loads(out)
    assert code == 0 and data["brand"] is None
    assert [r["reason"] for r in data["reasons"]] == list(CATALOGUE)
    assert set(data["reasons"][0]) == {
        "reason",
        "kind",
        "groups",
        "brands",
        "title",
        "actor",
        "provider_retries",
        "documented",
    }
    own = {r["reason"] for r in data["reasons"] if not r["documented"]}
    assert own == {"waiting for OTA update", "vehicle not driven", "no data received yet"}


@pytest.mark.parametrize("reason", sorted(SIMULATOR_ONLY))
def test_the_simulators_own_reasons_say_so_where_explained(capsys, reason):
    """The three pending reasons only the simulator sends are labelled as its own in the
    explanation (CLI text, --json notes, --list), the documented ones are not."""
    code, out, _ = run(capsys, reason)
    assert code == 0 and "the simulator's own reason" in out and SIMULATOR_NOTE[:40] in out
    assert SIMULATOR_NOTE in explain(reason, State.PENDING, "bmw").notes
    assert SIMULATOR_NOTE not in explain("privacy mode is enabled", State.PENDING, "audi").notes
    code, out, _ = run(capsys, "--list")
    line = next(x for x in out.splitlines() if x.startswith(reason + " "))
    assert "simulator's own" in line
    assert "simulator" not in next(x for x in out.splitlines() if x.startswith("unspecified"))


def test_explain_json_is_stable(capsys):
    code, out, _ = run(capsys, "VIN activation timeout", "--brand", "mercedes-benz", "--json")
    data = json.loads(out)
    assert code == 0
    assert sorted(data) == sorted(
        [
            "reason",
            "known",
            "state",
            "brand",
            "brand_display",
            "title",
            "meaning",
            "steps",
            "actor",
            "provider_retries",
            "next_happens",
            "applies_to_brand",
            "brand_notes",
            "notes",
            "kind",
            "groups",
            "state_guidance",
            "state_assumed",
        ]
    )
    assert data["known"] and data["state"] == "rejected" and data["applies_to_brand"] is True
    assert data["groups"] == ["Mercedes-Benz"] and data["state_assumed"] is False
    assert data["state_guidance"]["state"] == "rejected"


def test_bad_brand_is_a_usage_error(capsys):
    code, out, err = run(capsys, "unspecified", "--brand", "volks")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "volkswagen" in err


def test_bad_state_is_a_usage_error(capsys):
    code, _, err = run(capsys, "unspecified", "--state", "paused")
    assert code == 2 and "valid states" in err


def test_nothing_to_explain_is_a_usage_error(capsys):
    code, _, err = run(capsys)
    assert code == 2 and "--list" in err
    code, _, err = run(capsys, "unspecified", "--list")
    assert code == 2


def test_escape_sequences_in_reason_are_not_printed_raw(capsys):
    code, out, _ = run(capsys, "evil \x1b]0;title\x07 reason")
    assert code == 0 and "\x1b" not in out and "\x07" not in out
