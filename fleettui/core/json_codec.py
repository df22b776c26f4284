"""Compact JSON text, through a native encoder (`orjson`) when it is installed and gives
exactly the text Python's own encoder gives, and through Python's `json` otherwise; and
JSON text read by the native parser when what it reads is exactly what `json.loads` reads
(`exact_loads`).

Compact: `,` and `:` with no space after them, non-ASCII written as itself
(`ensure_ascii=False`), quotes, backslashes and C0 controls escaped the same way by both.
`compact` is Python's encoder; `native` is orjson's, or None when orjson is not installed,
when `FLEETTUI_PURE_JSON` is set (the tests run the listing both ways), or when it
cannot write the value the way `compact` does: a string with a lone surrogate, an
integer over 64 bits. orjson also writes floats in its own form (`1e-7` for Python's
`1e-07`) and NaN/Infinity as null, so `native` is exact only for values without floats:
callers hand it nothing else (the listing's objects hold text, None, small ints).

Why a native encoder at all: `fleettui list --json` at 100,000 vehicles writes 36 MB of
JSON made from ~3 million strings, and Python's encoder spends ~0.35 s of CPU on it
against orjson's ~0.06 s (bench/RESULTS.md).

The native parser is not a drop-in `json.loads`: it reads an integer over 64 bits as a
float without a word, and refuses what `json` accepts (NaN, a lone surrogate, deep
nesting). `exact_loads` keeps its reading only when writing it back with the native
encoder gives the text byte for byte: then every number was written as its own value
(an integer read as a float would come back as `1.2e29`), every string as its own
escapes, no key twice. `json.loads` of that text gives the same values of the same
types (both parse floats exactly), so the caller can take either. Reading and writing
back is ~0.17 s for a 28 MB list where `json.loads` is ~0.38 s; a text in another form
(spaces, `\u00e9` escapes) is the caller's to read with `json.loads`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

#: Set (to anything but empty) to use Python's encoder only: read at each use, so a
#: process forked after this module was imported (the tests' CLI runner) obeys it too.
PURE_VARIABLE = "FLEETTUI_PURE_JSON"
_NOT_LOADED: Any = object()
#: orjson's encoder once looked for (None: not installed); imported on first use, as the
#: CSV and the table never need it.
_dumps: Callable[[Any], bytes] | None = _NOT_LOADED
_loads: Callable[[str], Any] | None = None


def _native_dumps() -> Callable[[Any], bytes] | None:
    global _dumps, _loads
    if _dumps is _NOT_LOADED:
        try:
            import orjson
        except ImportError:
            _dumps = None
        else:
            _dumps, _loads = orjson.dumps, orjson.loads
    return None if os.environ.get(PURE_VARIABLE) else _dumps


#: Python's compact encoder. No cycle check: callers hand it parsed JSON (a tree), and
#: the check costs ~15% of the encoding.
compact: Callable[[Any], str] = json.JSONEncoder(
    ensure_ascii=False, check_circular=False, separators=(",", ":")
).encode


def native_available() -> bool:
    """Is the native encoder in use (installed, and not switched off)?"""
    return _native_dumps() is not None


def native(value: Any) -> str | None:
    """`compact(value)` made by the native encoder, for a value without floats; None when
    that encoder is not in use or cannot write the value the same way (the caller then
    uses `compact`)."""
    dumps = _native_dumps()
    if dumps is None:
        return None
    try:
        out = dumps(value)
    except TypeError:  # a lone surrogate, an int over 64 bits, a type it does not know
        return None
    return out.decode()


def exact_loads(text: str) -> Any | None:
    """`json.loads(text)`, read by the native parser; None when it is not in use, cannot
    read the text, or its reading could differ from `json.loads`'s: the text is not what
    the native encoder writes for what was read (see the module). None is also the
    answer for the text `null`: the caller then reads it with `json.loads`."""
    dumps = _native_dumps()
    if dumps is None or _loads is None:
        return None
    try:
        value = _loads(text)
        if dumps(value) == text.encode():
            return value
    except (ValueError, TypeError, UnicodeEncodeError):
        pass  # not JSON orjson reads (json may), or a lone surrogate in the text
    return None
