"""Issue 19, the answers: the simulator's vehicle data answers against the provider's
published schema (tests/schemas/hm-vehicle-data-api-v1.json, copied from the official
hm-vehicle-data-api-v1.yml), and how fleettui reads every kind of answer — hostile ones
included — down to the newest timestamp, the error class and the request_id."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jsonschema
import pytest

from fleettui.core.data_answer import (
    CONSENT_REMOVED,
    INVALID_TOKEN,
    NO_ACTIVE_CONSENT,
    OFFLINE,
    PRIVACY_ACTIVE,
    RATE_LIMIT,
    data_covered,
    read_answer,
)
from fleettui.core.data_states import (
    DATA_CATALOGUE,
    DataRecord,
    DataState,
    cell_text,
    current_state,
    next_record,
)
from fleettui.sim import SimConfig, Simulator
from tests.support.sim import SIM_START, authed

SCHEMA = json.loads(
    (Path(__file__).parent.parent / "schemas" / "hm-vehicle-data-api-v1.json").read_text()
)
NOW = datetime(2026, 11, 5, 12, 0, tzinfo=UTC)


def _validator(name: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(
        {**SCHEMA, "$ref": f"#/$defs/{name}"}, format_checker=jsonschema.FormatChecker()
    )


def _error(status: int, detail: str, title: str = "Forbidden", rid: str = "abc123") -> bytes:
    return json.dumps({"errors": [{"title": title, "detail": detail}], "request_id": rid}).encode()


def test_every_simulator_answer_matches_the_published_schema():
    """Every approved car over a simulated week, and the not-approved ones: each answer
    validates against the spec's schema for its status, and every kind is seen."""
    seen: Counter[tuple[int, str | None]] = Counter()
    with Simulator(
        SimConfig(vehicles=120, seed=5, speed=0.0, start=SIM_START, data_limit=0)
    ) as sim:
        vins = list(sim.engine.vehicles)
        for _ in range(8):
            with authed(sim) as http:  # (advancing the clock ends a token's life)
                answers = [http.get(f"/v1/vehicle-data/autoapi-13/{vin}") for vin in vins]
            for r in answers:
                body = r.json()
                name = "response" if r.status_code == 200 else f"response{r.status_code}"
                _validator(name).validate(body)
                assert isinstance(body.get("request_id"), str)
                detail = body["errors"][0]["detail"] if r.status_code != 200 else None
                seen[(r.status_code, detail)] += 1
            sim.engine.advance(21 * 3600)
    kinds = set(seen)
    assert (403, NO_ACTIVE_CONSENT) in kinds and (403, PRIVACY_ACTIVE) in kinds
    assert (401, CONSENT_REMOVED) in kinds and (408, OFFLINE) in kinds
    assert (422, "Vehicle data is not available yet") in kinds and (200, None) in kinds


def test_the_schema_copy_rejects_what_the_contract_forbids():
    """The copy must be able to fail: a property with a wrong-typed timestamp, a failure
    without its reason, an errors list of strings."""
    bad_200 = {
        "diagnostics": {"odometer": {"data": {"unit": "kilometers", "value": 1}, "timestamp": 5}}
    }
    bad_failure = {"ignition": {"state": {"failure": {"description": "x"}}}}
    with pytest.raises(jsonschema.ValidationError):
        _validator("response").validate(bad_200)
    with pytest.raises(jsonschema.ValidationError):
        _validator("response").validate(bad_failure)
    with pytest.raises(jsonschema.ValidationError):
        _validator("response403").validate({"errors": ["Privacy mode is active"]})


def test_a_burst_gets_429_rate_limit_exceeded_with_retry_after():
    with (
        Simulator(SimConfig(vehicles=20, seed=2, speed=0.0, start=SIM_START, data_limit=5)) as sim,
        authed(sim) as http,
    ):
        vin = next(iter(sim.engine.vehicles))
        answers = [http.get(f"/v1/vehicle-data/autoapi-13/{vin}") for _ in range(7)]
    limited = [r for r in answers if r.status_code == 429]
    assert len(limited) == 2
    _validator("response429").validate(limited[0].json())
    assert limited[0].json()["errors"][0]["detail"] == RATE_LIMIT
    assert 1 <= int(limited[0].headers["Retry-After"]) <= 60


def test_the_newest_timestamp_over_all_capabilities_and_lists():
    body = {
        "request_id": "r1",
        "vin": "X",
        "diagnostics": {
            "odometer": {
                "data": {"unit": "kilometers", "value": 3},
                "timestamp": "2026-11-04T10:00:00.000Z",
            },
            "tire_pressures": [
                {"data": {}, "timestamp": "2026-11-05T09:30:00Z"},
                {"data": {}, "timestamp": "2026-11-03T00:00:00Z"},
            ],
            "battery_voltage": {"failure": {"reason": "unknown", "description": "n/a"}},
        },
        "ignition": {"state": {"data": "off", "timestamp": "2026-11-05T08:00:00"}},
    }
    r = read_answer(200, json.dumps(body).encode(), NOW)
    assert r.error is None and r.request_id == "r1"
    assert r.newest == datetime(2026, 11, 5, 9, 30, tzinfo=UTC)
    assert r.timestamps == 4 and r.bad_timestamps == 0


@pytest.mark.parametrize(
    ("status", "detail", "kind"),
    [
        (401, CONSENT_REMOVED, "consent_removed"),
        (401, INVALID_TOKEN, "invalid_token"),
        (403, NO_ACTIVE_CONSENT, "no_consent"),
        (403, PRIVACY_ACTIVE, "privacy"),
        (408, OFFLINE, "offline"),
        (422, "Vehicle data is not available yet", "pending"),
        (429, RATE_LIMIT, "rate_limited"),
        (500, "Please contact support", "server"),
        (503, "Failure when fetching data from OEM", "server"),
        (504, "OEM didn't respond", "server"),
        (403, "The access token lacks the scope vehicle:data", "scope_missing"),
        (401, "Missing scope vehicle:data", "scope_missing"),
    ],
)
def test_error_answers_by_their_exact_strings(status, detail, kind):
    r = read_answer(status, _error(status, detail), NOW)
    assert (r.error, r.request_id, r.newest) == (kind, "abc123", None)


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"[1, 2]",
        b'"a string"',
        b"null",
        b"[" * 100_000,
        json.dumps({"diagnostics": {"odometer": {"timestamp": 12345}}}).encode(),
        json.dumps({"diagnostics": {"odometer": {"timestamp": "9999-01-01T00:00:00Z"}}}).encode(),
        json.dumps({"diagnostics": {"odometer": {"timestamp": "1970-01-01T00:00:00Z"}}}).encode(),
        json.dumps({"diagnostics": {"odometer": {"timestamp": "2026-13-45T99:00:00Z"}}}).encode(),
    ],
)
def test_hostile_200_answers_are_bad_data_never_an_exception(body):
    r = read_answer(200, body, NOW)
    assert r.newest is None
    assert r.error in ("bad_answer", None)
    if body.startswith(b"{") and b"timestamp" in body:
        assert r.error == "bad_answer" and r.bad_timestamps == 1


def test_escapes_in_answers_never_reach_the_terminal():
    nasty = "\x1b]52;c;cHduZWQ=\x07\x1b[2J Privacy mode is active \u202e"
    r = read_answer(
        403,
        json.dumps(
            {"errors": [{"title": "\x1b[31mx", "detail": nasty}], "request_id": "\x1b[2Jid"}
        ).encode(),
        NOW,
    )
    assert r.error == "privacy" and r.request_id is None
    assert r.detail is not None and "\x1b" not in r.detail and "\u202e" not in r.detail
    wrong = read_answer(
        403, json.dumps({"errors": [{"title": 5, "detail": ["x"]}], "request_id": 7}).encode(), NOW
    )
    assert (wrong.error, wrong.request_id, wrong.detail) == ("other", None, None)
    # a good timestamp beside a bad one: the good one counts, the bad one is noted
    mixed = read_answer(
        200,
        json.dumps(
            {
                "a": {"b": {"timestamp": "2026-11-05T00:00:00Z"}, "c": {"timestamp": "\x1b[2J"}},
                "d": "x",
                "e": [1],
            }
        ).encode(),
        NOW,
    )
    assert mixed.newest == datetime(2026, 11, 5, tzinfo=UTC) and mixed.bad_timestamps == 1


def test_states_move_with_the_answers_and_age_into_silence():
    vin, brand = "WVW00000000000001", "volkswagen"
    first = next_record(None, vin, brand, read_answer(422, _error(422, "x", "Pending"), NOW), NOW)
    assert first.state is DataState.NONE and first.request_id == "abc123"
    data = json.dumps(
        {"ignition": {"state": {"data": "on", "timestamp": "2026-11-05T11:00:00Z"}}}
    ).encode()
    flowing = next_record(first, vin, brand, read_answer(200, data, NOW), NOW)
    assert flowing.state is DataState.FLOWING
    assert flowing.first_data == flowing.newest == datetime(2026, 11, 5, 11, tzinfo=UTC)
    later = NOW + timedelta(days=4)
    assert current_state(flowing, brand, later) is DataState.SILENT
    private = next_record(
        flowing, vin, brand, read_answer(403, _error(403, PRIVACY_ACTIVE), later), later
    )
    assert private.state is DataState.PRIVACY and private.newest == flowing.newest
    offline = next_record(private, vin, brand, read_answer(408, _error(408, OFFLINE), later), later)
    assert offline.state is DataState.PRIVACY and offline.error == "offline"
    limited = next_record(None, vin, brand, read_answer(429, _error(429, RATE_LIMIT), NOW), NOW)
    assert (limited.state, limited.why) == (DataState.UNCHECKABLE, "rate_limited")


def test_cells_read_without_colour():
    approved = NOW - timedelta(days=3, hours=2)
    rec = DataRecord("V", DataState.FLOWING, NOW - timedelta(hours=2))
    assert cell_text(DataState.FLOWING, rec, approved, NOW) == "✓ 2h"
    assert cell_text(DataState.NONE, None, approved, NOW) == "… 3d, none yet"
    assert cell_text(DataState.PRIVACY, None, approved, NOW) == "⊘ privacy"
    assert cell_text(DataState.CONSENT, None, approved, NOW) == "✗ consent"
    assert cell_text(DataState.UNCHECKED, None, approved, NOW) == "- unchecked"


def test_every_state_is_explained_with_who_acts_and_what_next():
    for key, info in DATA_CATALOGUE.items():
        assert info.title and info.meaning and info.steps and info.next, key
    assert DATA_CATALOGUE["privacy"].actor.value == "driver"
    assert DATA_CATALOGUE["consent"].actor.value == "fleet operator"
    assert "privacy mode off" in " ".join(DATA_CATALOGUE["privacy"].steps)


def test_brands_outside_the_data_apis_list_are_not_covered():
    assert data_covered("mercedes-benz") and data_covered("volvo-cars")
    assert not data_covered("tesla") and not data_covered("vauxhall")
