"""The notification log (every notice kept, filter to VINs, mute), burst coalescing, and
the copy-for-support / copy-as-JSON formatters."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from fleettui.core.notices import ERROR, NoticeLog, coalesce
from fleettui.core.support_text import support_text, vehicle_json_text, vehicle_record
from fleettui.core.vehicle import Vehicle

AT = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def test_log_keeps_everything_filters_to_vins_and_mutes_but_never_errors():
    log = NoticeLog(limit=3)
    log.add("rejected", "WBA1 rejected: unspecified", vins=["WBA1"], at=AT)
    log.add("write", "cancel sent", vins=["VF31", "VF32"], at=AT)
    assert [n.kind for n in log.entries()] == ["write", "rejected"]  # newest first
    assert [n.kind for n in log.entries(vins=["vf32"])] == ["write"]
    assert log.toggle_mute("rejected") is True and log.is_muted("rejected")
    muted = log.add("rejected", "WBA2 rejected", vins=["WBA2"], at=AT)
    assert muted.muted and len(log) == 3  # kept in the log, kept off screen
    assert log.add("rejected", "WBA3 rejected", severity=ERROR, at=AT).muted  # provider outcome
    log.toggle_mute("refresh")
    assert not log.add("refresh", "refresh failed", severity=ERROR, at=AT).muted
    log.toggle_mute("refresh")
    assert len(log) == 3 and log.entries()[-1].kind == "rejected"  # the oldest fell out
    assert log.toggle_mute("rejected") is False
    assert not log.add("rejected", "x\x1b[2Jy", at=AT).muted
    assert "\x1b" not in log.entries()[0].text


def test_a_burst_becomes_one_text_naming_the_first_vins():
    two = [("WBA1", "WBA1 rejected: a"), ("WBA2", "WBA2 rejected: b")]
    assert coalesce("rejected", two) == ["WBA1 rejected: a", "WBA2 rejected: b"]
    six = [(f"WBA{i}", f"WBA{i} rejected") for i in range(6)]
    assert coalesce("rejected", six) == [
        "6 vehicles rejected: WBA0, WBA1 and 4 more (! lists them)"
    ]


VEHICLE = Vehicle.from_api(
    {
        "vin": "TMBXX000000000001",
        "brand": "skoda",
        "status": "rejected",
        "tags": {"vw-group-customer-name": "ACME", "depot": "Ber\x1b[31mlin"},
        "changelog": [
            {
                "timestamp": "2026-10-20T08:00:00Z",
                "status": "pending",
                "reason": "privacy mode is enabled",
            },
            {
                "timestamp": "2026-10-30T08:00:00Z",
                "status": "rejected",
                "reason": "privacy mode is enabled",
            },
        ],
    }
)


def test_support_text_has_what_support_asks_for():
    text = support_text(VEHICLE, AT, environment="production", profile="prod")
    lines = text.splitlines()
    assert lines[:5] == [
        "VIN:          TMBXX000000000001",
        "Brand:        Škoda (skoda)",
        "Date added:   2026-10-20T08:00:00Z",
        "State:        rejected since 2026-10-30T08:00:00Z (2d 04h)",
        "Reason:       privacy mode is enabled",
    ]
    assert "Account:      production / prod" in lines
    assert "  vw-group-customer-name=ACME" in lines
    assert "  2026-10-20T08:00:00Z  pending  privacy mode is enabled" in lines
    assert "\x1b" not in text and lines[-1] == "(for support@high-mobility.com)"


def test_support_text_without_history_or_tags():
    bare = Vehicle.from_api({"vin": "WBAXX000000000002", "brand": "nope", "status": "pending"})
    text = support_text(bare)
    assert "Date added:   not known" in text and "Tags:         (none)" in text
    assert "(the provider sent no history)" in text and "Reason:       (none given)" in text


def test_json_copy_is_the_list_json_shape():
    data = json.loads(vehicle_json_text(VEHICLE, AT))
    assert data == vehicle_record(VEHICLE, AT)
    assert data["reason"] == "privacy mode is enabled"
    assert data["state_since"] == "2026-10-30T08:00:00Z"
    assert data["seconds_in_state"] == 2 * 86400 + 4 * 3600
    assert data["tags"]["depot"] == "Ber\x1b[31mlin"  # JSON escapes it: \u001b in the text
    assert "\x1b" not in vehicle_json_text(VEHICLE, AT)
