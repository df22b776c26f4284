"""Activation plans: ordered steps, a verdict at the end, reasons that fit the brand."""

from __future__ import annotations

import random

import pytest

from fleettui.core import reasons as R
from fleettui.core.brands import BRAND_CODES, VW_CUSTOMER_TAG, brand_info
from fleettui.sim import outcomes


@pytest.mark.parametrize("brand", BRAND_CODES)
def test_plans_are_ordered_and_brand_consistent(brand):
    rng = random.Random(brand)
    tags = {VW_CUSTOMER_TAG: "Fleet Co"}
    verdicts = set()
    for _ in range(300):
        plan = outcomes.plan_activation(brand, tags, rng)
        delays = [d for d, _, _ in plan]
        assert delays == sorted(delays) and delays[0] > 0
        assert plan[-1][1] in ("approved", "rejected")
        assert all(status == "pending" for _, status, _ in plan[:-1])
        assert delays[-1] <= outcomes.RETRY_WINDOW * 1.06
        for _, status, reason in plan:
            if reason is not None:
                info = R.CATALOGUE[reason]
                assert info.applies_to(brand), (brand, reason)
                assert info.kind in (
                    ("pending", "both") if status == "pending" else ("rejected", "both")
                )
        verdicts.add(plan[-1][1])
    assert "approved" in verdicts
    if brand != "sandbox":
        assert "rejected" in verdicts


@pytest.mark.parametrize("brand", [b for b in BRAND_CODES if brand_info(b).group == "VW Group"])
def test_vw_without_tag_is_rejected_within_minutes(brand):
    rng = random.Random(1)
    for tags in ({}, {VW_CUSTOMER_TAG: "  "}):
        plan = outcomes.plan_activation(brand, tags, rng)
        assert plan == [(plan[0][0], "rejected", R.CUSTOMER_NAME_TAG_MISSING)]
        assert plan[0][0] < 30 * 60


def test_ford_sometimes_lacks_consent_after_the_window():
    rng = random.Random(2)
    plans = [outcomes.plan_activation("ford", {}, rng) for _ in range(200)]
    consent = [p for p in plans if p[-1][2] == R.CONSENT_MISSING]
    assert 10 < len(consent) < 100
    assert all(p[-1][0] > 9 * outcomes.DAY for p in consent)


def test_timeout_reasons_fit_the_brand():
    assert outcomes.timeout_reason("volkswagen", R.PRIVACY_MODE) == R.PRIVACY_MODE
    assert outcomes.timeout_reason("peugeot", R.NO_DATA_YET) == R.ACTIVATION_TIMEOUT_NO_DATA
    assert (
        outcomes.timeout_reason("mercedes-benz", R.VEHICLE_NOT_DRIVEN) == R.VIN_ACTIVATION_TIMEOUT
    )
    assert outcomes.timeout_reason("kia", R.WAITING_FOR_OTA) == R.UNSPECIFIED
