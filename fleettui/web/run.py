"""Run the web server until SIGTERM or SIGINT: bind, print the one URL, end every session.

The socket is bound before anything is printed, so ``--port 0`` prints the port actually
chosen. stdout gets exactly one line, the URL with the launch's token; everything else
(warnings, sessions, refusals) goes to stderr through the redacting log handler.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import sys
import threading
from dataclasses import dataclass
from typing import TextIO

from aiohttp import web

from fleettui.term.stop import StopOnSignals
from fleettui.web.access import AccessPolicy, origin_of
from fleettui.web.environment import SessionLaunch
from fleettui.web.logs import AccessLog, log, setup_logging
from fleettui.web.server import MonitorServer, ServeLimits

#: After a stop signal: seconds the request handlers get to finish once every tab has
#: ended, and seconds until the forced end (tabs SIGKILLed, then the process ended).
HANDLERS_WAIT = 0.1
FORCED_END = 0.85

REMOTE_WARNING = (
    "fleettui serve: WARNING: listening on {host}, not just this machine. The token in the "
    "URL is the only protection and nothing is encrypted: put TLS and a real login in a "
    "reverse proxy in front (and pass its address with --public-url)."
)


def is_loopback(host: str) -> bool:
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _is_wildcard(host: str) -> bool:
    return host.strip("[]") in ("", "0.0.0.0", "::")


def _url_host(host: str) -> str:
    bare = host.strip("[]")
    return f"[{bare}]" if ":" in bare else bare


def served_origins(host: str, port: int, public_url: str | None) -> list[str] | None:
    """The origins the page is used from (the first one is printed); None for a wildcard
    bind, reachable under any of the machine's names: then each request's own Host."""
    if public_url:
        return [origin_of(public_url)]
    if _is_wildcard(host):
        return None
    first = f"http://{_url_host(host)}:{port}"
    if is_loopback(host):  # the same machine under its other loopback names
        aliases = [f"http://127.0.0.1:{port}", f"http://localhost:{port}", f"http://[::1]:{port}"]
        return [first, *(a for a in aliases if a != first)]
    return [first]


def bind(host: str, port: int) -> socket.socket:
    """A listening socket (OSError says why not: in use, no such address...)."""
    infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    sock.setblocking(False)
    return sock


@dataclass(frozen=True)
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str | None = None
    limits: ServeLimits = ServeLimits()
    title: str = "fleettui"
    verbose: bool = False


def serve(launch: SessionLaunch, options: ServeOptions, *, out: TextIO | None = None) -> int:
    """Serve until a signal; 0 after a clean stop, 1 when the address cannot be bound."""
    out = out or sys.stdout
    try:
        sock = bind(options.host, options.port)
    except OSError as exc:
        print(
            f"fleettui: cannot listen on {options.host}:{options.port}: {exc.strerror or exc}",
            file=sys.stderr,
        )
        return 1
    port = sock.getsockname()[1]
    origins = served_origins(options.host, port, options.public_url)
    policy = AccessPolicy.create(origins, port=port, check_host=options.public_url is None)
    printed = origins[0] if origins else f"http://{_url_host(socket.getfqdn())}:{port}"
    setup_logging(policy.secrets(), verbose=options.verbose)
    if not is_loopback(options.host):
        print(REMOTE_WARNING.format(host=options.host), file=sys.stderr)
    server = MonitorServer(launch, policy, limits=options.limits, title=options.title)
    print(f"{printed}/?token={policy.token}", file=out, flush=True)
    print(
        "fleettui serve: open the URL above in a browser; Ctrl+C stops the server",
        file=sys.stderr,
        flush=True,
    )
    # SIGTERM, SIGHUP (the terminal that started it closed) and Ctrl-C: every tab's
    # process is ended at once and the server is out within a second; past that, the
    # forced end kills what is left of the tabs first (see fleettui.term.stop).
    with StopOnSignals(grace=FORCED_END, on_force=server.kill_all) as signals:
        # A stop signal is how serve is meant to end: 0 once its tabs are ended, whether
        # by close_all or, on a starved machine, by the forced end's kill_all.
        signals.finished_code = 0
        try:
            asyncio.run(_main(server, sock, signals))
        finally:
            sock.close()
        signals.finish(0)  # after a signal: out now, without the interpreter's teardown
    return 0


async def _main(server: MonitorServer, sock: socket.socket, signals: StopOnSignals) -> None:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    threading.Thread(
        target=lambda: signals.event.wait() and loop.call_soon_threadsafe(stop.set),
        name="fleettui-serve-stop",
        daemon=True,
    ).start()
    runner = web.AppRunner(
        server.make_app(),
        handle_signals=False,
        access_log_class=AccessLog,
        shutdown_timeout=HANDLERS_WAIT,
    )
    await runner.setup()
    site = web.SockSite(runner, sock)
    await site.start()
    reaper = asyncio.create_task(server.reap_idle())
    try:
        await stop.wait()
    finally:
        reaper.cancel()
        ended = await server.close_all()
        await runner.cleanup()
        server.kill_all()  # a tab whose handler was cancelled mid-start or mid-stop
        log.info("stopped; %d session%s ended", ended, "" if ended == 1 else "s")
