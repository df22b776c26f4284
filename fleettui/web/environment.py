"""What a browser session's process is started with: its command line and environment.

textual-serve copies the server's whole environment into every app it starts, so anyone
who reaches the page gets a process holding every secret the operator had exported. Here
each session starts from an empty environment and gets only:

- what any program needs: ``PATH``, ``HOME``, ``USER``/``LOGNAME`` (the audit log names
  the OS user), ``LANG`` and the locale categories that exist (``LC_ALL``, ``LC_CTYPE``,
  ... : a named list, not every ``LC_`` name), ``TZ``, ``TMPDIR``, ``ESCDELAY``, ``NO_COLOR``,
  ``PYTHONPATH`` (a source checkout runs as it does in the shell);
- where fleettui keeps its files: ``FLEETTUI_CONFIG_DIR``/``_CACHE_DIR``/``_LOG_DIR``/
  ``_DATA_DIR``/``_EXPORT_DIR`` and the ``XDG_*`` directories platformdirs reads, so the
  session sees the same profiles, cache, history and audit log as the operator;
- how to reach the provider: the CA-bundle variables httpx honours, and the proxy
  variables only when the operator asks (`fleettui serve --pass-proxy`), each with any
  ``user:password@`` taken out (a browser session never holds the proxy's password);
- the profile's own settings from the environment (``FLEETTUI_BASE_URL``,
  ``FLEETTUI_CLIENT_ID``) and the ONE secret variable the profile names, only when the
  profile's secret really comes from that variable; with ``--demo``, no account variable.

The terminal variables (``TERM``, ``COLORTERM``, the Textual web driver) are set here,
never copied. Sessions run ``python -P -m fleettui``: without the working directory on
``sys.path``, a folder named ``fleettui`` where the server was started (a clone's parent)
cannot stand in for the installed package.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from fleettui.config.paths import (
    ENV_CACHE_DIR,
    ENV_CONFIG_DIR,
    ENV_DATA_DIR,
    ENV_EXPORT_DIR,
    ENV_LOG_DIR,
)
from fleettui.config.resolve import ENV_BASE_URL, ENV_CLIENT_ID, ResolvedProfile

#: Copied from the server's environment when set: nothing here is a credential.
PASSED_THROUGH: tuple[str, ...] = (
    "PATH",
    "HOME",
    "USER",
    "LOGNAME",
    "LANG",
    "LANGUAGE",
    "TZ",
    "TMPDIR",
    "ESCDELAY",
    "NO_COLOR",
    "PYTHONPATH",
    ENV_CONFIG_DIR,
    ENV_CACHE_DIR,
    ENV_LOG_DIR,
    ENV_DATA_DIR,
    ENV_EXPORT_DIR,
    "XDG_CONFIG_HOME",
    "XDG_CACHE_HOME",
    "XDG_STATE_HOME",
    "XDG_DATA_HOME",
    "XDG_RUNTIME_DIR",
    "XDG_DOCUMENTS_DIR",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
)
#: The locale categories (POSIX and glibc's): passed when set, and no other LC_ name.
LOCALE_VARIABLES: tuple[str, ...] = (
    "LC_ALL",
    "LC_CTYPE",
    "LC_COLLATE",
    "LC_MESSAGES",
    "LC_MONETARY",
    "LC_NUMERIC",
    "LC_TIME",
    "LC_ADDRESS",
    "LC_IDENTIFICATION",
    "LC_MEASUREMENT",
    "LC_NAME",
    "LC_PAPER",
    "LC_TELEPHONE",
)
#: Passed only when asked (`serve --pass-proxy`), without credentials.
PROXY_VARIABLES: tuple[str, ...] = (
    "HTTPS_PROXY",
    "HTTP_PROXY",
    "ALL_PROXY",
    "NO_PROXY",
    "https_proxy",
    "http_proxy",
    "all_proxy",
    "no_proxy",
)


def without_credentials(url: str) -> str:
    """A proxy URL with any ``user:password@`` taken out."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        scheme, rest = "", url
    host, slash, path = rest.partition("/")
    host = host.rpartition("@")[2]
    return f"{scheme}{sep}{host}{slash}{path}"


#: Passed only for a real profile (never with --demo): they change which account is used.
PROFILE_SETTINGS: tuple[str, ...] = (ENV_BASE_URL, ENV_CLIENT_ID)

#: What the session's terminal is: the browser's xterm.js, full colour, Textual's web driver.
TERMINAL: Mapping[str, str] = {
    "TERM": "xterm-256color",
    "COLORTERM": "truecolor",
    "TEXTUAL_DRIVER": "textual.drivers.web_driver:WebDriver",
    "TEXTUAL_COLOR_SYSTEM": "truecolor",
    "TEXTUAL_FPS": "60",
    "TERM_PROGRAM": "textual",
}


def secret_variable(profile: ResolvedProfile) -> str | None:
    """The environment variable the profile's secret was read from, if any."""
    source = profile.secret_source
    if source.startswith("env "):
        name = source[len("env ") :].strip()
        return name or None
    return None


@dataclass(frozen=True)
class SessionLaunch:
    """How to start one browser session: argv and the complete environment."""

    argv: tuple[str, ...]
    environment: Mapping[str, str] = field(default_factory=dict)

    def with_size(self, width: int, height: int) -> dict[str, str]:
        env = dict(self.environment)
        env["COLUMNS"], env["ROWS"] = str(width), str(height)
        return env


def session_environment(
    environ: Mapping[str, str],
    *,
    profile: ResolvedProfile | None = None,
    profile_secrets: Sequence[str] = (),
    proxy: bool = False,
) -> dict[str, str]:
    """The environment for a session: the allow-list above, nothing else of ``environ``;
    with ``proxy``, the proxy variables too, without credentials.

    ``profile`` is None for the demo: then no account variable is passed at all.
    ``profile_secrets`` names further variables the profile itself names (its webhook
    secret's ``webhook_secret_env``).
    """
    env = {key: environ[key] for key in PASSED_THROUGH if key in environ}
    env.update({k: environ[k] for k in LOCALE_VARIABLES if k in environ})
    if proxy:
        env.update({k: without_credentials(environ[k]) for k in PROXY_VARIABLES if k in environ})
    if profile is not None:
        env.update({k: environ[k] for k in PROFILE_SETTINGS if k in environ})
        for var in (secret_variable(profile), *profile_secrets):
            if var is not None and var in environ:
                env[var] = environ[var]
    env.update(TERMINAL)
    return env


def monitor_argv(
    *,
    demo: bool,
    profile: ResolvedProfile | None,
    read_only: bool = False,
    refresh: float | None = None,
    demo_vehicles: int | None = None,
    demo_speed: float | None = None,
    python: str | None = None,
) -> tuple[str, ...]:
    """``python -m fleettui`` with the monitor's flags (exec'd directly, no shell)."""
    # Pinned: a tab never switches to another profile of the config file (or from the demo
    # to a real account): it gets what the operator chose to serve, nothing more.
    argv: list[str] = [python or sys.executable, "-P", "-m", "fleettui", "--pin-profile"]
    if demo:
        argv.append("--demo")
        if demo_vehicles is not None:
            argv += ["--demo-vehicles", str(demo_vehicles)]
        if demo_speed is not None:
            argv += ["--demo-speed", f"{demo_speed:g}"]
    elif profile is not None and profile.source != "environment variables":
        argv += ["--profile", profile.name]
    if read_only:
        argv.append("--read-only")
    if refresh is not None:
        argv += ["--refresh", f"{refresh:g}"]
    return tuple(argv)


def session_launch(
    environ: Mapping[str, str],
    *,
    demo: bool,
    profile: ResolvedProfile | None,
    read_only: bool = False,
    refresh: float | None = None,
    demo_vehicles: int | None = None,
    demo_speed: float | None = None,
    extra_args: Sequence[str] = (),
    profile_secrets: Sequence[str] = (),
    proxy: bool = False,
) -> SessionLaunch:
    argv = monitor_argv(
        demo=demo,
        profile=None if demo else profile,
        read_only=read_only,
        refresh=refresh,
        demo_vehicles=demo_vehicles,
        demo_speed=demo_speed,
    )
    env = session_environment(
        environ,
        profile=None if demo else profile,
        profile_secrets=() if demo else profile_secrets,
        proxy=proxy,
    )
    return SessionLaunch(argv=argv + tuple(extra_args), environment=env)
