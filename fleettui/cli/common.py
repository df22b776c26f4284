"""What every fleet and profile subcommand shares: flags, profile lookup, output, errors.

- :func:`common_parent` — an argparse parent with ``--profile`` and ``--read-only``.
- :func:`resolved_profile` — the profile for the parsed args (flags > env > file).
- :func:`guarded` — wraps a command: known errors become ONE stderr line and an exit
  code (0 ok, 1 provider or network error, 2 bad usage or input).
- :func:`print_table`, :func:`print_json` — output helpers (CSV: :mod:`fleettui.core.fleet_csv`).
  Text from the API is data: :func:`plain` removes control characters before it reaches
  the terminal.
"""

from __future__ import annotations

import argparse
import functools
import json
import shutil
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import IO, TYPE_CHECKING, Any, NoReturn, TypeAlias

from fleettui.cli.process_end import stdout_to_null
from fleettui.config import ConfigError, ResolvedProfile, resolve_profile
from fleettui.core.text import json_safe, one_line, text_cells

if TYPE_CHECKING:  # the client (httpx) loads when a command first needs it
    from fleettui.api.client import FleetClient

#: What `ArgumentParser.add_subparsers()` returns (private in argparse, typed by typeshed);
#: every command module's `register` takes it.
Subparsers: TypeAlias = "argparse._SubParsersAction[Any]"

EXIT_OK = 0
EXIT_PROVIDER = 1
EXIT_USAGE = 2


class UsageError(Exception):
    """Bad usage or input, found before anything was sent (exit 2)."""


class DefaultsHelpFormatter(argparse.HelpFormatter):
    """Every option's help ends with its default, when it has one worth saying (not
    None/False/empty) and the help text does not already name it."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        default = action.default
        if (
            default is None
            or default is False
            or default is argparse.SUPPRESS
            or default == []
            or "default" in text
            or action.option_strings == []
            and action.nargs in ("*", "?")
        ):
            return text
        shown = f"{default:g}" if isinstance(default, float) else str(default)
        return f"{text} (default: {shown.replace('%', '%%')})" if text else f"default: {shown}"

    def _split_lines(self, text: str, width: int) -> list[str]:
        """As argparse, but never breaks inside a hyphenated value (demo-client, vw-group)."""
        import textwrap

        return textwrap.wrap(" ".join(text.split()), width, break_on_hyphens=False)


class CommandParser(argparse.ArgumentParser):
    """argparse with one-line usage errors: ``fleettui: <problem> (see fleettui list --help)``
    on stderr, exit 2, instead of the usage block and ``fleettui list: error: ...``.
    ``--help`` shows each option's default. Subparsers inherit it (``parser_class``)."""

    _PROG_ATTR = "_fleettui_command_prog"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", DefaultsHelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str, prog: str | None = None) -> NoReturn:
        text = " ".join(str(message).split())
        self.exit(EXIT_USAGE, f"fleettui: {text} (see {prog or self.prog} --help)\n")

    def parse_known_args(  # type: ignore[override]  # argparse's overloads, one shape used
        self,
        args: Sequence[str] | None = None,
        namespace: argparse.Namespace | None = None,
    ) -> tuple[argparse.Namespace, list[str]]:
        ns, extras = super().parse_known_args(args, namespace)
        if extras and not hasattr(ns, self._PROG_ATTR):
            setattr(ns, self._PROG_ATTR, self.prog)  # the innermost command that had leftovers
        return ns, extras

    def parse_args(  # type: ignore[override]  # argparse's overloads, one shape used
        self,
        args: Sequence[str] | None = None,
        namespace: argparse.Namespace | None = None,
    ) -> argparse.Namespace:
        """Unknown arguments point at the subcommand's help, not the top-level one."""
        ns, extras = self.parse_known_args(args, namespace)
        prog = vars(ns).pop(self._PROG_ATTR, None)
        if extras:
            self.error(f"unrecognized arguments: {' '.join(extras)}", prog)
        return ns


def common_parent() -> argparse.ArgumentParser:
    """``--profile`` and ``--read-only`` for every subcommand.

    Defaults are SUPPRESS so a value given before the subcommand (the monitor's own flags
    on the top-level parser) is not overwritten by the subparser's default.
    """
    parent = argparse.ArgumentParser(add_help=False)
    group = parent.add_argument_group("account")
    group.add_argument(
        "--profile",
        metavar="NAME",
        default=argparse.SUPPRESS,
        help="profile from config.toml (default: FLEETTUI_PROFILE, then default_profile)",
    )
    group.add_argument(
        "--read-only",
        action="store_true",
        default=argparse.SUPPRESS,
        help="refuse every write before anything is sent",
    )
    return parent


def resolved_profile(args: argparse.Namespace) -> ResolvedProfile:
    profile = resolve_profile(
        getattr(args, "profile", None),
        read_only=True if getattr(args, "read_only", False) else None,
    )
    for warning in profile.warnings:
        error(warning)
    return profile


def open_client(profile: ResolvedProfile) -> FleetClient:
    from fleettui.api.client import FleetClient

    try:
        return FleetClient(profile.credentials(), **profile.client_options())
    except ValueError as e:  # e.g. plain http to a remote host
        raise UsageError(f"profile {profile.name!r}: {e}") from None


def error(message: str, stream: IO[str] | None = None) -> None:
    """One line on stderr, prefixed so it stands out in scripts' logs (and sanitised:
    messages quote provider text and file names)."""
    print(f"fleettui: {one_line(message)}", file=stream or sys.stderr)


def answer_notes(client: FleetClient) -> None:
    """Say on stderr what the last list answer had that was not shown as it came."""
    if client.last_duplicates:
        error(
            f"note: the provider's list repeated VINs ({client.last_duplicates} extra "
            "entries); the newest entry of each VIN is shown"
        )
    if getattr(client, "clock_note", None):
        error(f"note: {client.clock_note}")
    mended = getattr(client, "last_mended", None)
    if mended:
        error(f"note: {mended.describe()}")
    if client.last_skipped:
        error(
            f"note: {client.last_skipped} entr(ies) of the provider's list were not "
            "vehicles (no VIN) and are left out"
        )


def exit_code_for(exc: BaseException) -> int | None:
    """The exit code for an error a command can expect, or None for a real bug."""
    from fleettui.api.errors import ApiError

    if isinstance(exc, ApiError):
        return EXIT_PROVIDER
    if isinstance(exc, ConfigError | UsageError):
        return EXIT_USAGE
    if isinstance(exc, OSError):  # a local file or directory (permissions, full disk)
        return EXIT_PROVIDER
    return None


def guarded(func: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Run a command; expected errors become one stderr line and their exit code."""

    @functools.wraps(func)
    def run(args: argparse.Namespace) -> int:
        try:
            return func(args)
        except BrokenPipeError:
            return reader_gone()
        except Exception as exc:  # noqa: BLE001 - re-raised below unless it is a known kind
            code = exit_code_for(exc)
            if code is None:
                raise
            error(_os_error_text(exc) if isinstance(exc, OSError) else str(exc))
            return code

    return run


def reader_gone() -> int:
    """The reader of the output went away (`fleettui list | head -1`): the command ends
    quietly with exit 0, the reader having had what it wanted (git, ls and gh end by
    SIGPIPE instead, 141 in a shell; 0 keeps the README's rule that 1 means a provider
    or network error, and keeps `set -o pipefail` scripts running). The standard output
    is pointed at /dev/null so nothing more is attempted on the closed pipe, not even
    the interpreter's last flush."""
    stdout_to_null()
    return EXIT_OK


def _os_error_text(exc: OSError) -> str:
    where = f"{exc.filename}: " if exc.filename else ""
    return f"{where}{exc.strerror or exc}"


def terminal_width(stream: IO[str]) -> int | None:
    """Columns of the terminal `stream` writes to (COLUMNS wins); None for a pipe or a
    file, whose lines are kept whole for the scripts that read them."""
    try:
        if not stream.isatty():
            return None
    except (AttributeError, ValueError, OSError):
        return None
    return shutil.get_terminal_size().columns


def plain(value: object, limit: int | None = None) -> str:
    """API text made safe for a terminal line: no control/bidi characters, optional cut."""
    return one_line(value, limit)


def print_table(
    headers: Sequence[str], rows: Iterable[Sequence[object]], stream: IO[str] | None = None
) -> None:
    """Aligned columns separated by two spaces; the last column is not padded."""
    out = stream or sys.stdout
    body = [[plain(c) for c in row] for row in rows]
    widths = [text_cells(h) for h in headers]
    for row in body:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], text_cells(cell))

    def line(cells: Sequence[str]) -> str:
        parts = [c + " " * (widths[i] - text_cells(c)) for i, c in enumerate(cells[:-1])]
        return "  ".join([*parts, cells[-1]]).rstrip()

    out.write(line(list(headers)) + "\n")
    for row in body:
        out.write(line(row) + "\n")


def print_json(data: Any, stream: IO[str] | None = None) -> None:
    out = stream or sys.stdout
    out.write(json_safe(json.dumps(data, ensure_ascii=False, indent=2)))
    out.write("\n")
