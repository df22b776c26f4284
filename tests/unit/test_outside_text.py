"""Outside text is parsed in bounded work, and its bad values stay local (issue 21)."""

from __future__ import annotations

import json

from fleettui.api import error_body
from fleettui.api.error_body import html_title, parse_error_body
from fleettui.api.errors import RateLimited, error_from_response
from fleettui.api.retry_after import MAX_RETRY_AFTER
from fleettui.core.lenient_json import loads_marked
from fleettui.monitor.connection import ConnectionState
from fleettui.webhooks.events import BadPayload, parse_event
from fleettui.webhooks.http import header_number


def test_an_error_body_is_cut_before_any_parse(monkeypatch):
    seen: list[int] = []
    real = error_body.json.loads

    def loads(text: str) -> object:
        seen.append(len(text))
        return real(text)

    monkeypatch.setattr(error_body.json, "loads", loads)
    body = b"<html><title>" * 1_000_000  # 13 MB of unclosed titles
    parsed = parse_error_body(body)
    assert seen == [error_body.MAX_ERROR_BODY]
    assert parsed.detail is None or len(parsed.detail) <= error_body.MAX_TEXT


def test_the_html_title_is_found_in_one_pass():
    # The regex this replaced went over the rest of the text again for every `<title>`.
    assert html_title("<html><TITLE>502 Bad Gateway</title>") == "502 Bad Gateway"
    assert html_title("<title>" * 10) is None
    assert html_title("no title") is None
    err = error_from_response(502, b"<html><title>" * 40_000)
    assert err.status == 502 and "server error" in str(err)


def test_nesting_too_deep_is_named_not_a_recursion_error():
    deep = b'{"errors":' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    assert parse_error_body(deep).detail is not None  # read as text, never raises
    try:
        parse_event(b"[" * 100_000 + b"]" * 100_000, "d1")
    except BadPayload as e:
        assert "nested too deeply to be a webhook event" in str(e)
    else:
        raise AssertionError("a 100,000-deep body was accepted")


def test_bad_bytes_and_long_numbers_are_marked_where_they_are():
    raw = (
        b'[{"vin":"A","tags":{"d":"K\xf6ln"}},{"vin":"B","n":'
        + b"9" * 10_000
        + b'},{"vin":"C","n":12}]'
    )
    data, mended = loads_marked(raw)
    assert data[0]["tags"]["d"] == "K\ufffdln"
    assert "10000 digits" in data[1]["n"] and data[2] == {"vin": "C", "n": 12}
    assert mended.bad_text == 1 and mended.long_numbers == 1
    assert "not valid UTF-8" in mended.describe() and "too long" in mended.describe()
    assert json.dumps(data)  # what is marked is plain data


def test_a_huge_wait_is_cut_and_the_header_says_how_long_and_why():
    err = error_from_response(429, b"{}", retry_after_header="10000000000")
    assert isinstance(err, RateLimited)
    assert err.retry_after == MAX_RETRY_AFTER and err.asked == 10_000_000_000
    assert "fleettui waits 5 min at most" in str(err)
    now = [100.0]
    conn = ConnectionState(monotonic=lambda: now[0])
    conn.record_failure("rate_limit", str(err), err.retry_after)
    assert conn.next_delay() == MAX_RETRY_AFTER
    now[0] += 60
    assert conn.retry_label() == ("retrying in 4 min (the provider's wait, cut to 5 min; r: now)")
    conn.record_failure("rate_limit", "x", 10.0)
    assert conn.retry_label() == "retrying in 10 s (the provider's wait; r: now)"


def test_header_numbers_are_ascii_digits_only():
    assert header_number("42") == 42
    for bad in ("\u00b2", "\u0661", "+5", "-5", " 5", "1_0", "9" * 13, "", None):
        assert header_number(bad) is None, bad
