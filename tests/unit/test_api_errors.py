"""Error bodies in every shape the provider may send, and the typed errors made from them.

Shapes the simulator may never produce (bare list, OAuth shape, empty, HTML, truncated
JSON) go through the real client over an httpx.MockTransport.
"""

from __future__ import annotations

import json
import subprocess
import sys

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fleettui.api.auth import Credentials
from fleettui.api.client import FleetClient, NewVehicle
from fleettui.api.error_body import clean_text, parse_error_body
from fleettui.api.errors import (
    ApiError,
    BadResponse,
    Conflict,
    CredentialsRejected,
    Forbidden,
    NotFound,
    RateLimited,
    ServerError,
    Unauthorized,
    Unprocessable,
    error_category,
    error_from_response,
)
from fleettui.api.network_errors import NetworkError
from fleettui.api.retry_after import parse_retry_after

VIN = "WBA12345678901234"
SECRET = "s3cr3t-client-secret-value"
TOKEN = "eyJ-very-secret-token"


def envelope(title=None, detail=None, source=None) -> bytes:
    item = {k: v for k, v in (("title", title), ("detail", detail), ("source", source)) if v}
    return json.dumps({"errors": [item]}).encode()


# -- body parsing ------------------------------------------------------------------


def test_fleet_errors_envelope():
    body = parse_error_body(envelope("Conflict", "Clearance is already removed", "vin"))
    assert (body.title, body.detail, body.source) == (
        "Conflict",
        "Clearance is already removed",
        "vin",
    )


def test_envelope_without_title_and_several_errors():
    raw = json.dumps(
        {
            "errors": [
                {"source": "Authorization", "detail": "Missing or invalid authorization header."},
                {"detail": "second problem"},
                {"detail": "second problem"},
                "junk",
            ]
        }
    )
    body = parse_error_body(raw.encode())
    assert body.title is None
    assert body.source == "Authorization"
    assert body.detail == "Missing or invalid authorization header.; second problem"


def test_bare_list_oauth_single_object_and_odd_shapes():
    assert parse_error_body(b'[{"title": "too early", "detail": "d"}]').title == "too early"
    oauth = parse_error_body(
        b'{"error": "invalid_request", "error_description": "client_secret is invalid"}'
    )
    assert (oauth.title, oauth.detail) == ("invalid_request", "client_secret is invalid")
    assert parse_error_body(b'{"title": "x", "detail": "y"}').detail == "y"
    assert parse_error_body(b'{"message": "gateway"}').detail == "gateway"
    assert parse_error_body(b'"just a string"').detail == "just a string"
    assert parse_error_body(b'{"errors": []}') == parse_error_body(b"")
    assert parse_error_body(None).detail is None


def test_non_json_bodies():
    assert (
        parse_error_body(b"<html><title>502 Bad Gateway</title></html>").detail == "502 Bad Gateway"
    )
    assert parse_error_body(b"<html>no title</html>").detail is None
    assert parse_error_body(b"upstream connect error").detail == "upstream connect error"
    assert parse_error_body(b'{"errors": [{"title": "Conf').detail == '{"errors": [{"title": "Conf'
    assert parse_error_body(b"\xff\xfe\x00bad").detail == "\ufffd\ufffdbad"


def test_clean_text_strips_control_and_bidi_characters_and_shortens():
    # Escape sequences go whole (no "[31m" left behind), bidi controls vanish.
    assert clean_text("a\x1b[31mred\x1b[0m\nline\u202e") == "ared line"
    assert clean_text("   ") is None
    long = clean_text("x" * 1000)
    assert len(long) == 240 and long.endswith("…")
    assert clean_text({"pointer": "/vin"}) == '{"pointer": "/vin"}'


@pytest.mark.parametrize(
    "detail, header, expected",
    [
        ("retry after 10s", None, 10.0),
        ("Retry after 3 seconds", None, 3.0),
        ("retry after 2m", None, 120.0),
        ("retry after 1.5 minutes", None, 90.0),
        ("retry after 250ms", None, 0.25),
        ("retry after 7", None, 7.0),
        ("slow down", None, None),
        (None, "12", 12.0),
        ("retry after 10s", "4", 4.0),
        ("retry after 10s", "Wed, 21 Oct 2015 07:28:00 GMT", 10.0),
    ],
)
def test_retry_after(detail, header, expected):
    assert parse_retry_after(detail, header) == expected


# -- typed errors and their one line ---------------------------------------------


def test_forbidden_line():
    e = error_from_response(
        403, envelope("Forbidden", "This service account is not associated with a fleet.")
    )
    assert isinstance(e, Forbidden)
    assert str(e) == (
        "This client has no fleet access (403 Forbidden: This service account is "
        "not associated with a fleet.). Ask High Mobility to link the app to your fleet."
    )
    assert error_category(e) == "auth"


def test_not_found_and_status_phrase_when_no_title():
    e = error_from_response(404, b"")
    assert isinstance(e, NotFound)
    assert str(e).startswith("No clearance for this VIN in the fleet (404 Not Found).")
    assert e.title is None and e.detail is None and error_category(e) == "client"


@pytest.mark.parametrize(
    "detail, kind, words",
    [
        ("Clearance is already removed", "removed", "already removed"),
        ("Clearance is in transition mode", "transition", "being revoked or cancelled"),
        ("something else", "other", "cannot be changed now"),
    ],
)
def test_conflict_kinds(detail, kind, words):
    e = error_from_response(409, envelope("Conflict", detail, "vin"))
    assert isinstance(e, Conflict) and e.kind == kind
    assert words in str(e) and detail in str(e) and e.source == "vin"


def test_unprocessable_kinds():
    ns = error_from_response(
        422, envelope("not supported", "cancellation is not supported for this vin")
    )
    assert isinstance(ns, Unprocessable) and ns.kind == "not_supported"
    assert "does not support cancelling" in str(ns)
    early = error_from_response(
        422,
        envelope(
            "too early",
            "the pending status could only be canceled after 1 day it's created",
            "status",
        ),
    )
    assert early.kind == "too_early"
    assert "wait until 1 day after it was added" in str(early)
    invalid = error_from_response(422, envelope("Unprocessable Entity", "app not configured"))
    assert invalid.kind == "invalid" and "configured" in str(invalid)
    assert error_from_response(400, b"").kind == "invalid"


def test_rate_limited_parses_detail():
    e = error_from_response(429, envelope("Too many requests", "retry after 10s"))
    assert isinstance(e, RateLimited) and e.retry_after == 10
    assert "Wait 10s" in str(e) and error_category(e) == "rate_limit"
    assert error_from_response(429, b"").retry_after is None
    assert error_from_response(429, b"", retry_after_header="5").retry_after == 5


def test_server_error_and_other_statuses():
    e = error_from_response(503, b"<html><title>Service Unavailable</title></html>")
    assert isinstance(e, ServerError) and error_category(e) == "server"
    assert "(503 Service Unavailable: Service Unavailable)" in str(e)
    other = error_from_response(418, b"")
    assert type(other) is ApiError and "418" in str(other)
    assert isinstance(error_from_response(401, b""), Unauthorized)


def test_network_error_lines():
    e = NetworkError("refused", host="127.0.0.1")
    assert str(e) == (
        "The connection to 127.0.0.1 was refused. Check the base URL and that "
        "the service is running."
    )
    assert str(NetworkError("timeout")).startswith("The server did not answer in time.")
    w = NetworkError("dropped", maybe_sent=True)
    assert "may or may not have reached High Mobility" in str(w) and "refresh" in str(w)
    assert NetworkError("weird").kind == "other"
    assert error_category(w) == "network"
    assert error_category(ValueError("x")) == "client"


def test_every_error_line_is_one_line_even_with_hostile_provider_text():
    nasty = envelope("Forbidden\n\x1b[2J", "line1\nline2\r\x07" + "y" * 500)
    for status in (400, 401, 403, 404, 409, 422, 429, 500, 502):
        e = error_from_response(status, nasty)
        assert "\n" not in str(e) and "\x1b" not in str(e) and "\r" not in str(e)
        assert len(str(e)) < 700


# -- through the client (MockTransport) -------------------------------------------


def client_with(error_status: int, body: bytes, headers=None) -> tuple[FleetClient, list]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == "/v1/access_tokens":
            return httpx.Response(200, json={"access_token": TOKEN, "expires_in": 300})
        return httpx.Response(error_status, content=body, headers=headers or {})

    client = FleetClient(
        Credentials("https://api.example.test", "cid", SECRET),
        transport=httpx.MockTransport(handler),
        max_retries=0,
    )
    return client, seen


@pytest.mark.parametrize(
    "status, body, cls",
    [
        (403, b'[{"title": "Forbidden", "detail": "no fleet"}]', Forbidden),
        (
            409,
            b'{"error": "conflict", "error_description": "Clearance is in transition mode"}',
            Conflict,
        ),
        (404, b"", NotFound),
        (500, b"<html>Internal</html>", ServerError),
        (422, b'{"errors": [{"title": "too ea', Unprocessable),
        (429, b"retry after 3s", RateLimited),
    ],
)
def test_client_raises_typed_errors_for_each_shape(status, body, cls):
    client, _ = client_with(status, body)
    with client, pytest.raises(cls) as info:
        client.delete_vehicle(VIN)
    assert info.value.status == status
    assert SECRET not in str(info.value) and TOKEN not in str(info.value)


@pytest.mark.parametrize(
    "body, why",
    [
        (b"", "not valid JSON"),
        (b"<html>maintenance</html>", "not valid JSON"),
        (b'[{"vin": "WBA1', "not valid JSON"),
        (b'{"vehicles": []}', "not a JSON array"),
        (b'"pending"', "not a JSON array"),
    ],
)
def test_list_with_unexpected_200_body_is_bad_response(body, why):
    client, _ = client_with(200, body)
    with client, pytest.raises(BadResponse, match=why) as info:
        client.list_vehicles()
    assert error_category(info.value) == "server"


def test_get_and_write_with_unreadable_200_say_whether_the_write_may_have_happened():
    client, _ = client_with(200, b'{"status": "revoking"}')
    with client:
        with pytest.raises(BadResponse) as read:
            client.get_vehicle(VIN)
        assert "may have been carried out" not in str(read.value)
        with pytest.raises(BadResponse) as write:
            client.delete_vehicle(VIN)
        assert "may have been carried out" in str(write.value)
        with pytest.raises(BadResponse, match="no list of vehicles"):
            client.create_vehicles([NewVehicle(VIN, "bmw")])


def test_token_endpoint_oauth_400_becomes_credentials_rejected_without_the_secret():
    def handler(request):
        sent = json.loads(request.content)
        assert sent == {
            "grant_type": "client_credentials",
            "client_id": "cid",
            "client_secret": SECRET,
        }
        return httpx.Response(
            400,
            json={
                "error": "invalid_request",
                "error_description": f"client_secret {SECRET} is invalid",
            },
        )

    client = FleetClient(
        Credentials("https://api.example.test", "cid", SECRET),
        transport=httpx.MockTransport(handler),
    )
    with client, pytest.raises(CredentialsRejected) as info:
        client.list_vehicles()
    e = info.value
    assert e.status == 400 and e.title == "invalid_request"
    assert "client_secret **** is invalid" in str(e)
    for text in (str(e), repr(e), str(e.args), e.detail):
        assert SECRET not in text
    assert e.__cause__ is None and not isinstance(e.__context__, httpx.HTTPError)


# -- property-based: any body, any status ----------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "errors",
                    "title",
                    "detail",
                    "source",
                    "error",
                    "error_description",
                    "message",
                    "x",
                ]
            )
            | st.text(max_size=5),
            inner,
            max_size=4,
        )
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(
    status=st.integers(400, 599),
    body=st.binary(max_size=300) | json_values.map(lambda v: json.dumps(v).encode()),
)
def test_any_error_body_gives_a_typed_one_line_error(status, body):
    e = error_from_response(status, body, redact=("s3cr3t",))
    assert isinstance(e, ApiError) and e.status == status
    line = str(e)
    assert line and "\n" not in line and "\r" not in line and "\x1b" not in line
    assert "s3cr3t" not in line
    assert error_category(e) in ("auth", "network", "rate_limit", "server", "client")


def test_an_http_date_is_read_by_a_parser_loaded_for_it():
    """email.utils is loaded by the first Retry-After date, not with the errors module
    (which `fleettui list --help` loads without httpx, whose http.client loads it)."""
    probe = (
        "import sys\n"
        "from fleettui.api.retry_after import parse_retry_after\n"
        "print('email.utils' in sys.modules)\n"
        "from datetime import UTC, datetime, timedelta\n"
        "from email.utils import format_datetime\n"
        "when = format_datetime(datetime.now(UTC) + timedelta(seconds=120), usegmt=True)\n"
        "print(parse_retry_after('retry after 10s', when))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    loaded, seconds = done.stdout.split()
    assert loaded == "False"
    assert 60 < float(seconds) <= 120  # the date's wait, not the detail's 10 s
