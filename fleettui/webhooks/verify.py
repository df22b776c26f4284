"""Signatures of the provider's webhook deliveries (hm-api.md, Webhooks).

`X-HM-Signature-256: sha256=<lowercase hex of HMAC-SHA256(secret, raw body)>`. The check
runs over the raw bytes before anything is parsed, and compares in constant time. The
legacy SHA-1 `X-HM-Signature` is never trusted on its own.
"""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-HM-Signature-256"
LEGACY_SIGNATURE_HEADER = "X-HM-Signature"
DELIVERY_HEADER = "X-HM-Delivery"
EVENT_HEADER = "X-HM-Event"
USER_AGENT = "HM-Webhook/1.2.0"
_PREFIX = "sha256="
#: A SHA-256 hex digest is 64 characters; anything much longer is not a signature.
_MAX_HEADER = 80


def signature(secret: str | bytes, body: bytes) -> str:
    """The `X-HM-Signature-256` value for a raw body."""
    key = secret.encode() if isinstance(secret, str) else secret
    return _PREFIX + hmac.new(key, body, hashlib.sha256).hexdigest()


def legacy_signature(secret: str | bytes, body: bytes) -> str:
    key = secret.encode() if isinstance(secret, str) else secret
    return "sha1=" + hmac.new(key, body, hashlib.sha1).hexdigest()


def signature_problem(secret: str | bytes, body: bytes, header: str | None) -> str | None:
    """None when `header` is the body's valid signature; else why not, in a few words
    (never echoing the header or the expected value)."""
    if not header:
        return "no X-HM-Signature-256 header"
    value = header.strip()
    if len(value) > _MAX_HEADER or not value.lower().startswith(_PREFIX):
        return "X-HM-Signature-256 is not 'sha256=<hex>'"
    given = value[len(_PREFIX) :].lower().encode("ascii", "replace")
    expected = signature(secret, body)[len(_PREFIX) :].encode()
    if not hmac.compare_digest(given, expected):
        return "signature does not match the body"
    return None


def signed_headers(secret: str | bytes, body: bytes, delivery: str, event: str) -> dict[str, str]:
    """Every header the provider sends with a delivery, signed for `body`."""
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        SIGNATURE_HEADER: signature(secret, body),
        LEGACY_SIGNATURE_HEADER: legacy_signature(secret, body),
        DELIVERY_HEADER: delivery,
        EVENT_HEADER: event,
    }
