"""The `fleettui` command: the monitor by default, subcommands for scripts and on-call work.

Exit codes: 0 success, 1 provider or network error, 2 bad usage or input.
"""

from __future__ import annotations

import argparse
import os
import sys

from fleettui import __version__
from fleettui.cli import (
    check_cmd,
    explain_cmd,
    fleet_cmds,
    history_cmds,
    monitor_cmd,
    profile_cmd,
    serve_cmd,
    simulator_cmd,
    webhooks_cmd,
)
from fleettui.cli.common import CommandParser

EXIT_OK = 0
EXIT_PROVIDER = 1
EXIT_USAGE = 2

#: Each module adds its subcommands with register(subparsers); the chosen parser's
#: `func(args) -> int` runs it.
_COMMAND_MODULES = (fleet_cmds, check_cmd, explain_cmd, profile_cmd, simulator_cmd,
                    webhooks_cmd, history_cmds, serve_cmd)


def build_parser() -> argparse.ArgumentParser:
    parser = CommandParser(
        prog="fleettui",
        description=(
            "Watch and act on a High Mobility fleet's vehicle clearances. "
            "Without a subcommand, opens the live monitor."
        ),
    )
    parser.add_argument("--version", action="version", version=f"fleettui {__version__}")
    monitor_cmd.add_monitor_arguments(parser)
    parser.set_defaults(func=monitor_cmd.run_monitor)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=CommandParser)
    for module in _COMMAND_MODULES:
        module.register(sub)
    return parser


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
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `fleettui list | head`: the reader went away; that is not an error.
        return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
