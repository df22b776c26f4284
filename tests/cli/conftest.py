"""The CLI tests' fixtures: a process that runs CLI commands as real child processes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.hostile_cli import CliRunner


@pytest.fixture(scope="module")
def cli() -> Iterator[CliRunner]:
    """`tests/support/cli_runner.py` in its own process: each command a forked child."""
    runner = CliRunner()
    yield runner
    runner.close()
