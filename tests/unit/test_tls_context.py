"""The CA bundle is loaded once per process (fleettui.api.tls), and the context every
client shares still verifies certificates and host names as httpx's own would."""

from __future__ import annotations

import ssl

import certifi

from fleettui.api.tls import tls_context


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
