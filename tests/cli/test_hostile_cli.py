"""Every CLI command against every class of hostile answer (tests/support/hostile_server.py),
each as its own process: never a traceback, never a hang past the deadline, never an
escape or other hidden character on the terminal, and a message naming the problem."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys

import pytest

from fleettui.core.json_codec import PURE_VARIABLE
from tests.support.hostile_cli import (
    DEADLINE,
    GENEROUS_DEADLINE,
    assert_safe_output,
    hostile_env,
)
from tests.support.hostile_server import (
    APPROVED_VIN,
    BODY_KINDS,
    DATA_KINDS,
    FLOW_KINDS,
    PENDING_VIN,
    HostileServer,
    gzip_bomb,
)

csv.field_size_limit(10**8)  # the "huge" class has 200 KB cells
NEW_VIN = "WBA3A5C50CF256652"
COMMANDS = {
    "list": ["list"],
    "list-json": ["list", "--json"],
    "list-csv": ["list", "--csv"],
    "show": ["show", PENDING_VIN],
    "add": ["add", NEW_VIN, "bmw", "--tag", "depot=berlin"],
    "add-file": ["add", "--file", "{file}"],
    "cancel": ["cancel", PENDING_VIN],
    "revoke": ["revoke", APPROVED_VIN, "--yes"],
    "profile-test": ["profile", "test"],
}
#: What stderr must say when an answer class makes every call fail.
FAILURES = {
    "truncated": "cannot read",
    "not_json": "cannot read",
    "null_body": "cannot read",
    "json_object": "cannot read",
    "html_200": "cannot read",
    "html_error": r"server error \(502",
    "error_escapes": r"server error \(500",
    "not_found": "base URL .* is likely wrong",
    "redirect": "redirect",
    "trickle": f"did not answer within {DEADLINE} s",
    "slow_headers": f"did not answer within {DEADLINE} s",
    "silent": f"did not answer within {DEADLINE} s",
    "cut_body": "dropped before an answer arrived",
    "endless_401": "rejected the client credentials",
    "token_401": "rejected the client credentials",
    "retry_after_long": "fleettui waits 5 min at most",
    "retry_after_inf": "Too many requests",
    "html_titles": r"server error \(502",
    "deep_error": r"server error \(500",
    "deep_list": "nested too deeply to be",
}
#: The classes whose failure is the client's deadline.
TIMED_KINDS = {kind for kind, says in FAILURES.items() if says.startswith("did not answer")}
#: Commands a failure class does not fail, and what they say instead.
EXCEPTIONS = {
    ("json_object", "add"): (2, "did not report on this VIN"),
    ("json_object", "add-file"): (2, "did not report on this VIN"),
    ("not_found", "show"): (1, "No clearance for this VIN"),
}


@pytest.fixture(scope="module")
def server():
    with HostileServer() as srv:
        yield srv


def run_every_command(cli, server, tmp_path, kind):  # noqa: ANN001
    server.kind = kind
    # The short deadline only where the class is about deadlines (its message names it).
    deadline = DEADLINE if kind in TIMED_KINDS else GENEROUS_DEADLINE
    env = hostile_env(tmp_path, server.base_url, deadline=deadline)
    # The file for add --file: a good line, and one with an escape in a tag value.
    lines = tmp_path / "vehicles.csv"
    lines.write_text(f"{NEW_VIN},bmw\nWBA3A5C51CF256653,bmw,depot=ber\x1b[2Jlin\n")
    commands = [[a.format(file=lines) for a in argv] for argv in COMMANDS.values()]
    runs = cli.run_all(commands, env, timeout=deadline + 30)
    for name, run in zip(COMMANDS, runs, strict=True):
        assert not run.timed_out, f"{name}: still running after {deadline + 30} s"
        assert_safe_output(run)
        assert run.code in (0, 1, 2, 3), (name, run.code, run.err)
    return dict(zip(COMMANDS, runs, strict=True))


@pytest.mark.parametrize("kind", [*BODY_KINDS, *FLOW_KINDS])
def test_every_command_fails_with_a_message_naming_the_problem(cli, server, tmp_path, kind):
    runs = run_every_command(cli, server, tmp_path, kind)
    for name, run in runs.items():
        code, pattern = EXCEPTIONS.get((kind, name), (1, FAILURES[kind]))
        if name == "profile-test" and kind == "not_found":
            code = 2  # `profile test` exits 2 for a bad base URL
        message = run.err + run.out
        assert run.code == code, (name, run.code, message)
        assert re.search(pattern, message), (name, message)


@pytest.mark.parametrize("kind", DATA_KINDS)
def test_every_command_survives_hostile_data(cli, server, tmp_path, kind):
    runs = run_every_command(cli, server, tmp_path, kind)
    empty = kind == "empty_list"
    listed = runs["list"]
    assert listed.code == 0, listed.err
    assert (PENDING_VIN in listed.out) is not empty
    data = json.loads(runs["list-json"].out)
    assert ({PENDING_VIN, APPROVED_VIN} <= {v["vin"] for v in data}) is not empty
    rows = list(csv.reader(io.StringIO(runs["list-csv"].out)))
    assert rows[0][0] == "vin" and all(
        not c.startswith(("=", "+", "-", "@")) for row in rows for c in row
    )
    if empty:
        assert runs["show"].code == 1 and "not a vehicle object" in runs["show"].err
        for name in ("cancel", "revoke"):
            assert runs[name].code == 2 and "not in the fleet" in runs[name].out
    else:
        assert runs["show"].code == 0 and PENDING_VIN in runs["show"].out
        assert runs["cancel"].code == 0 and "canceling" in runs["cancel"].out
        assert runs["revoke"].code == 0 and "revoking" in runs["revoke"].out
    # The provider refuses every added VIN (with hostile words; its answer may also name
    # VINs it was not asked about, which are ignored): exit 2, the refusal on stderr.
    assert runs["add"].code == 2
    assert f"fleettui: {NEW_VIN}: refused by the provider: refused: {kind}" in runs["add"].err
    assert runs["add-file"].code == 2
    assert "tag value 'ber" in runs["add-file"].err and "U+001B" in runs["add-file"].err
    assert runs["profile-test"].code == 0


@pytest.mark.parametrize("kind", DATA_KINDS)
def test_list_json_is_the_same_without_the_native_encoder(cli, server, tmp_path, kind):
    """Every hostile answer's `list --json` (and its messages, and exit code) is the same
    with the native JSON encoder and with the pure-Python fallback; only the seconds in
    state may differ (the server's clock can tick between the two runs)."""
    server.kind = kind
    env = hostile_env(tmp_path, server.base_url)
    native = cli.run(["list", "--json"], env, timeout=GENEROUS_DEADLINE + 30)
    pure = cli.run(["list", "--json"], {**env, PURE_VARIABLE: "1"}, timeout=GENEROUS_DEADLINE + 30)
    assert native.code == pure.code == 0, (native.err, pure.err)
    seconds = re.compile(rb'"seconds_in_state":-?[0-9]+')
    assert seconds.sub(b"", native.out_bytes) == seconds.sub(b"", pure.out_bytes)
    assert native.err == pure.err
    assert_safe_output(native)


def test_duplicated_vins_keep_the_newest_and_say_how_many(cli, server, tmp_path):
    runs = run_every_command(cli, server, tmp_path, "duplicates")
    listed = runs["list"]
    assert "repeated VINs (3 extra entries)" in listed.err
    assert listed.out.count(PENDING_VIN) == 1 and "newest" in listed.out
    assert [v["reason"] for v in json.loads(runs["list-json"].out) if v["vin"] == PENDING_VIN] == [
        "newest"
    ]


def test_impossible_timestamps_read_as_unknown_times(cli, server, tmp_path):
    data = json.loads(run_every_command(cli, server, tmp_path, "timestamps")["list-json"].out)
    since = {v["vin"]: v["state_since"] for v in data}
    assert since["WVWZZZ1JZXW000100"] is None  # 2026-02-30
    assert since["WVWZZZ1JZXW000101"] is None  # 2026-13-45T99:99:99
    assert since[PENDING_VIN] == "2026-10-01T12:00:00Z"


def test_escapes_are_removed_whole_not_just_their_esc(cli, server, tmp_path):
    runs = run_every_command(cli, server, tmp_path, "escapes")
    for name in ("list", "list-csv", "show"):
        out = runs[name].out
        assert "pwned title" not in out and "]52;" not in out and "[2J" not in out, name
    # --json keeps the data exactly (a program gets the provider's string), escaped.
    assert "\\u001b]0;pwned title\\u0007" in runs["list-json"].out


def test_the_real_executable_ends_at_the_deadline_against_a_trickle(server, tmp_path):
    """The same, through `python -m fleettui.cli.main` (not the forking runner)."""
    server.kind = "trickle"
    env = hostile_env(tmp_path, server.base_url, deadline=2)
    run = subprocess.run(
        [sys.executable, "-m", "fleettui.cli.main", "list", "--csv"],
        env=env,
        capture_output=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert run.returncode == 1
    assert b"did not answer within 2 s" in run.stderr and b"Traceback" not in run.stderr
    assert b"\x1b" not in run.stdout + run.stderr


def test_the_real_executable_writes_no_escape_from_hostile_data(server, tmp_path):
    server.kind = "escapes"
    env = hostile_env(tmp_path, server.base_url)
    for argv in (["list"], ["list", "--csv"], ["list", "--json"]):
        run = subprocess.run(
            [sys.executable, "-m", "fleettui.cli.main", *argv],
            env=env,
            capture_output=True,
            timeout=60,
            stdin=subprocess.DEVNULL,
        )
        assert run.returncode == 0, run.stderr
        assert b"\x1b" not in run.stdout + run.stderr
        assert b"\xc2\x9b" not in run.stdout and b"\xe2\x80\xae" not in run.stdout  # C1, RLO


def test_stdin_closed_at_start_is_one_line_not_a_traceback(tmp_path):
    env = hostile_env(tmp_path, "http://127.0.0.1:9")
    run = subprocess.run(
        f'exec "{sys.executable}" -m fleettui.cli.main --demo <&-',
        shell=True,
        env=env,
        capture_output=True,
        timeout=60,
    )
    assert run.returncode == 2
    assert run.stderr.decode().startswith(
        "fleettui: the monitor needs a terminal, and stdin is closed"
    )
    assert b"Traceback" not in run.stderr


def test_one_bad_value_marks_its_entry_not_the_list(cli, server, tmp_path):
    """Invalid UTF-8 in one tag, a million-digit number in another: the rest is read."""
    env = hostile_env(tmp_path, server.base_url)
    server.kind = "bad_utf8_tag"
    run = cli.run(["list", "--json"], env)
    assert run.code == 0, run.err
    tags = {v["vin"]: v["tags"] for v in json.loads(run.out)}
    assert {PENDING_VIN, APPROVED_VIN} <= set(tags)
    assert tags["WVWZZZ1JZXW000010"] == {"depot": "K\ufffdln"}
    assert "not valid UTF-8" in run.err
    server.kind = "long_number_tag"
    run = cli.run(["list", "--json"], env)
    assert run.code == 0, run.err
    tags = {v["vin"]: v["tags"] for v in json.loads(run.out)}
    assert {PENDING_VIN, APPROVED_VIN} <= set(tags)
    assert "a number of 1000000 digits" in tags["WVWZZZ1JZXW000011"]["n"]
    assert "too long to read" in run.err


def test_tags_that_are_not_text_print_as_json(cli, server, tmp_path):
    server.kind = "object_tags"
    env = hostile_env(tmp_path, server.base_url)
    csv_run, show = cli.run(["list", "--csv"], env), cli.run(["show", PENDING_VIN], env)
    assert csv_run.code == 0 and show.code == 0, csv_run.err + show.err
    rows = list(csv.reader(io.StringIO(csv_run.out)))
    cells = [row[rows[0].index("tags")] for row in rows[1:]]  # seconds_in_state is last
    assert cells == ['list=[1, "x"];none=null;obj={"b": 1};yes=true'] * 2
    for out in (csv_run.out, show.out):
        assert "{'b'" not in out and "None" not in out and "True" not in out
    assert '{"b": 1}' in show.out and "null" in show.out and "true" in show.out


@pytest.mark.parametrize("kind", ["date_9999", "date_1900"])
def test_an_implausible_server_clock_is_said_and_not_used(cli, server, tmp_path, kind):
    server.kind = kind
    run = cli.run(["list", "--json"], hostile_env(tmp_path, server.base_url))
    assert run.code == 0, run.err
    assert "not plausible" in run.err and "this machine's clock" in run.err
    # Ages are measured from this machine's clock: the vehicles entered their state on
    # 2026-10-01, some days before now, never thousands of years or a negative age.
    for v in json.loads(run.out):
        if "seconds_in_state" in v:
            assert 0 <= v["seconds_in_state"] < 10 * 365 * 86400


def test_a_gzip_bomb_is_refused_early_and_said(cli, server, tmp_path):
    gzip_bomb()  # made before the request, not within the client's deadline
    server.kind = "gzip_bomb"
    run = cli.run(["list"], hostile_env(tmp_path, server.base_url))
    assert run.code == 1
    assert "decompression bomb" in run.err and "Traceback" not in run.err


@pytest.mark.parametrize("argv", [["list"], ["list", "--csv"], ["list", "--json"]])
def test_a_reader_that_goes_away_ends_the_command_quietly(server, tmp_path, argv):
    """`fleettui list | head -1`: exit 0 and nothing on stderr (was "fleettui: Broken
    pipe" and exit 1 in four runs of five). The output is bigger than a pipe holds, so
    the writer always meets the closed pipe."""
    server.kind = "huge"
    env = hostile_env(tmp_path, server.base_url)
    for _ in range(3):
        proc = subprocess.Popen(
            [sys.executable, "-m", "fleettui.cli.main", *argv],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
        )
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.read(10)
        proc.stdout.close()  # the reader goes away
        err = proc.stderr.read()
        assert proc.wait(60) == 0, err
        assert b"Broken pipe" not in err and b"Traceback" not in err and b"Exception" not in err
