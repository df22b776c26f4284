"""`fleettui serve` refuses everyone without the token, over plain HTTP and WebSocket.

A real server process on --port 0; requests from aiohttp's client (no browser needed).
"""

from __future__ import annotations

import pytest

from tests.support.web import CANARY, serving

aiohttp = pytest.importorskip("aiohttp")

pytestmark = pytest.mark.asyncio


def _client() -> aiohttp.ClientSession:
    """A client that keeps cookies for 127.0.0.1 (aiohttp's jar skips IP hosts by default)."""
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))


async def _get(url: str, **kw) -> tuple[int, dict, str]:
    async with _client() as http, http.get(url, allow_redirects=False, **kw) as r:
        return r.status, dict(r.headers), await r.text()


async def _login(http: aiohttp.ClientSession, served) -> str:
    async with http.get(served.url, allow_redirects=False) as r:
        assert r.status == 200
        return r.cookies[f"fleettui_session_{served.port}"].value


async def test_page_and_files_refused_without_the_token(served):
    for path in ("/", "/static/js/textual.js", "/static/css/xterm.css", "/download/abc", "/ws"):
        status, headers, body = await _get(served.base + path)
        assert status == 401, path
        assert "fleettui serve" in body  # says what to do
        assert headers["Cache-Control"] == "no-store"


async def test_wrong_token_is_refused_and_nothing_served(served):
    status, headers, body = await _get(served.base + "/?token=" + "x" * len(served.token))
    assert status == 403
    assert "set-cookie" not in {k.lower() for k in headers}
    assert "textual.js" not in body
    # A near miss (the right token but one character) is no better.
    status, _, _ = await _get(served.base + "/?token=" + served.token[:-1])
    assert status == 403


async def test_the_token_moves_into_a_strict_httponly_cookie(served):
    status, headers, body = await _get(served.url)
    assert status == 200
    cookie = headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    assert served.token not in cookie  # the cookie is its own random value
    assert "url=/'" in body and 'location.replace("/")' in body  # on to the token-less address
    assert served.token not in body


async def test_with_the_cookie_the_page_and_its_files_are_served(served):
    async with _client() as http:
        await _login(http, served)
        async with http.get(served.base + "/") as r:
            page = await r.text()
            assert r.status == 200
            assert "textual.js" in page
            assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"]
            assert r.headers["X-Frame-Options"] == "DENY"
        async with http.get(served.base + "/static/js/textual.js") as r:
            assert r.status == 200
        async with http.get(served.base + "/static/js/") as r:
            assert r.status != 200  # no directory listing
        async with http.get(served.base + "/download/no-such-key") as r:
            assert r.status == 404
    assert CANARY not in page and served.token not in page


async def test_a_forged_cookie_is_refused(served):
    status, _, _ = await _get(
        served.base + "/", cookies={f"fleettui_session_{served.port}": served.token}
    )
    assert status == 403


async def test_the_token_is_only_accepted_on_the_page_itself(served):
    status, _, _ = await _get(served.base + "/static/js/textual.js?token=" + served.token)
    assert status == 403


async def test_a_foreign_host_header_is_refused(served):
    """DNS rebinding: evil.example resolving to 127.0.0.1 sends Host: evil.example."""
    status, _, _ = await _get(served.url, headers={"Host": f"evil.example:{served.port}"})
    assert status == 403


@pytest.mark.parametrize(
    "origin", [None, "http://evil.example", "http://127.0.0.1:1", "null", "https://127.0.0.1"]
)
async def test_websocket_from_another_origin_is_refused(served, origin):
    async with _client() as http:
        await _login(http, served)
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await http.ws_connect(served.base.replace("http", "ws") + "/ws", origin=origin)
        assert refused.value.status == 403
    served.stop()
    assert "A WebSocket from another site is not accepted" in served.stderr()


async def test_websocket_without_the_cookie_is_refused_even_from_the_right_origin(served):
    async with _client() as http:
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await http.ws_connect(served.base.replace("http", "ws") + "/ws", origin=served.base)
        assert refused.value.status == 401


async def test_the_token_is_printed_once_and_never_logged(served):
    async with _client() as http:
        await http.get(served.base + "/?token=wrong&x=" + served.token[:10])
        await _login(http, served)
        await http.get(served.url)  # once more: still not in any log line
    assert served.stop() == 0
    assert served.stdout_first.count(served.token) == 1
    assert served.token not in served.stdout_rest
    log = served.stderr()
    assert "refused" in log  # refusals are logged...
    assert served.token not in log  # ...without the token


async def test_verbose_access_log_has_no_query_strings(tmp_path, isolated_dirs):
    with serving(tmp_path, isolated_dirs, "--demo", "--verbose") as served:
        async with _client() as http:
            await _login(http, served)
            await http.get(served.base + "/?fontsize=20")
        served.stop()
        log = served.stderr()
    assert "GET / 200" in log
    assert "token=" not in log and "fontsize" not in log
