"""The `/` filter language: fields, OR within a field, AND across, negation, errors."""

from __future__ import annotations

import pytest

from fleettui.core.query import parse_query
from fleettui.core.timefmt import parse_duration
from tests.support.fleets import NOW


def vins(query: str, rows) -> list[str]:
    q = parse_query(query)
    assert q.error is None, q.error
    return [r.vin[-1] for r in q.filter(rows)]


def test_empty_query_matches_everything(rows):
    q = parse_query("   ")
    assert q.is_empty and q.error is None
    assert len(q.filter(rows)) == len(rows)


def test_free_text_searches_vin_brand_reason_and_tags(rows):
    assert vins("wba", rows) == ["1", "2"]
    assert vins("peugeot", rows) == ["3"]
    assert vins("PRIVACY", rows) == ["2"]
    assert vins("north", rows) == ["1", "4"]
    assert vins("acme", rows) == ["4"]
    assert vins("volkswagen", rows) == ["4"]


def test_words_are_anded_and_quotes_keep_phrases(rows):
    assert vins("north wvw", rows) == ["4"]
    assert vins('"privacy mode"', rows) == ["2"]
    assert vins('"mode privacy"', rows) == []


def test_states_are_ored_and_prefixes_work(rows):
    assert vins("state:pending", rows) == ["2", "4"]
    assert vins("state:pending state:rejected", rows) == ["2", "3", "4"]
    assert vins("state:approved,revoked", rows) == ["1", "5"]
    assert vins("status:rej", rows) == ["3"]


def test_brand_group_and_tag_fields(rows):
    assert vins("brand:bmw", rows) == ["1"]
    assert vins("brand:bmw brand:mini", rows) == ["1", "2"]
    assert vins("brand:Mercedes-Benz", rows) == []
    assert vins("group:stellantis", rows) == ["3", "6"]
    assert vins("group:vw", rows) == ["4"]
    assert vins("group:'BMW Group'", rows) == ["1", "2"]
    assert vins("tag:fleet=north", rows) == ["1", "4"]
    assert vins("tag:vw-group-customer-name", rows) == ["4"]
    assert vins("group:bmw state:pending", rows) == ["2"]


def test_negation_with_dash_or_bang(rows):
    assert vins("-state:pending", rows) == ["1", "3", "5", "6"]
    assert vins("!wba", rows) == ["3", "4", "5", "6"]
    assert vins("-tag:fleet", rows) == ["2", "5", "6"]
    assert vins("-brand:bmw group:bmw", rows) == ["2"]


@pytest.mark.parametrize(
    "text, words",
    [
        ("state:flying", "not a state"),
        ("brand:bmww", "did you mean bmw?"),
        ("brand:vw", "'vw' is a brand group, not a brand; use group:vw"),
        ("group:vww", "did you mean vw?"),
        ("group:audi", "'audi' is a brand, not a group; use brand:audi (its group is group:vw)"),
        ("age>7x", "not a unit"),
        ("age:7d", "say longer or shorter"),
        ("age>", "duration is missing"),
        ("state:", "needs a value"),
        ("group:nowhere", "not a brand group"),
        ("colour:red", "unknown field"),
        ('"unclosed', "quotes"),
        ("tag:", "needs a key"),
    ],
)
def test_mistakes_are_reported_not_raised(rows, text, words):
    q = parse_query(text)
    assert q.error is not None and words in q.error
    assert len(q.filter(rows)) == len(rows)


def test_ambiguous_state_prefix_is_an_error():
    assert "several states" in parse_query("state:re").error


def test_unknown_states_and_brands_get_the_same_did_you_mean():
    assert parse_query("state:pendng").error.startswith(
        "'pendng' is not a state; did you mean pending?"
    )
    assert parse_query("brand:bmww").error == "'bmww' is not a brand; did you mean bmw?"
    assert "did you mean volkswagen?" in parse_query("brand:volkswagon").error
    # nothing close: the valid codes are listed
    err = parse_query("brand:zzzz").error
    assert "use a brand code:" in err and "volkswagen" in err
    assert "did you mean state:?" in parse_query("stat:pending").error


def test_brand_display_names_and_known_codes_still_work(rows):
    assert vins("brand:Peugeot", rows) == ["3"]
    assert vins("-brand:bmw,mini", rows) == ["3", "4", "5", "6"]


def ages(query: str, rows) -> list[str]:
    q = parse_query(query)
    assert q.error is None, q.error
    return [r.vin[-1] for r in q.filter(rows, NOW)]


def test_age_terms_compare_time_in_state_with_the_fetch_time(rows):
    # in state: 1 2d, 2 7d (pending since 10-25), 3 2d, 4 7d, 5 1d, 6 1m
    assert ages("age>3d", rows) == ["2", "4"]
    assert ages("age<2d", rows) == ["5", "6"]
    assert ages("age>=2d", rows) == ["1", "2", "3", "4"]
    assert ages("age<=1d", rows) == ["5", "6"]
    assert ages("-age>3d", rows) == ["1", "3", "5", "6"]
    assert ages("state:pending age>1w", rows) == []
    assert ages("state:pending age>=1w", rows) == ["2", "4"]
    assert ages("age>30s age<2m", rows) == ["6"]
    q = parse_query("age>1d")
    assert not q.is_empty and q.matches(rows[1], NOW) and not q.matches(rows[5], NOW)


def test_durations():
    assert parse_duration("90s") == 90
    assert parse_duration("2h") == 7200
    assert parse_duration("1d12h") == 1.5 * 86400
    assert parse_duration("1.5d") == 1.5 * 86400
    assert parse_duration(" 2W ") == 14 * 86400
    for bad in ("", "7", "d", "7x", "1..2d"):
        with pytest.raises(ValueError):
            parse_duration(bad)


def test_vin_field_lists_exact_vins(rows):
    assert vins("vin:WBA00000000000001,vf300000000000003", rows) == ["1", "3"]
    assert vins("-vin:WBA00000000000001", rows) == ["2", "3", "4", "5", "6"]
    assert "needs a VIN" in parse_query("vin:").error
