"""The CA bundle is loaded once per process (fleettui.api.tls), and the context every
client shares still verifies certificates and host names as httpx's own would; a client
of a plain http base URL loads none and completes no TLS handshake."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import certifi
import httpx
import pytest

from fleettui.api.auth import Credentials
from fleettui.api.client import FleetClient
from fleettui.api.network_errors import NetworkError
from fleettui.api.tls import context_for, tls_context, trusting_nothing
from tests.support.mock_provider import SECRET


def test_one_context_verifying_as_httpx_would(monkeypatch) -> None:
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    context = tls_context(True)
    assert tls_context(True) is context  # loaded once, shared by every client
    assert context.verify_mode is ssl.CERT_REQUIRED and context.check_hostname
    assert context.cert_store_stats()["x509_ca"] > 0  # the bundle is in it
    assert tls_context(False) is not context  # no environment for the local simulator


def test_the_environment_s_bundle_is_its_own_context(monkeypatch) -> None:
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    monkeypatch.setenv("SSL_CERT_FILE", certifi.where())
    named = tls_context(True)
    monkeypatch.delenv("SSL_CERT_FILE")
    assert tls_context(True) is not named
    assert tls_context(False).verify_mode is ssl.CERT_REQUIRED


# -- a plain http base URL (the local simulator): no bundle, and no TLS either ----------


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory) -> Iterator[tuple[int, str]]:
    """An https server on loopback with a self-signed certificate for 127.0.0.1:
    (its port, the certificate's file, which a context can be told to trust)."""
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make a certificate")
    where = tmp_path_factory.mktemp("tls")
    cert, key = where / "cert.pem", where / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    serving = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    serving.load_cert_chain(cert, key)

    class Answer(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args: object) -> None:  # quiet: pytest's output only
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Answer)
    server.socket = serving.wrap_socket(server.socket, server_side=True)
    server.handle_error = lambda *args: None  # type: ignore[method-assign] # refused handshakes
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], str(cert)
    finally:
        server.shutdown()
        server.server_close()


def test_a_plain_http_client_loads_no_bundle(monkeypatch) -> None:
    def no_bundle(*args: object, **kwargs: object) -> ssl.SSLContext:
        raise AssertionError("a CA bundle was loaded for a plain http base URL")

    monkeypatch.setattr(httpx, "create_ssl_context", no_bundle)
    with FleetClient(Credentials("http://127.0.0.1:9", "cid", SECRET)) as client:
        context = client._http._transport._pool._ssl_context  # what a TLS connection would use
    assert context is trusting_nothing() is context_for("http://localhost:8000", False)
    assert context.verify_mode is ssl.CERT_REQUIRED and context.check_hostname
    assert context.cert_store_stats()["x509_ca"] == 0


def test_an_https_base_url_keeps_the_bundle_and_the_environment_s_rules(monkeypatch) -> None:
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    assert context_for("https://api.example.test", True) is tls_context(True)
    assert context_for("https://127.0.0.1:8443", False) is tls_context(False)
    monkeypatch.setenv("SSL_CERT_FILE", certifi.where())
    assert context_for("https://api.example.test", True) is tls_context(True)
    assert context_for("https://api.example.test", True) is not tls_context(False)
    with FleetClient(Credentials("https://api.example.test", "cid", SECRET)) as client:
        assert client._http._transport._pool._ssl_context is tls_context(True)


def test_a_plain_http_client_refuses_every_tls_connection(tls_server) -> None:
    port, cert = tls_server
    url = f"https://127.0.0.1:{port}/v1/fleets/vehicles"
    trusting = ssl.create_default_context(cafile=cert)
    with httpx.Client(verify=trusting) as control:  # the server is fine for whoever trusts it
        assert control.get(url).json() == {}
    local = FleetClient(Credentials("http://127.0.0.1:9", "cid", SECRET))
    with local, pytest.raises(NetworkError) as info:  # (an absolute URL: httpx goes there)
        local.calls.exchange("GET", url, write=False, auth=False)
    assert info.value.kind == "tls"
    raw = socket.create_connection(("127.0.0.1", port), timeout=30)
    with raw, pytest.raises(ssl.SSLCertVerificationError):  # refused for want of trust
        trusting_nothing().wrap_socket(raw, server_hostname="127.0.0.1")
