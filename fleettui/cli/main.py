"""The `fleettui` command: the monitor by default, subcommands for scripts and on-call work.

Exit codes: 0 success, 1 provider or network error, 2 bad usage or input, 3 (`data`) some
VINs could not be checked.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

# httpx imports its own command line (click, rich: ~60 ms) when those happen to be
# installed; fleettui never runs it, and every command would pay for it.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type] # None: "not importable"

from fleettui import __version__  # noqa: E402 - after the line above
from fleettui.cli import monitor_args, monitor_cmd, process_end  # noqa: E402
from fleettui.cli.common import CommandParser, reader_gone  # noqa: E402

EXIT_OK = 0
EXIT_PROVIDER = 1
EXIT_USAGE = 2

#: Each module adds its subcommands with register(subparsers); the chosen parser's
#: `func(args) -> int` runs it. Only the module of the command asked for is imported
#: (`fleettui list` need not load the simulator, the webhooks or the web mode): the
#: others' commands are listed from here for --help (tests/cli/test_cli_usage.py checks
#: that these lines are what the modules register).
COMMANDS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "fleet_cmds",
        (("list", "list the fleet (server-side filter)"),),
    ),
    ("show_cmd", (("show", "one vehicle, its history and its reason explained"),)),
    (
        "fleet_write",
        (
            ("add", "add vehicles (one, or a CSV file)"),
            ("cancel", "cancel pending clearances"),
            ("revoke", "revoke approved clearances (needs --yes)"),
        ),
    ),
    ("check_cmd", (("check", "ask whether vehicles can be activated"),)),
    ("data_cmd", (("data", "does each approved car send data, and why not"),)),
    ("explain_cmd", (("explain", "explain a pending or reject reason and what to do next"),)),
    ("profile_cmd", (("profile", "add, list, remove, choose and test profiles"),)),
    ("simulator_cmd", (("simulator", "run a local Fleet Clearance API simulator"),)),
    ("webhooks_cmd", (("webhooks", "receive, test and replay the provider's webhooks"),)),
    (
        "history_cmds",
        (
            ("record", "record state changes in the background (daemon)"),
            ("triage", "who must act on what, by when"),
            ("history", "recorded state changes (offline)"),
            ("stats", "approval times, rates, ages, daily changes"),
        ),
    ),
    ("desk_cmd", (("desk", "the shared desk on PostgreSQL: claims, notes, handover"),)),
    ("serve_cmd", (("serve", "serve the monitor to a web browser (needs fleettui[web])"),)),
)


def _not_loaded(args: argparse.Namespace) -> int:  # pragma: no cover - never run
    raise AssertionError("a command whose module was not loaded")


def _wanted(argv: Sequence[str]) -> str | None:
    """The module of the first word of `argv` that names a command (a guess: main
    parses again with every command when the guess was wrong)."""
    names = {name: module for module, commands in COMMANDS for name, _ in commands}
    return next((names[a] for a in argv if a in names), None)


def build_parser(only: str | None | bool = True) -> argparse.ArgumentParser:
    """The whole command line; with a module name (or None: the monitor's alone), only
    that module's commands are complete, the others are named with their help line."""
    parser = CommandParser(
        prog="fleettui",
        description=(
            "Watch and act on a High Mobility fleet's vehicle clearances. "
            "Without a subcommand, opens the live monitor."
        ),
    )
    parser.add_argument("--version", action="version", version=f"fleettui {__version__}")
    monitor_args.add_monitor_arguments(parser)
    parser.set_defaults(func=monitor_cmd.run_monitor)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=CommandParser)
    for name, commands in COMMANDS:
        if only is True or name == only:
            importlib.import_module(f"fleettui.cli.{name}").register(sub)
            continue
        for command, text in commands:
            # Every word after it is taken as it is (no option prefix: `--json` too), to
            # be parsed again by the whole parser
            stand_in = sub.add_parser(command, help=text, add_help=False, prefix_chars="\0")
            stand_in.add_argument("words", nargs=argparse.REMAINDER)
            stand_in.set_defaults(func=_not_loaded)
    return parser


def parse(words: Sequence[str]) -> argparse.Namespace:
    """The command line parsed as the whole parser would (tests/cli/test_cli_parse_lazily.py
    compares them), with only the asked command's module loaded: `fleettui list` builds
    the listing's arguments, not every command's."""
    args = build_parser(_wanted(words)).parse_args(words)
    if args.func is _not_loaded:  # an option's value looked like a command name
        args = build_parser().parse_args(words)
    return args


def _fill_closed_stdio() -> None:
    """Put /dev/null on a closed stdin, stdout or stderr (`fleettui list <&-`): the next
    file or socket opened would otherwise get that number and be read as the terminal
    or written with output. A closed stdin is remembered (`sys.stdin` stays None) so
    the monitor can say it needs a terminal."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            try:
                null = os.open(os.devnull, os.O_RDWR)
            except OSError:
                return
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
            if fd and getattr(sys, ("stdout", "stderr")[fd - 1]) is None:
                setattr(sys, ("stdout", "stderr")[fd - 1], open(fd, "w", closefd=False))  # noqa: SIM115


def main(argv: list[str] | None = None) -> int:
    _fill_closed_stdio()
    args = parse(sys.argv[1:] if argv is None else argv)
    process_end.own_process(argv is None)  # the `fleettui` command, not a caller's call
    try:
        code = int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        if argv is None:  # the process's own command: out now, not after a teardown
            process_end.end(130)  # (which took ~1 s on a loaded machine)
        return 130
    except BrokenPipeError:
        # `fleettui list | head`: the reader went away; that is not an error.
        return reader_gone()
    if argv is None:  # the process's own command: its output must all be out
        code = process_end.output_out(code)
    if process_end.anything_kept():
        process_end.end(code)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
