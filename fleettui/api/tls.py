"""The certificate store every client of this process verifies against, loaded once.

`httpx.Client(verify=True)` builds a new `ssl.SSLContext` and loads the whole CA bundle
into it: 20-80 ms per client, and the monitor makes two at start (a reader and a
writer), a third for the data checks, one per account switch. The context is the same
each time (httpx's own `create_ssl_context`, with or without the environment's
SSL_CERT_FILE / SSL_CERT_DIR), and an `SSLContext` may be shared by clients and threads,
so each one is built once and handed to every client that would have built it.

A client whose base URL is plain http (the local simulator: `check_base_url` allows
plain http on loopback only) makes no TLS connection, so it loads no bundle (30 ms of a
`fleettui list` against the simulator): it gets a context that trusts no certificate,
with verification on, so a TLS connection it made anyway would fail its handshake,
never go unverified.
"""

from __future__ import annotations

import os
import ssl
import threading
from collections.abc import Callable
from urllib.parse import urlsplit

import httpx

_contexts: dict[tuple[object, ...], ssl.SSLContext] = {}
_lock = threading.Lock()
_NOTHING: tuple[object, ...] = ("trusting nothing",)


def tls_context(trust_env: bool) -> ssl.SSLContext:
    """What `httpx.Client(verify=True, trust_env=trust_env)` would verify with."""
    key: tuple[object, ...] = (
        (True, os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))
        if trust_env
        else (False,)
    )
    return _once(key, lambda: httpx.create_ssl_context(trust_env=trust_env))


def context_for(base_url: str, trust_env: bool) -> ssl.SSLContext:
    """The context a client of `base_url` verifies with: the CA bundle's for https
    (`tls_context`), one that trusts nothing for plain http (`trusting_nothing`)."""
    if urlsplit(base_url).scheme.lower() == "http":
        return trusting_nothing()
    return tls_context(trust_env)


def trusting_nothing() -> ssl.SSLContext:
    """A client context with certificate and host-name verification on and no CA in its
    store: every server certificate fails to verify, so no TLS connection completes."""
    return _once(_NOTHING, _no_ca)


def _no_ca() -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # loads no CA by itself
    context.verify_mode = ssl.CERT_REQUIRED  # (its defaults, said here)
    context.check_hostname = True
    return context


def _once(key: tuple[object, ...], build: Callable[[], ssl.SSLContext]) -> ssl.SSLContext:
    """The context kept under `key`, built by the first thread to ask; another asking
    meanwhile waits for that one."""
    with _lock:
        context = _contexts.get(key)
        if context is None:
            context = _contexts[key] = build()
    return context
