"""The reason catalogue covers the provider's guide exactly, and explain() copes with anything."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fleettui.core.brands import BRANDS, GROUPS
from fleettui.core.explanation import explain
from fleettui.core.explanation_text import format_explanation_text
from fleettui.core.reasons import (
    CATALOGUE,
    PENDING_REASONS,
    REJECT_REASONS,
    Actor,
    lookup_reason,
    reasons_for_brand,
    reject_reason_after_retries,
)
from fleettui.core.state_guidance import state_guidance
from fleettui.core.states import State

# Copied byte for byte from the reject-reason table of the provider's activation guide
# (shared/seed/activation-process.txt), with the groups each row names.
SEED_REASONS: dict[str, tuple[str, ...]] = {
    "unspecified": (),
    "invalid client configuration": (),
    "invalid VIN": (),
    "ineligible VIN": (),
    "VIN is assigned to a different OEM fleet": (),
    "VIN is assigned to a different app or project": (
        "BMW Group",
        "Toyota Group",
        "VW Group",
        "Polestar",
    ),
    "consent assignment missing": ("Ford", "Tesla"),
    "invalid OEM state: VIN revoke in progress": ("Ford",),
    "VIN activation timeout": ("Mercedes-Benz",),
    "telematics hardware error": ("Stellantis",),
    "invalid OEM state": ("Renault Group",),
    "OEM fleet assignment failed": ("VW Group", "Renault Group", "Volvo Cars", "Polestar"),
    "customer name tag missing": ("VW Group",),
    "privacy mode is enabled": ("VW Group",),
    "ineligible or constrained VIN": ("VW Group",),
    "vehicle platform not supported": ("VW Group",),
    "primary user enrolled": ("VW Group",),
    "software version incompatible": ("VW Group",),
    "activation timeout: no data": ("Stellantis", "Volvo Cars"),
}


@pytest.mark.parametrize("reason", sorted(SEED_REASONS))
def test_every_seed_reason_is_catalogued_exactly(reason):
    assert reason in CATALOGUE
    info = CATALOGUE[reason]
    assert info.reason == reason
    assert set(info.groups) == set(SEED_REASONS[reason])
    assert reason in REJECT_REASONS


def test_groups_are_real_brand_groups():
    for info in CATALOGUE.values():
        for g in info.groups:
            assert g in GROUPS, (info.reason, g)
        assert all(code in BRANDS for code in info.brands)


def test_polestar_typo_in_guide_maps_to_polestar():
    info = CATALOGUE["VIN is assigned to a different app or project"]
    assert "polestar" in info.brands
    assert info.applies_to("polestar") and info.applies_to("bmw") and info.applies_to("audi")
    assert not info.applies_to("ford")


def test_pending_and_reject_constants():
    assert "privacy mode is enabled" in PENDING_REASONS
    assert "privacy mode is enabled" in REJECT_REASONS
    assert CATALOGUE["privacy mode is enabled"].kind == "both"
    assert len(PENDING_REASONS) >= 4
    for r in PENDING_REASONS:
        assert CATALOGUE[r].provider_retries
        assert CATALOGUE[r].kind in ("pending", "both")
    for r in REJECT_REASONS:
        assert CATALOGUE[r].kind in ("rejected", "both")
    assert set(PENDING_REASONS) | set(REJECT_REASONS) == set(CATALOGUE)


@pytest.mark.parametrize("reason", sorted(CATALOGUE))
def test_every_entry_is_complete_and_actionable(reason):
    info = CATALOGUE[reason]
    assert info.title and info.meaning and len(info.steps) >= 2
    assert isinstance(info.actor, Actor)
    assert all(s.strip() and s[0].isupper() for s in info.steps)
    # The guide's own descriptions are not copied: our meaning differs from its wording.
    assert "which blocks High Mobility from activating it" not in info.meaning


def test_support_steps_say_what_to_send():
    info = CATALOGUE["telematics hardware error"]
    joined = " ".join(info.steps)
    assert "support@high-mobility.com" in joined and "VIN" in joined and "brand" in joined


@pytest.mark.parametrize(
    "raw", ["  PRIVACY MODE IS ENABLED ", "privacy mode is enabled\n", "Privacy  Mode is Enabled"]
)
def test_lookup_ignores_case_and_whitespace(raw):
    info = lookup_reason(raw)
    assert info is not None and info.reason == "privacy mode is enabled"


def test_lookup_unknowns():
    assert lookup_reason("the car exploded") is None
    assert lookup_reason(None) is None
    assert lookup_reason(42) is None
    assert lookup_reason("") is None
    # A prefix of a longer reason is not that reason.
    assert lookup_reason("invalid OEM state").reason == "invalid OEM state"
    assert lookup_reason("invalid OEM state: VIN revoke") is None


def test_reasons_for_brand():
    ford = reasons_for_brand("ford")
    assert "consent assignment missing" in ford and "unspecified" in ford
    assert "customer name tag missing" not in ford
    assert "customer name tag missing" in reasons_for_brand("skoda", "rejected")
    assert "privacy mode is enabled" in reasons_for_brand("audi", "pending")
    assert "privacy mode is enabled" not in reasons_for_brand("bmw", "pending")


def test_reject_after_retries_by_brand():
    assert (
        reject_reason_after_retries("privacy mode is enabled", "audi") == "privacy mode is enabled"
    )
    assert (
        reject_reason_after_retries("no data received yet", "peugeot")
        == "activation timeout: no data"
    )
    assert (
        reject_reason_after_retries("vehicle not driven", "volvo-cars")
        == "activation timeout: no data"
    )
    assert (
        reject_reason_after_retries("vehicle not driven", "mercedes-benz")
        == "VIN activation timeout"
    )
    assert (
        reject_reason_after_retries("waiting for OTA update", "ford")
        == "consent assignment missing"
    )
    assert reject_reason_after_retries("waiting for OTA update", "bmw") == "unspecified"
    for r in PENDING_REASONS:
        for b in BRANDS:
            assert reject_reason_after_retries(r, b) in REJECT_REASONS


@pytest.mark.parametrize("state", list(State))
def test_state_guidance_for_all_nine_states(state):
    g = state_guidance(state)
    assert g.state is state
    assert g.headline and g.meaning and g.steps and g.next_happens


def test_pending_guidance_covers_driving_privacy_and_support():
    text = " ".join(state_guidance(State.PENDING).steps) + state_guidance(State.PENDING).meaning
    for needle in ("driven", "OTA", "privacy mode", "support@high-mobility.com", "VIN", "tags"):
        assert needle in text


def test_explain_known_reason_with_brand_notes():
    e = explain("customer name tag missing", State.REJECTED, "Audi")
    assert e.known and e.applies_to_brand is True
    assert e.actor is Actor.FLEET_OPERATOR and not e.provider_retries
    assert any("vw-group-customer-name" in n for n in e.brand_notes)
    assert any("can be cancelled" in n for n in e.brand_notes)


def test_explain_reason_for_other_brand_is_flagged():
    e = explain("customer name tag missing", State.REJECTED, "ford")
    assert e.applies_to_brand is False
    assert any("not for Ford" in n for n in e.notes)
    assert any("can't be cancelled" in n for n in e.brand_notes)


def test_explain_pending_reason_retries_and_says_what_next():
    e = explain("privacy mode is enabled", State.PENDING, "volkswagen")
    assert e.provider_retries and e.actor is Actor.DRIVER
    assert "rejected" in e.next_happens


def test_explain_unknown_reason_is_verbatim_with_state_guidance():
    e = explain("  Flux capacitor offline ", State.PENDING, None)
    assert not e.known and e.reason == "  Flux capacitor offline "
    assert e.steps == state_guidance(State.PENDING).steps
    text = format_explanation_text(e)
    assert "not in the catalogue" in text and "Flux capacitor offline" in text


def test_explain_reason_from_earlier_state_uses_state_guidance():
    e = explain("privacy mode is enabled", State.APPROVED, "audi")
    assert e.title == state_guidance(State.APPROVED).headline
    assert any("earlier step" in n for n in e.notes)


def test_text_renderer_neutralises_terminal_escapes():
    text = format_explanation_text(explain("bad \x1b[2J\x07 reason", State.REJECTED, None))
    assert "\x1b" not in text and "\x07" not in text and "[2J" not in text
    assert '"bad \ufffd\ufffd reason"' in text  # hidden, but visibly not the plain words


@given(
    st.one_of(st.none(), st.text()),
    st.sampled_from(list(State)),
    st.one_of(st.none(), st.text(max_size=20), st.sampled_from(sorted(BRANDS))),
)
def test_explain_never_breaks(reason, state, brand):
    e = explain(reason, state, brand)
    assert e.steps and e.title
    out = format_explanation_text(e)
    assert out.endswith("\n")
    assert e.to_dict()["state"] == state.value


def test_explain_error_state_shows_the_description():
    e = explain("vin should be 17 character(s)", State.ERROR, "bmw")
    assert not e.known and e.reason == "vin should be 17 character(s)"
    assert e.actor is Actor.FLEET_OPERATOR
    assert any("description" in n for n in e.notes)
    assert "add it again" in " ".join(e.steps)


@pytest.mark.parametrize("brand", ["skoda", "audi", "peugeot", "bmw", "mercedes-benz"])
def test_revoked_guidance_never_gives_fords_rule_to_another_brand(brand):
    for state in (State.REVOKED, State.CANCELED):
        steps = " ".join(explain(None, state, brand).steps)
        assert "Ford" not in steps
        assert "Add the VIN again" in steps


def test_revoked_ford_is_told_to_wait_a_day():
    steps = explain(None, State.REVOKED, "ford").steps
    assert any(s.startswith("Ford: wait a day") for s in steps)
    assert not any("vw-group-customer-name" in s for s in steps)


def test_revoked_and_canceled_vw_group_need_the_tag_again():
    for state in (State.REVOKED, State.CANCELED):
        steps = explain(None, state, "skoda").steps
        assert any(
            s.startswith("Škoda: the new clearance needs the tag vw-group-customer-name")
            for s in steps
        )
    assert not any("vw-group" in s for s in explain(None, State.REVOKED, "peugeot").steps)


def test_revoked_without_a_known_brand_names_whose_rule_it_is():
    for brand in (None, "flux"):
        steps = explain(None, State.REVOKED, brand).steps
        assert any(s.startswith("If it is a Ford: wait a day") for s in steps)
        assert not any(s.startswith("Ford:") for s in steps)
    # the JSON form carries the brand's steps too
    data = explain(None, State.REVOKED, "skoda").to_dict()
    assert "Ford" not in " ".join(data["state_guidance"]["steps"])
