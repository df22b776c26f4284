"""Whatever sits at a path fleettui reads back cannot hang or flood it (issue 21): a FIFO,
a link to an endless file, a file far bigger than its format. Each read ends at once with
a note, and the caller starts fresh."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fleettui.config.cache import MAX_CACHE_BYTES, snapshot_path
from fleettui.config.cache_read import read_first_page, read_snapshot
from fleettui.config.config_file import load_config
from fleettui.config.errors import InvalidConfig
from fleettui.core.vehicle_lines import read_text_file
from fleettui.history.store import HistoryStore


def ends(call: Callable[[], Any]) -> Any:
    """`call()` on a thread that must end (a generous bound: it hung for ever before)."""
    out: list[Any] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            out.append(call())
        except BaseException as e:  # noqa: BLE001 - handed to the test
            failure.append(e)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(60)
    assert not worker.is_alive(), "the read blocked"
    if failure:
        raise failure[0]
    return out[0]


def _fifo(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)
    return path


@pytest.mark.usefixtures("isolated_dirs")
def test_a_fifo_as_the_cache_is_one_note_not_a_wait():
    _fifo(snapshot_path("p"))
    snapshot, note = ends(lambda: read_snapshot("p", "http://x"))
    assert snapshot is None and "named pipe" in (note or "")
    assert ends(lambda: read_first_page("p", "http://x")) is None


@pytest.mark.usefixtures("isolated_dirs")
def test_a_link_to_an_endless_file_is_not_followed():
    path = snapshot_path("p")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to("/dev/zero")
    snapshot, note = ends(lambda: read_snapshot("p", "http://x"))
    assert snapshot is None and "symbolic link" in (note or "")
    assert ends(lambda: read_first_page("p", "http://x")) is None


@pytest.mark.usefixtures("isolated_dirs")
def test_a_cache_bigger_than_its_format_is_not_read():
    path = snapshot_path("p")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        f.truncate(MAX_CACHE_BYTES + 1)  # sparse: no disk used
    snapshot, note = ends(lambda: read_snapshot("p", "http://x"))
    assert snapshot is None and "more than such a file can be" in (note or "")


def test_a_fifo_or_endless_config_is_a_clear_error(tmp_path):
    with pytest.raises(InvalidConfig, match="named pipe"):
        ends(lambda: load_config(_fifo(tmp_path / "config.toml")))
    link = tmp_path / "other.toml"
    link.symlink_to("/dev/zero")  # a config may be a link (dotfiles), but not to this
    with pytest.raises(InvalidConfig, match="character device"):
        ends(lambda: load_config(link))


def test_a_fifo_given_as_a_file_of_vins_is_refused(tmp_path):
    with pytest.raises(ValueError, match="named pipe"):
        ends(lambda: read_text_file(_fifo(tmp_path / "vins.csv"), 1_000_000))


def test_a_fifo_as_the_history_is_moved_aside_and_a_new_one_started(tmp_path):
    path = _fifo(tmp_path / "h.sqlite3")
    store = ends(lambda: HistoryStore(path))
    try:
        assert store.available and path.is_file()
        assert any("is not a file" in n and "moved" in n for n in store.notes)
    finally:
        store.close()


def test_a_fifo_as_the_webhook_database_is_moved_aside(tmp_path):
    from fleettui.webhooks.store import WebhookStore

    path = _fifo(tmp_path / "hooks.sqlite3")
    store = ends(lambda: WebhookStore(path))
    try:
        assert path.is_file() and any(
            p.name.startswith("hooks.sqlite3.corrupt-") for p in tmp_path.iterdir()
        )
    finally:
        store.close()
