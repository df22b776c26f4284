"""FleetClient below the simulator: real sockets that refuse or never answer, transport
failures the simulator cannot produce (DNS, TLS), persistent 401s, request headers, TLS
settings, and a sweep proving no secret or token leaks through any error or repr."""

from __future__ import annotations

import inspect
import json
import socket
import ssl
import threading
from collections.abc import Iterator

import httpx
import pytest

from fleettui import __version__
from fleettui.api.auth import AccessToken, Credentials, TokenCache, environment_base_url
from fleettui.api.client import FleetClient, NewVehicle
from fleettui.api.errors import ApiError, BadResponse, CredentialsRejected
from fleettui.api.network_errors import NetworkError
from tests.support.mock_provider import SECRET, TOKEN, Fake, Sleeps, client_for

VIN = "WBA12345678901234"


def all_exceptions(e: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    stack = [e]
    while stack:
        cur = stack.pop()
        if cur is None or id(cur) in seen:
            continue
        seen.add(id(cur))
        yield cur
        stack += [cur.__cause__, cur.__context__]


def assert_clean(e: BaseException) -> None:
    for exc in all_exceptions(e):
        assert not isinstance(exc, httpx.HTTPError), "raw httpx error (holds the request) chained"
        for text in (str(exc), repr(exc), repr(exc.args), repr(vars(exc))):
            assert SECRET not in text and TOKEN not in text


# -- real sockets ------------------------------------------------------------------


def test_connection_refused_on_a_closed_port_is_not_retried():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    sleeps = Sleeps()
    with (
        FleetClient(Credentials(f"http://127.0.0.1:{port}", "cid", SECRET), sleep=sleeps) as c,
        pytest.raises(NetworkError) as info,
    ):
        c.list_vehicles()
    assert info.value.kind == "refused" and sleeps == []
    assert "Check the base URL" in str(info.value) and "127.0.0.1" in str(info.value)
    assert_clean(info.value)


@pytest.fixture
def silent_server() -> Iterator[tuple[str, list]]:
    """Accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.05)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def loop():
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    t = threading.Thread(target=loop, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}", accepted
    stop.set()
    t.join(1)
    for s in accepted:
        s.close()
    server.close()


def test_timeout_on_a_server_that_never_answers_is_retried_then_reported(silent_server):
    url, accepted = silent_server
    sleeps = Sleeps()
    with (
        FleetClient(
            Credentials(url, "cid", SECRET), timeout=0.15, max_retries=1, sleep=sleeps
        ) as c,
        pytest.raises(NetworkError) as info,
    ):
        c.list_vehicles()
    assert info.value.kind == "timeout" and not info.value.maybe_sent
    for _ in range(50):  # the accept loop may lag behind the kernel's backlog
        if len(accepted) >= 2:
            break
        threading.Event().wait(0.02)
    assert len(accepted) == 2 and len(sleeps) == 1
    assert_clean(info.value)


# -- failures the simulator cannot produce -----------------------------------------


def raising(exc_factory):
    def fleet(request):
        raise exc_factory(request)

    return fleet


def connect_error(cause: BaseException):
    def make(request):
        try:
            raise cause
        except BaseException as inner:
            raise httpx.ConnectError("connect failed", request=request) from inner

    return make


@pytest.mark.parametrize(
    "cause, kind",
    [
        (socket.gaierror(-2, "Name or service not known"), "dns"),
        (ssl.SSLCertVerificationError(1, "certificate verify failed"), "tls"),
        (ConnectionRefusedError(111, "Connection refused"), "refused"),
        (OSError(101, "Network is unreachable"), "other"),
    ],
)
def test_connect_failures_are_classified(cause, kind):
    fake = Fake(lambda r: connect_error(cause)(r))
    with client_for(fake) as c, pytest.raises(NetworkError) as info:
        c.delete_vehicle(VIN)
    assert info.value.kind == kind and not info.value.maybe_sent
    assert_clean(info.value)


def test_read_error_on_write_may_have_been_sent():
    fake = Fake(raising(lambda r: httpx.ReadError("reset", request=r)))
    with client_for(fake) as c, pytest.raises(NetworkError) as info:
        c.create_vehicles([NewVehicle(VIN, "bmw")])
    assert info.value.kind == "dropped" and info.value.maybe_sent
    assert fake.count("/v1/fleets") == 1
    assert_clean(info.value)


def test_persistent_401_reauths_once_then_credentials_rejected():
    fake = Fake(
        lambda r: httpx.Response(
            401,
            json={
                "errors": [
                    {
                        "source": "Authorization",
                        "detail": "Missing or invalid authorization header.",
                    }
                ]
            },
        )
    )
    with client_for(fake) as c, pytest.raises(CredentialsRejected) as info:
        c.list_vehicles()
    assert fake.count("/v1/fleets") == 2 and fake.count("/v1/access_tokens") == 2
    assert "Missing or invalid authorization header" in str(info.value)
    assert_clean(info.value)


def test_one_401_then_success_is_invisible_to_the_caller():
    answers = iter(
        [httpx.Response(401), httpx.Response(200, json={"vin": VIN, "status": "revoking"})]
    )
    fake = Fake(lambda r: next(answers))
    with client_for(fake) as c:
        assert c.delete_vehicle(VIN).status == "revoking"
    assert fake.count("/v1/fleets") == 2


def test_token_endpoint_5xx_is_retried_and_a_bad_token_answer_is_bad_response():
    answers = iter([httpx.Response(503), httpx.Response(200, json={"no": "token"})])
    fake = Fake(lambda r: httpx.Response(200, json=[]), token_answer=lambda r: next(answers))
    with client_for(fake) as c, pytest.raises(BadResponse, match="no access_token"):
        c.list_vehicles()
    assert fake.count("/v1/access_tokens") == 2 and fake.count("/v1/fleets") == 0


# -- requests as sent ----------------------------------------------------------------


def test_headers_path_quoting_and_body_of_each_call():
    def fleet(request):
        if request.method == "POST":
            return httpx.Response(
                200,
                json={
                    "vehicles": [{"vin": VIN, "status": "pending"}, "junk", {"status": "pending"}]
                },
            )
        if request.url.path.endswith("/vehicles"):
            return httpx.Response(
                200, json=[{"vin": VIN, "status": "approved"}, 3, {"x": 1}, {"vin": ""}]
            )
        return httpx.Response(200, json={"vin": VIN, "status": "approved"})

    fake = Fake(fleet)
    with client_for(fake) as c:
        assert [v.vin for v in c.list_vehicles()] == [VIN] and c.last_skipped == 3
        c.get_vehicle("A/B?C")
        results = c.create_vehicles(
            [NewVehicle(f" {VIN} ", " BMW ", {"n": 1}), NewVehicle("X" * 17, "bmw")]
        )
    token_req, list_req, get_req, post_req = fake.requests
    assert json.loads(token_req.content)["grant_type"] == "client_credentials"
    for r in fake.requests:
        assert r.headers["user-agent"] == f"fleettui/{__version__}"
    assert list_req.headers["authorization"] == f"Bearer {TOKEN}"
    assert "authorization" not in token_req.headers
    assert get_req.url.raw_path == b"/v1/fleets/vehicles/A%2FB%3FC"
    assert json.loads(post_req.content) == {
        "vehicles": [
            {"vin": VIN, "brand": "bmw", "tags": {"n": "1"}},
            {"vin": "X" * 17, "brand": "bmw", "tags": {}},
        ]
    }
    assert [(r.vin, r.ok, r.status) for r in results] == [
        (VIN, True, "pending"),
        ("X" * 17, False, "unknown"),
    ]
    assert "refresh" in results[1].description


def test_tls_verification_is_always_on_and_plain_http_only_on_loopback():
    assert "verify" not in inspect.signature(FleetClient).parameters
    with FleetClient(Credentials("https://api.example.test", "cid", SECRET)) as c:
        pool = c._http._transport._pool
        assert pool._ssl_context.verify_mode == ssl.CERT_REQUIRED
        assert pool._ssl_context.check_hostname
    with pytest.raises(ValueError, match="plain http"):
        FleetClient(Credentials("http://api.example.test", "cid", SECRET))
    with pytest.raises(ValueError):
        FleetClient(Credentials("ftp://api.example.test", "cid", SECRET))
    with pytest.raises(ValueError):
        FleetClient(Credentials("https://user:pw@api.example.test", "cid", SECRET))
    FleetClient(Credentials("http://localhost:8080/", "cid", SECRET)).close()


def test_environment_base_urls():
    assert environment_base_url("production") == "https://api.high-mobility.com"
    assert environment_base_url(" Sandbox ") == "https://sandbox.api.high-mobility.com"
    with pytest.raises(ValueError, match="production"):
        environment_base_url("staging")


# -- secret hygiene ------------------------------------------------------------------


def test_reprs_never_show_the_secret_or_token():
    creds = Credentials("https://api.example.test", "cid", SECRET)
    token = AccessToken(TOKEN, 300.0, scope="fleet:clearance")
    cache = TokenCache(lambda: token)
    cache.get()
    with FleetClient(creds) as c:
        for text in (
            repr(creds),
            str(creds),
            repr(token),
            str(token),
            repr(cache),
            repr(c),
            f"{creds}",
            f"{token!r}",
        ):
            assert SECRET not in text and TOKEN not in text
    assert "****" in repr(creds) and "cid" in repr(creds)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422, 429, 500])
def test_no_error_carries_secret_or_token_even_if_the_provider_echoes_them(status):
    echo = {"errors": [{"title": "x", "detail": f"token {TOKEN} secret {SECRET}"}]}
    fake = Fake(lambda r: httpx.Response(status, json=echo))
    with client_for(fake, max_retries=0) as c, pytest.raises(ApiError) as info:
        c.delete_vehicle(VIN)
    # The provider's words are kept verbatim except the credentials themselves.
    assert_clean(info.value)
    assert "****" in str(info.value)
    token_fail = Fake(
        lambda r: httpx.Response(200),
        token_answer=lambda r: httpx.Response(
            status, json={"error": "invalid_client", "error_description": f"bad {SECRET}"}
        ),
    )
    with client_for(token_fail, max_retries=0) as c, pytest.raises(ApiError) as info2:
        c.list_vehicles()
    assert_clean(info2.value)


def test_other_transport_failures_keep_httpx_words_but_mask_proxy_credentials():
    fake = Fake(raising(lambda r: httpx.ProxyError("proxy http://bob:hunter2@proxy:3128 refused")))
    with client_for(fake) as c, pytest.raises(NetworkError) as info:
        c.list_vehicles()
    assert info.value.kind == "other" and "hunter2" not in str(info.value)
    assert "http://****@proxy:3128" in str(info.value)
    assert_clean(info.value)


def test_429_without_retry_after_falls_back_to_backoff():
    answers = iter(
        [httpx.Response(429), httpx.Response(429, text="slow down"), httpx.Response(200, json=[])]
    )
    sleeps = Sleeps()
    with client_for(Fake(lambda r: next(answers)), sleep=sleeps, backoff_base=1.0) as c:
        assert c.list_vehicles() == []
    assert len(sleeps) == 2 and 0.5 <= sleeps[0] <= 1.0 and 1.0 <= sleeps[1] <= 2.0


def test_token_cache_renewal_margin_and_invalidate_only_the_stale_token():
    now = [0.0]
    issued: list[AccessToken] = []

    def fetch():
        issued.append(AccessToken(f"tok{len(issued)}", 30.0))
        return issued[-1]

    cache = TokenCache(fetch, clock=lambda: now[0])
    first = cache.get()
    now[0] = 23.9  # short-lived token: renewed 20% (6 s) before expiry, not 60 s
    assert cache.get() is first
    now[0] = 24.0
    second = cache.get()
    assert second is not first
    cache.invalidate(first)  # a stale 401 from another thread must not drop the new token
    assert cache.get() is second and cache.fetches == 2
    cache.invalidate(second)
    assert cache.get().value == "tok2" and cache.fetches == 3


def test_token_answer_is_read_tolerantly():
    from fleettui.api.auth import parse_token

    t = parse_token({"access_token": " abc ", "expires_in": "120", "scope": "fleet:clearance x"})
    assert (t.value, t.expires_in, t.scopes) == ("abc", 120.0, ("fleet:clearance", "x"))
    assert parse_token({"access_token": "a", "expires_in": -5}).expires_in == 300
    assert parse_token({"access_token": "a", "expires_in": True}).expires_in == 300
    assert not parse_token({"access_token": "a", "scope": 3}).has_fleet_scope
    for bad in ([], {"access_token": ""}, {"expires_in": 3}):
        with pytest.raises(BadResponse):
            parse_token(bad)


def test_base_url_normalised_and_redirects_not_followed():
    from fleettui.api.auth import check_base_url

    assert check_base_url("https://api.high-mobility.com/v1/") == "https://api.high-mobility.com"
    assert check_base_url(" https://api.high-mobility.com/ ") == "https://api.high-mobility.com"
    assert check_base_url("http://[::1]:8080") == "http://[::1]:8080"
    fake = Fake(lambda r: httpx.Response(301, headers={"Location": "https://elsewhere.test/"}))
    with client_for(fake) as c, pytest.raises(ApiError, match="redirect") as info:
        c.list_vehicles()
    assert info.value.status == 301 and fake.count("/v1/fleets") == 1
    assert_clean(info.value)


def test_loopback_bypasses_environment_proxies(monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.invalid:3128")
    with FleetClient(Credentials("http://127.0.0.1:9", "cid", SECRET)) as local:
        assert not local._http.trust_env
    with FleetClient(Credentials("https://api.example.test", "cid", SECRET)) as remote:
        assert remote._http.trust_env


def test_unreadable_answers_do_not_carry_the_body_as_exception_context():
    body = f'{{"echo": "{TOKEN}", "cut'.encode()
    fake = Fake(lambda r: httpx.Response(200, content=body))
    with client_for(fake) as c:
        for call in (c.list_vehicles, lambda: c.get_vehicle(VIN), lambda: c.delete_vehicle(VIN)):
            with pytest.raises(BadResponse) as info:
                call()
            assert info.value.__context__ is None
            assert_clean(info.value)
