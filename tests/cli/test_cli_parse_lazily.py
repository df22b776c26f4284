"""`fleettui X` builds only X's arguments (fleettui.cli.main.parse: the other commands are
named for --help, not built): every command's help, a set of command lines (global options
before the command, abbreviations, option values that name a command) and their usage
errors come out exactly as the whole parser gives them."""

from __future__ import annotations

import argparse
import contextlib
import io
from collections.abc import Callable, Iterator

import pytest

from fleettui.cli.main import build_parser, parse

VIN = "WBA12345678901234"

LINES = [
    [],
    ["--demo"],
    ["--demo", "--demo-vehicles", "500", "--demo-speed", "2", "--refresh", "20"],
    ["--prof", "bench", "--read-only", "--full-refresh"],  # an abbreviation, no command
    ["--profile", "bench", "list", "--json"],  # a global option before the command
    ["--read-only", "--refresh", "30", "list"],
    ["list", "--js"],  # an abbreviated option
    ["list", "--state", "pend", "--state", "approved", "--brand", "bmw", "--tag", "depot=x"],
    ["list", "--tag", "k", "--vin", VIN, "--older-than", "7d", "--sort", "age", "--reverse"],
    ["list", "--csv", "--newer-than", "2h", "--filter", "state:pending -brand:bmw"],
    ["list", "--watch", "30", "--profile", "p", "--read-only", "--data"],
    ["list", "--desk", "--mine"],
    ["--profile", "list", "list"],  # the profile is named like a command
    ["--profile", "show", "list", "--json"],  # ... like another command: guessed wrong
    ["--profile", "add", "history", "--since", "1d"],
    ["--profile", "list", "desk", "status", "--json"],
    ["--profile", "list", "show", VIN],
    ["--profile", "history", "explain", "pending"],
    ["show", VIN, "--json"],
    ["add", VIN, "bmw", "--tag", "a=b", "--dry-run", "--check"],
    ["add", "--file", "cars.csv", "--rejects", "bad.csv", "--json"],
    ["cancel", VIN, VIN, "--json", "--dry-run"],
    ["revoke", VIN, "--yes"],
    ["check", VIN, "--json"],
    ["data", VIN, "--max-wait", "5"],
    ["explain", "pending", "--brand", "bmw", "--json"],
    ["explain", "--list"],
    ["profile", "add", "p", "--base-url", "http://127.0.0.1:1", "--client-id", "c"],
    ["profile", "list", "--json"],
    ["profile", "use", "p"],
    ["profile", "remove", "p"],
    ["profile", "test", "p"],
    ["simulator", "--port", "0", "--vehicles", "10", "--seed", "3"],
    ["webhooks", "listen", "--port", "0"],
    ["webhooks", "status", "--json"],
    ["webhooks", "test", "http://127.0.0.1:1/hook", "--vin", VIN],
    ["webhooks", "replay", "events.jsonl", "--new-ids"],
    ["record", "--once", "--quiet"],
    ["triage", "--json", "--by-brand"],
    ["history", "--since", "1d", "--vin", VIN, "--json"],
    ["stats", "--days", "7"],
    ["desk", "status", "--json"],
    ["desk", "claim", VIN, "--hours", "2"],
    ["desk", "note", VIN, "a note"],
    ["desk", "handover", "--no-fleet"],
    ["serve", "--port", "0", "--demo"],
    # usage errors: the same message and exit code
    ["list", "--state", "sleeping"],
    ["list", "--s", "x"],  # an ambiguous abbreviation
    ["list", "--json", "--csv"],
    ["list", "--bogus", "1"],
    ["--nope", "list"],
    ["nosuchcommand"],
    ["show"],
    ["profile"],
    ["profile", "add", "x", "--zzz"],
    ["--profile", "list", "explain", "--bogus"],
    ["--demo-vehicles", "0"],
    ["--refresh", "list"],
]


def _outcome(how: Callable[[], argparse.Namespace]) -> tuple[object, ...]:
    """What parsing gave: the arguments, or the exit code and what was printed."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            args = how()
        except SystemExit as e:
            return ("exit", e.code, out.getvalue(), err.getvalue())
    values = vars(args)
    func = values.pop("func")
    return ("args", getattr(func, "__wrapped__", func), values, out.getvalue(), err.getvalue())


@pytest.mark.parametrize("line", LINES, ids=" ".join)
def test_a_command_line_parses_as_the_whole_parser_parses_it(line: list[str]) -> None:
    assert _outcome(lambda: parse(line)) == _outcome(lambda: build_parser().parse_args(line))


def _command_paths(parser: argparse.ArgumentParser, path: list[str]) -> Iterator[list[str]]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield [*path, name]
                yield from _command_paths(sub, [*path, name])


def test_every_command_s_help_is_the_whole_parser_s() -> None:
    paths = list(_command_paths(build_parser(), []))
    assert len(paths) > 35 and ["desk", "handover"] in paths  # (nested commands too)
    for path in [[], *paths]:
        lazily = _outcome(lambda: parse([*path, "--help"]))  # noqa: B023 - called at once
        whole = _outcome(lambda: build_parser().parse_args([*path, "--help"]))  # noqa: B023
        assert lazily == whole and lazily[:2] == ("exit", 0), path
        assert whole[2].startswith(f"usage: {' '.join(['fleettui', *path])}")
