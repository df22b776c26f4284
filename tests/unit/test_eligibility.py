"""Eligibility end to end: the simulator's answers against the provider's published schema,
and the client's typed results and errors over real loopback HTTP."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import jsonschema
import pytest

from fleettui.api import (
    BadResponse,
    Credentials,
    Eligibility,
    EligibilityRefused,
    EligibilityScopeMissing,
    FleetClient,
    NotCheckable,
)
from fleettui.api.eligibility import Pacer, read_eligibility
from fleettui.core import reasons as R
from fleettui.core.brands import BRANDS, ELIGIBILITY_BRANDS, brand_info
from fleettui.sim import SimConfig, Simulator
from tests.support.sim import SIM_START, authed

SCHEMA = json.loads(
    (Path(__file__).parent.parent / "schemas" / "hm-eligibility-v1.json").read_text()
)


def _validator(name: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator({**SCHEMA, "$ref": f"#/$defs/{name}"})


RESPONSE = _validator("EligibilityResponse")
ERRORS = _validator("Errors")
REQUEST = _validator("EligibilityRequest")


def _client(sim: Simulator, **kw) -> FleetClient:  # noqa: ANN003
    return FleetClient(
        Credentials(sim.base_url, sim.client_id, sim.client_secret), sleep=lambda s: None, **kw
    )


def test_every_simulator_answer_matches_the_published_schema(sim):
    with authed(sim) as c:
        statuses = set()
        for vin, vehicle in list(sim.engine.vehicles.items()):
            brand = vehicle["brand"]
            if brand not in ELIGIBILITY_BRANDS:
                continue
            body = {"vin": vin, "brand": brand}
            REQUEST.validate(body)
            r = c.post("/v1/eligibility", json=body)
            statuses.add(r.status_code)
            if r.status_code == 200:
                RESPONSE.validate(r.json())
                assert r.json()["vin"] == vin
            else:
                assert r.status_code == 422
                ERRORS.validate(r.json())
        assert 200 in statuses
        for bad in (
            {"vin": "SHORT", "brand": "bmw"},
            {"vin": "WBA00000000000042"},
            {"vin": "WBAOOOOOOOOOOOOO4", "brand": "bmw"},
            {"vin": "WVWZZZ1KZAW000099", "brand": "volkswagen"},
        ):
            r = c.post("/v1/eligibility", json=bad)
            assert r.status_code == 422
            ERRORS.validate(r.json())
    r = httpx.post(f"{sim.base_url}/v1/eligibility", json={"vin": "x", "brand": "bmw"})
    assert r.status_code == 401
    ERRORS.validate(r.json())


def test_the_schema_copy_rejects_what_the_contract_forbids():
    """The schema must be able to fail: a copy that accepts anything proves nothing."""
    for bad in (
        {"vin": "X", "eligible": "yes", "data_delivery": []},
        {"vin": "X", "eligible": True},
        {"vin": "X", "eligible": True, "data_delivery": ["fax"]},
        {"vin": "X", "eligible": True, "data_delivery": [], "connectivity_status": "on"},
    ):
        assert not RESPONSE.is_valid(bad)
    assert not REQUEST.is_valid({"vin": "X", "brand": "volkswagen"})


def test_the_model_and_the_clearances_agree():
    """An ineligible VIN, once added, is rejected as 'ineligible VIN'; an I/O/Q VIN as
    'invalid VIN'; a VW-group VIN with a primary user as 'primary user enrolled'."""
    cfg = SimConfig(
        vehicles=0, speed=0.0, start=SIM_START, ineligible_share=0.5, primary_user_share=0.5
    )
    with Simulator(cfg) as sim, _client(sim) as client:
        model = sim.engine.eligibility
        vins = [f"WBA0000000000{n:04d}" for n in range(40)]
        answers = {}
        for vin in vins:
            try:
                answers[vin] = client.check_eligibility(vin, "bmw")
            except EligibilityRefused as e:
                assert e.kind == "brand_failed"
        assert {a.eligible for a in answers.values()} == {True, False}
        vw = [f"WVWZZZ1KZAW00{n:04d}" for n in range(40)]
        for vin in [*answers, *vw]:
            brand = "volkswagen" if vin in vw else "bmw"
            sim.engine.add_vehicle(vin, brand, {"vw-group-customer-name": "ACME"})
        sim.engine.add_vehicle("WBAIIIIIIIIIIII42", "bmw")
        sim.engine.advance(5 * 86400)
        for vin, answer in answers.items():
            rec = sim.engine.record(vin)
            if not answer.eligible:
                assert (rec.status, rec.reason) == ("rejected", R.INELIGIBLE_VIN)
                again = client.check_eligibility(vin, "bmw")  # the record says so too
                assert again.eligible is False
            else:
                assert rec.reason != R.INELIGIBLE_VIN
        assert sim.engine.record("WBAIIIIIIIIIIII42").reason == R.INVALID_VIN
        primary = [v for v in vw if model.traits(v).primary_user and not model.traits(v).ineligible]
        assert primary
        for vin in primary:
            assert sim.engine.record(vin).reason == R.PRIMARY_USER_ENROLLED


def test_typed_results_and_errors(sim):
    with _client(sim) as client:
        vin, vehicle = next(
            (v, x)
            for v, x in sim.engine.vehicles.items()
            if x["brand"] in ELIGIBILITY_BRANDS
            and not sim.engine.eligibility.traits(v).brand_call_fails
        )
        result = client.check_eligibility(vin.lower(), vehicle["brand"].upper())
        assert isinstance(result, Eligibility) and result.vin == vin
        assert result.summary().startswith(("eligible", "NOT eligible"))
        sent = client.requests_sent
        nope = client.check_eligibility("WVWZZZ1KZAW000099", "volkswagen")
        assert (
            isinstance(nope, NotCheckable)
            and nope.summary() == "no eligibility check for this brand"
        )
        assert client.requests_sent == sent  # nothing went out
        with pytest.raises(EligibilityRefused) as refused:
            client.check_eligibility("WBAOOOOOOOOOOOOO4", "bmw")
        assert refused.value.kind == "invalid_vin" and "invalid" in str(refused.value)


def test_a_token_without_the_scope_is_refused_before_sending(sim, monkeypatch):
    monkeypatch.setattr(sim.tokens, "scope", "fleet:clearance")
    with _client(sim) as client:
        client.fetch_token()
        sent = client.requests_sent
        with pytest.raises(EligibilityScopeMissing, match="vehicle:eligibility-check"):
            client.check_eligibility("WBA00000000000042", "bmw")
        assert client.requests_sent == sent


def test_rate_limited_checks_are_retried_then_reported():
    cfg = SimConfig(
        vehicles=0, speed=0.0, start=SIM_START, eligibility_limit=2, ineligible_share=0.0
    )
    with Simulator(cfg) as sim, _client(sim, max_retries=1, max_total_wait=100) as client:
        vins = [f"WBA0000000000{n:04d}" for n in range(3)]
        vins = [v for v in vins if not sim.engine.eligibility.traits(v).brand_call_fails]
        for vin in vins[:2]:
            assert client.check_eligibility(vin, "bmw").eligible
        from fleettui.api import RateLimited

        with pytest.raises(RateLimited) as limited:
            client.check_eligibility("WBA00000000009999", "bmw")
        assert limited.value.retry_after is not None
        sim.engine.advance(61)  # the window moves on
        assert client.check_eligibility("WBA00000000009999", "bmw").checked


def test_a_reply_about_another_vin_is_a_bad_response():
    with pytest.raises(BadResponse, match="not the one asked"):
        read_eligibility(
            {"vin": "WBA00000000000043", "eligible": True, "data_delivery": []},
            "WBA00000000000042",
            "bmw",
        )
    with pytest.raises(BadResponse, match="eligible"):
        read_eligibility(
            {"vin": "WBA00000000000042", "eligible": "yes", "data_delivery": []},
            "WBA00000000000042",
            "bmw",
        )
    ok = read_eligibility(
        {
            "vin": "wba00000000000042",
            "eligible": False,
            "data_delivery": ["pull", "pull"],
            "extra": 1,
            "connectivity_status": "\x1b[31mred",
        },
        "WBA00000000000042",
        "bmw",
    )
    assert ok.data_delivery == ("pull",) and "\x1b" not in (ok.connectivity_status or "")
    assert ok.warnings() and not ok.eligible


def test_brand_marks():
    assert brand_info("nissan").note and not brand_info("nissan").published
    assert all(b.published for c, b in BRANDS.items() if c != "nissan")
    assert brand_info("bmw").eligibility_check and not brand_info("audi").eligibility_check
    assert set(BRANDS) >= ELIGIBILITY_BRANDS


def test_pacer_spaces_calls_on_a_fake_clock():
    now = [0.0]
    slept = []

    def sleep(s: float) -> None:
        slept.append(s)
        now[0] += s

    pacer = Pacer(4.0, clock=lambda: now[0], sleep=sleep)
    for _ in range(5):
        pacer.wait()
    assert slept == [0.25, 0.25, 0.25, 0.25]
