"""The certificate store every client of this process verifies against, loaded once.

`httpx.Client(verify=True)` builds a new `ssl.SSLContext` and loads the whole CA bundle
into it: 20-80 ms per client, and the monitor makes two at start (a reader and a
writer), a third for the data checks, one per account switch. The context is the same
each time (httpx's own `create_ssl_context`, with or without the environment's
SSL_CERT_FILE / SSL_CERT_DIR), and an `SSLContext` may be shared by clients and threads,
so each one is built once and handed to every client that would have built it.
"""

from __future__ import annotations

import os
import ssl
import threading

import httpx

_contexts: dict[tuple[object, ...], ssl.SSLContext] = {}
_lock = threading.Lock()


def tls_context(trust_env: bool) -> ssl.SSLContext:
    """What `httpx.Client(verify=True, trust_env=trust_env)` would verify with."""
    key: tuple[object, ...] = (
        (True, os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))
        if trust_env
        else (False,)
    )
    with _lock:  # one thread loads it; another asking meanwhile waits for that one
        context = _contexts.get(key)
        if context is None:
            context = _contexts[key] = httpx.create_ssl_context(trust_env=trust_env)
    return context
