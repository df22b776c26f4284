"""A command's background job (fleettui.cli.background): detached, and bounded in time
without leaving a half-written file behind."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

_JOB = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from fleettui.cli import background
    from fleettui.config.atomic import atomic_write_chunks

    background.JOB_SECONDS = 1

    def chunks():
        while True:  # a write that never ends (a disk that hangs, a machine far too busy)
            yield b"x" * 100
            time.sleep(0.05)

    background.in_background(lambda: atomic_write_chunks(Path(sys.argv[1]) / "f", chunks()))
    """
)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork: the job runs in place")
def test_a_job_out_of_time_leaves_no_half_written_file(tmp_path: Path) -> None:
    # The snapshot cache's writer is stopped after its time; it was killed outright,
    # leaving its hidden temporary file (up to ~20 MB at 100k vehicles) in the cache
    # folder for good, one more each time.
    out = tmp_path / "out"
    out.mkdir()
    proc = subprocess.run(
        [sys.executable, "-c", _JOB, str(out)], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    for _ in range(300):  # the detached job starts its file...
        if list(out.iterdir()):
            break
        time.sleep(0.05)
    assert list(out.iterdir())
    for _ in range(400):  # ...and, stopped after its second, removes it
        if not list(out.iterdir()):
            break
        time.sleep(0.05)
    assert list(out.iterdir()) == []
