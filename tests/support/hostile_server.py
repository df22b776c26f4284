"""A hostile Fleet Clearance server on loopback: every class of bad answer a provider (or
whatever sits between it and us) can give, over real HTTP.

`HostileServer()` runs on a free port; set `.kind` to one of `KINDS` before a request.
The token endpoint answers normally (except for `token_401`), so each class aims at the
fleet calls: the list, one vehicle, adding, deleting. Data classes answer 200 with
hostile content around two ordinary vehicles (`PENDING_VIN`, a Mercedes-Benz pending for
days, and `APPROVED_VIN`, an approved BMW) so the commands have something to act on;
the other classes break the answer itself or the connection.
"""

from __future__ import annotations

import json
import threading
from typing import Any
from urllib.parse import unquote, urlsplit

from tests.support.quiet_server import QuietHandler, QuietHTTPServer

PENDING_VIN = "WDD2050001F000001"
APPROVED_VIN = "WBA3A5C51CF256651"
OLD = "2026-10-01T12:00:00Z"
ESC = "\x1b"
#: Everything a terminal would act on, in one string.
NASTY = (
    f"{ESC}]0;pwned title\x07{ESC}]52;c;ZXZpbA=={ESC}\\{ESC}[2J{ESC}[31mred"
    f"\x9b1m\x9d0;c1 title\x07{ESC}P1$qdcs{ESC}\\\u202eevil\u2066iso\u2069\u200bzw\ufeff"
)
MARKUP = "[bold red]BOOM[/] [link=https://evil.example]click[/link] <b>html</b> $'x' %s {0}"
CONTROLS = "a\x00b\x07c\x08d\re\x7ff\x85g\x9bh\ti\nj\x0bk\x0cl"
BIDI = "\u202eRTL\u202c \u2066iso\u2069 \u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u061c"


def vehicle(
    vin: str,
    status: str,
    brand: str,
    *,
    reason: Any = None,
    tags: Any = None,
    when: Any = OLD,
    log: Any = None,
) -> dict[str, Any]:
    entry: dict[str, Any] = {"timestamp": when, "status": status}
    if reason is not None:
        entry["reason"] = reason
    return {
        "vin": vin,
        "status": status,
        "brand": brand,
        "tags": tags or {},
        "changelog": log if log is not None else [entry],
    }


def ordinary(reason: Any = None, tags: Any = None) -> list[dict[str, Any]]:
    return [
        vehicle(PENDING_VIN, "pending", "mercedes-benz", reason=reason, tags=tags),
        vehicle(APPROVED_VIN, "approved", "bmw", tags=tags),
    ]


def _data(kind: str) -> Any:
    """The list answer of a data class."""
    if kind == "markup":
        return [
            *ordinary(MARKUP, {"[b]k": "[/]v"}),
            vehicle("WVWZZZ1JZXW00000[", "pending", "[red]bmw", reason=MARKUP),
        ]
    if kind == "escapes":
        return [
            *ordinary(NASTY, {f"k{ESC}[2J": NASTY}),
            vehicle(
                f"WVWZZZ1JZ{ESC}]0;x\x07XW000002", f"pend{ESC}[5ming", f"bmw{NASTY}", reason=NASTY
            ),
        ]
    if kind == "controls":
        return [
            *ordinary(CONTROLS, {CONTROLS: CONTROLS}),
            vehicle("WVWZZZ1JZ\x00XW00003", "rejected", "au\x08di", reason=CONTROLS),
        ]
    if kind == "bidi":
        return [
            *ordinary(BIDI, {"de\u202epot": "ber\u200blin"}),
            vehicle("WVWZZZ1JZ\u202eXW000004", "pending", "audi", reason=BIDI),
        ]
    if kind == "huge":
        log = [{"timestamp": OLD, "status": "pending", "reason": f"retry {i}"} for i in range(5000)]
        return [
            *ordinary("r" * 200_000, {f"t{i}": "v" * 100 for i in range(2000)}),
            vehicle("W" * 20_000, "pending", "audi", reason="x" * 100_000, log=log),
        ]
    if kind == "empty_values":
        return [
            *ordinary(""),
            {"vin": "", "status": "", "brand": "", "tags": {}, "changelog": []},
            {},
            {"vin": "   "},
            vehicle("WVWZZZ1JZXW000005", "", "", reason="", when=""),
        ]
    if kind == "wrong_types":
        return [
            *ordinary(["not", "text"], ["a", "b"]),
            12345,
            "a string",
            ["a", "list"],
            {"vin": 12345, "status": ["pending"], "brand": {"x": 1}},
            {
                "vin": "WVWZZZ1JZXW000006",
                "status": 7,
                "brand": 3.5,
                "tags": "k=v",
                "changelog": "yesterday",
            },
            {
                "vin": "WVWZZZ1JZXW000007",
                "status": "pending",
                "brand": "audi",
                "tags": {"n": 5, "l": [1], "d": {"a": 1}},
                "changelog": [
                    1,
                    "x",
                    {"timestamp": 1700000000, "status": {"s": 1}, "reason": {"a": 1}},
                ],
            },
        ]
    if kind == "nulls":
        return [
            *ordinary(None),
            None,
            {"vin": None, "status": None, "brand": None, "tags": None, "changelog": None},
            {
                "vin": "WVWZZZ1JZXW000008",
                "status": None,
                "brand": None,
                "tags": None,
                "changelog": [None, {"timestamp": None, "status": None, "reason": None}],
            },
        ]
    if kind == "timestamps":
        bad = [
            "2026-02-30T12:00:00Z",
            "2026-13-45T99:99:99Z",
            "0000-00-00T00:00:00Z",
            "9999-12-31T23:59:59-23:59",
            "0001-01-01T00:00:00+14:00",
            "yesterday",
            "2026-01-01T25:00:00",
            "+275760-09-13T00:00:00Z",
            "2026-01-01T12:00:00+99:00",
            "20260101T120000Z",
            "2026-01-01T12:00:00.99999999999999999Z",
            "",
        ]
        return [
            *ordinary("stuck"),
            *[
                vehicle(f"WVWZZZ1JZXW0001{i:02d}", "pending", "audi", reason="odd time", when=t)
                for i, t in enumerate(bad)
            ],
            vehicle(
                "WVWZZZ1JZXW000199",
                "approved",
                "audi",
                log=[
                    {"timestamp": "2026-02-30T12:00:00Z", "status": "pending"},
                    {"timestamp": "2026-13-45T99:99:99Z", "status": "approved"},
                ],
            ),
        ]
    if kind == "duplicates":
        return [
            vehicle(
                PENDING_VIN, "pending", "mercedes-benz", when="2026-09-01T00:00:00Z", reason="older"
            ),
            *ordinary("newest"),
            vehicle(
                PENDING_VIN,
                "pending",
                "mercedes-benz",
                when="2026-08-01T00:00:00Z",
                reason="oldest",
            ),
            vehicle(APPROVED_VIN, "approved", "bmw", when="2026-01-01T00:00:00Z"),
        ]
    if kind == "empty_list":
        return []
    if kind in ("object_tags", "date_9999", "date_1900", "gzip_bomb", *RAW_KINDS):
        return ordinary(
            "odd",
            {"obj": {"b": 1}, "none": None, "yes": True, "list": [1, "x"]}
            if kind == "object_tags"
            else None,
        )
    raise KeyError(kind)


def _raw_list(kind: str) -> bytes:
    """The list answer of a raw data class: one bad value among good entries."""
    good = json.dumps(ordinary("fine")).encode()
    if kind == "bad_utf8_tag":  # one tag value in Latin-1, not UTF-8
        bad = json.dumps(
            vehicle("WVWZZZ1JZXW000010", "pending", "audi", tags={"depot": "MARK"})
        ).encode()
        bad = bad.replace(b"MARK", b"K\xf6ln")
    else:  # long_number_tag: a tag value of a million digits
        bad = json.dumps(
            vehicle("WVWZZZ1JZXW000011", "pending", "audi", tags={"n": "MARK"})
        ).encode()
        bad = bad.replace(b'"MARK"', b"7" * 1_000_000)
    return good[:-1] + b"," + bad + b"]"


_BOMB: list[bytes] = []


def gzip_bomb() -> bytes:
    """A gzip body of ~100 KB that decodes to 100 MB of spaces after a JSON list."""
    if not _BOMB:
        import zlib

        z = zlib.compressobj(9, zlib.DEFLATED, 31)
        parts = [z.compress(json.dumps(ordinary("bomb")).encode())]
        block = b" " * (1 << 20)
        parts += [z.compress(block) for _ in range(100)]
        parts.append(z.flush())
        _BOMB.append(b"".join(parts))
    return _BOMB[0]


DATA_KINDS = (
    "markup",
    "escapes",
    "controls",
    "bidi",
    "huge",
    "empty_values",
    "wrong_types",
    "nulls",
    "timestamps",
    "duplicates",
    "empty_list",
    "object_tags",
    "date_9999",
    "date_1900",
    "bad_utf8_tag",
    "long_number_tag",
)
#: Data classes whose list answer is raw bytes (not JSON Python can write).
RAW_KINDS = ("bad_utf8_tag", "long_number_tag")
#: The Date header of the clock classes.
DATES = {"date_9999": "Fri, 31 Dec 9999 23:59:59 GMT", "date_1900": "Mon, 01 Jan 1900 00:00:00 GMT"}
#: Broken answers: (status, content type, body).
BODY_KINDS = {
    "truncated": (200, "application/json", json.dumps(ordinary("cut"))[:60].encode()),
    "not_json": (200, "text/plain", b"Service temporarily unavailable, try later"),
    "null_body": (200, "application/json", b"null"),
    "json_object": (200, "application/json", json.dumps({"vehicles": ordinary()}).encode()),
    "html_200": (
        200,
        "text/html",
        b"<html><head><title>Login</title></head><body><form>Please sign in</form></body></html>",
    ),
    "html_error": (
        502,
        "text/html",
        f"<html><head><title>502 Bad Gateway{ESC}]0;t\x07"
        f"</title></head><body>nginx</body></html>".encode(),
    ),
    "error_escapes": (
        500,
        "application/json",
        json.dumps(
            {"errors": [{"title": f"Internal{ESC}[2J", "detail": f"boom {NASTY}"}]}
        ).encode(),
    ),
    "not_found": (404, "text/html", b"<html><title>404 Not Found</title></html>"),
    "redirect": (302, "text/html", b""),
    # Error parsing must stay linear: a regex with a lazy `.*?` took 21 s on 140 KB of these.
    "html_titles": (502, "text/html", b"<html><title>" * 40_000),
    "deep_list": (200, "application/json", b"[" * 200_000 + b"]" * 200_000),
    "deep_error": (500, "application/json", b'{"errors":' + b"[" * 50_000 + b"]" * 50_000 + b"}"),
}
#: Broken connections and refusals.
FLOW_KINDS = (
    "trickle",
    "slow_headers",
    "silent",
    "cut_body",
    "endless_401",
    "token_401",
    "retry_after_long",
    "retry_after_inf",
)
KINDS = (*DATA_KINDS, *BODY_KINDS, *FLOW_KINDS, "gzip_bomb")
#: Seconds between the bytes of a trickled answer.
TRICKLE_EVERY = 2.0


class _Handler(QuietHandler):
    server: HostileServer
    protocol_version = "HTTP/1.1"

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str = "application/json",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response_only(status)
        if "Date" not in (headers or {}):
            self.send_header("Date", self.date_time_string())
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, data: Any, headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(data).encode(), headers=headers)

    def _wait(self) -> None:
        """Hold the connection until the server stops (or the client goes)."""
        self.server.stopping.wait(120)
        self.close_connection = True

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        body = self._body()
        path = urlsplit(self.path).path
        if path == "/v1/access_tokens":
            if self.server.kind == "token_401":
                self._json(
                    401,
                    {
                        "error": f"invalid_client{ESC}[2J",
                        "error_description": f"bad secret {NASTY}",
                    },
                )
            else:
                self._json(
                    200,
                    {
                        "access_token": "hostile-token",
                        "expires_in": 3600,
                        "token_type": "bearer",
                        "scope": "fleet:clearance",
                    },
                )
            return
        self._fleet("POST", path, body)

    def do_GET(self) -> None:  # noqa: N802
        self._fleet("GET", urlsplit(self.path).path, b"")

    def do_DELETE(self) -> None:  # noqa: N802
        self._fleet("DELETE", urlsplit(self.path).path, b"")

    def _fleet(self, method: str, path: str, body: bytes) -> None:
        kind = self.server.kind
        self.server.requests += 1
        if kind in FLOW_KINDS:
            return self._flow(kind)
        if kind in BODY_KINDS:
            status, content_type, data = BODY_KINDS[kind]
            headers = {"Location": "https://elsewhere.example/"} if kind == "redirect" else None
            return self._send(status, data, content_type, headers)
        if kind in RAW_KINDS and method == "GET" and path == "/v1/fleets/vehicles":
            return self._send(200, _raw_list(kind))
        answer = _data(kind)
        if method == "GET" and path == "/v1/fleets/vehicles":
            if kind == "gzip_bomb":
                return self._send(200, gzip_bomb(), headers={"Content-Encoding": "gzip"})
            return self._json(200, answer, headers={"Date": DATES[kind]} if kind in DATES else None)
        vin = unquote(path.rsplit("/", 1)[-1])
        if method == "POST":
            sent = json.loads(body or b"{}").get("vehicles") or []
            return self._json(200, {"vehicles": self._created(kind, sent)})
        # One vehicle (GET or DELETE): the hostile one with that VIN, else the first.
        mine = [v for v in answer if isinstance(v, dict) and v.get("vin") == vin]
        one = mine[-1] if mine else (answer[-1] if answer else {})
        if method == "DELETE" and isinstance(one, dict) and one:
            one = {**one, "status": "canceling" if one.get("status") == "pending" else "revoking"}
        return self._json(200, one)

    def _created(self, kind: str, sent: list[Any]) -> list[Any]:
        answer = _data(kind)
        extra = [
            v
            for v in answer
            if not isinstance(v, dict) or v.get("vin") not in (PENDING_VIN, APPROVED_VIN)
        ]
        out: list[Any] = []
        for item in sent:
            vin = item.get("vin") if isinstance(item, dict) else None
            out.append(
                {
                    "vin": vin,
                    "status": "error",
                    "description": f"refused: {kind} "
                    + (NASTY if kind in ("escapes", "bidi", "controls") else MARKUP),
                }
            )
        return out + extra

    def _trickle(self, data: bytes) -> None:
        """Send `data` one byte per `trickle_every` seconds, then close (until the
        server stops or the client goes away)."""
        for byte in data:
            if self.server.stopping.wait(self.server.trickle_every):
                break
            try:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
            except OSError:
                break
        self.close_connection = True

    def _flow(self, kind: str) -> None:
        if kind == "trickle":
            data = json.dumps(ordinary("slow")).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.flush()
            self._trickle(data)
        elif kind == "slow_headers":
            head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Slow: " + b"s" * 500
            self._trickle(head)
        elif kind == "silent":
            self._wait()
        elif kind == "cut_body":
            data = json.dumps(ordinary("cut")).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data) * 2))
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            self.close_connection = True
        elif kind == "endless_401":
            self._json(
                401, {"errors": [{"title": "Unauthorized", "detail": f"token expired {NASTY}"}]}
            )
        elif kind == "retry_after_long":
            self._json(
                429,
                {
                    "errors": [
                        {
                            "title": "Too Many Requests",
                            "detail": "Rate limit reached, retry after 86400s",
                        }
                    ]
                },
                headers={"Retry-After": "99999"},
            )
        elif kind == "retry_after_inf":
            self._json(
                429,
                {"errors": [{"title": "Too Many Requests", "detail": "retry after NaNs"}]},
                headers={"Retry-After": "inf"},
            )


class HostileServer(QuietHTTPServer):
    block_on_close = False

    def __init__(self, kind: str = "markup") -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.kind = kind
        self.requests = 0
        self.trickle_every = TRICKLE_EVERY
        self.stopping = threading.Event()
        self._thread = threading.Thread(
            target=self.serve_forever, daemon=True, kwargs={"poll_interval": 0.05}
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def __enter__(self) -> HostileServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self.shutdown()
        self.server_close()
