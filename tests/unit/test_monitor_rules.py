"""The monitor's rules as plain functions (no app running): back-off, staleness, line parsing,
optimistic merges, the CSV export's formula guard, quick state filters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fleettui.core.states import Action, State
from fleettui.core.text import clean
from fleettui.core.vehicle import Vehicle
from fleettui.monitor.add_lines import (
    customer_wanted,
    parse_block,
    parse_line,
    parse_tags,
    read_csv_file,
)
from fleettui.monitor.connection import ConnectionState, clamp_refresh, coarse_age
from fleettui.monitor.write_outcomes import WriteOutcome, merge_answer, new_vehicle, summarise
from fleettui.ui.screens.export import write_csv
from fleettui.ui.widgets.header import connection_text
from tests.support.sim import SIM_START

NOW = SIM_START
GOOD_VIN = "WBA3A5C51CF256985"


class FakeMono:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def test_refresh_interval_never_below_five_seconds():
    assert clamp_refresh(None) == 15.0
    assert clamp_refresh(1) == 5.0
    assert clamp_refresh(30) == 30.0


def test_backoff_is_capped_at_the_interval_and_recovers():
    """After an outage the monitor is live again within one interval of the provider's
    return: a quick first retry, then the interval, never a longer back-off."""
    mono = FakeMono()
    c = ConnectionState(refresh=15.0, monotonic=mono)
    c.record_ok()
    assert c.next_delay() == 15.0 and not c.stale
    assert c.record_failure("server", "boom") is True
    assert c.next_delay() == 5.0
    assert c.record_failure("server", "boom") is False
    assert c.next_delay() == 15.0
    for _ in range(10):
        c.record_failure("network", "down")
    assert c.next_delay() == 15.0
    assert c.stale and c.category_label() == "network"
    mono.t += 42
    assert coarse_age(c.age()) == "40s"
    assert c.record_ok() is True
    assert not c.stale and c.next_delay() == 15.0


def test_waiting_for_the_provider_is_said_after_a_few_seconds():
    mono = FakeMono()
    c = ConnectionState(refresh=15.0, monotonic=mono)
    c.started()
    assert c.waiting() is None and "waiting" not in connection_text(c).plain
    mono.t += 12.4
    assert abs(c.waiting() - 12.4) < 1e-6
    assert "waiting for the provider (12 s)" in connection_text(c).plain
    assert "cannot connect" not in connection_text(c).plain
    c.record_failure("timeout", "The provider did not answer within 300 s.")
    c.polling = False
    assert "the provider did not answer in time" in connection_text(c).plain
    assert "cannot connect" not in connection_text(c).plain


def test_updated_time_is_the_local_wall_clock_not_the_providers():
    wall = datetime(2026, 11, 25, 18, 33, 7).astimezone()
    c = ConnectionState(wall=lambda: wall)
    c.record_ok()
    assert "updated 18:33" in connection_text(c).plain  # minutes: no repaint per refresh
    c.cached_at = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)
    c.last_ok_at = c.last_ok_mono = None
    local = c.cached_at.astimezone().strftime("%H:%M")
    plain = connection_text(c).plain  # the save time by this machine's clock, and its age
    assert f"cache from {local} (" in plain or f"cache from 2026-11-25 {local} (" in plain
    assert "ago), connecting" in plain


def test_rate_limit_waits_at_least_what_the_provider_asked():
    c = ConnectionState(refresh=5.0, monotonic=FakeMono())
    c.record_failure("rate_limit", "slow down", retry_after=40)
    assert c.next_delay() == 40  # exactly: not more, and not the interval
    c.record_failure("rate_limit", "slow down", retry_after=2)
    assert c.next_delay() == 2
    assert c.category_label() == "rate limit"


def test_coarse_age_changes_rarely():
    assert coarse_age(None) == "never"
    assert coarse_age(3) == coarse_age(4) == "0s"
    assert coarse_age(125) == "2m"
    assert coarse_age(3725) == "1h 02m"


def test_clean_strips_escape_sequences_and_controls():
    assert clean("ok\x1b[31mred\x1b]52;c;AAAA\x07\x00done") == "okreddone"
    assert clean("a\nb") == "a b"


def test_parse_tags_reports_bad_pairs():
    tags, problems = parse_tags("fleet=north, depot = 3; bad")
    assert tags == {"fleet": "north", "depot": "3"}
    assert problems == ["tag 'bad' is not key=value"]


def test_line_uses_form_brand_and_tags_and_reports_bad_vin():
    line = parse_line(GOOD_VIN.lower(), "bmw", {"fleet": "a"})
    assert line.ok and line.vin == GOOD_VIN and line.brand == "bmw" and line.tags == {"fleet": "a"}
    bad = parse_line("WBA3A5C51CF25698", "bmw")
    assert not bad.ok and any("16 characters" in p for p in bad.problems)


def test_a_line_is_refused_with_every_problem_it_has():
    """A bad VIN and no brand: both named, VIN first; a bad tag as well."""
    line = parse_line("WBA3A5C51CF25698,,oops")
    assert line.problems == [
        "VIN: 16 characters, need 17",
        "no brand: add ,brand to the line or fill the Brand field",
        "tag 'oops' is not key=value",
    ]


def test_vw_brand_needs_customer_name():
    line = parse_line(f"{GOOD_VIN},volkswagen")
    assert not line.ok and any("vw-group-customer-name" in p for p in line.problems)
    ok = parse_line(f"{GOOD_VIN},volkswagen,vw-group-customer-name=ACME")
    assert ok.ok and ok.tags["vw-group-customer-name"] == "ACME"


def test_customer_field_is_wanted_for_a_vw_brand_in_the_field_or_in_a_line():
    assert customer_wanted("audi", "") and not customer_wanted("bmw", "")
    assert customer_wanted("", f"{GOOD_VIN},bmw\n{GOOD_VIN}, Skoda ,x=y")
    assert not customer_wanted("", f"{GOOD_VIN},bmw\n{GOOD_VIN}\n# a,volkswagen")
    assert not customer_wanted("bmw", f"{GOOD_VIN},bmw\n{GOOD_VIN},peugeot")


def test_block_skips_header_blank_and_comment_lines(tmp_path):
    path = tmp_path / "fleet.csv"
    path.write_text(f"vin,brand\n\n# note\n{GOOD_VIN},bmw,fleet=x\nBAD,bmw\n", encoding="utf-8")
    lines = parse_block(read_csv_file(path))
    assert [line.vin for line in lines] == [GOOD_VIN, "BAD"]
    assert lines[0].ok and lines[0].tags == {"fleet": "x"}
    assert not lines[1].ok


def _vehicle(status: str, reason: str | None = None) -> Vehicle:
    return Vehicle.from_api(
        {
            "vin": GOOD_VIN,
            "brand": "bmw",
            "status": status,
            "tags": {"fleet": "=cmd"},
            "changelog": [
                {"timestamp": "2026-10-30T12:00:00Z", "status": status, "reason": reason}
            ],
        }
    )


def test_merge_keeps_brand_and_history_and_appends_new_state():
    known = _vehicle("approved")
    answer = Vehicle.from_api({"vin": GOOD_VIN, "status": "revoking", "tags": {"fleet": "=cmd"}})
    merged = merge_answer(known, answer, NOW)
    assert merged.state is State.REVOKING and merged.brand == "bmw"
    assert len(merged.changelog) == 2 and merged.changelog[-1].timestamp == NOW
    assert merged.time_in_state(NOW + timedelta(minutes=1)) == 60


def test_new_vehicle_shows_pending_at_once():
    v = new_vehicle(GOOD_VIN, "bmw", {"a": "b"}, "pending", NOW)
    assert v.state is State.PENDING and v.state_since == NOW and v.tags == {"a": "b"}


def test_summary_names_failures():
    ok = WriteOutcome("A" * 17, True, vehicle=_vehicle("canceling"))
    bad = WriteOutcome("B" * 17, False, message="Too early to cancel")
    text, severity = summarise(Action.CANCEL, [ok, bad])
    assert "1 of 2" in text and "Too early" in text and severity == "warning"
    text, severity = summarise(Action.CANCEL, [bad])
    assert severity == "error" and "B" * 17 in text


def test_csv_export_guards_formula_cells(tmp_path):
    path = tmp_path / "out.csv"
    assert write_csv(path, [_vehicle("rejected", "=HYPERLINK()")], NOW) == 1
    text = path.read_text(encoding="utf-8").splitlines()
    assert text[0].startswith("vin,brand,status,reason")
    assert "'=HYPERLINK()" in text[1] and "'fleet==cmd" not in text[1]
    assert "rejected" in text[1] and "172800" in text[1]


def test_quick_state_filter_replaces_only_state_terms():
    from fleettui.core.query import with_state_filter

    assert (
        with_state_filter("brand:bmw state:pending privacy", "rejected")
        == "brand:bmw privacy state:rejected"
    )
    assert with_state_filter("-state:approved bmw", "") == "bmw"
    assert with_state_filter("", "pending") == "state:pending"
