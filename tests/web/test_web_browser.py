"""`fleettui serve --demo` in a real browser: Debian's chromium, driven by Playwright.

The page's terminal is drawn on a canvas, so the test reads it the way the page gets it:
an init script keeps every frame the WebSocket delivers, and pyte (a terminal emulator)
turns them back into the screen the page shows. Skipped, saying why, when chromium or
Playwright is not installed.
"""

from __future__ import annotations

import csv
import re
import threading
from pathlib import Path

import pytest

from tests.support.browser import TerminalPage, launch_chromium
from tests.support.quiet_server import QuietHandler, QuietHTTPServer
from tests.support.web import CANARY, CANARY_VAR, alive, children_of, environ_of, wait_for

pytestmark = pytest.mark.browser
VIN = re.compile(r"(?<![A-Z0-9])[A-HJ-NPR-Z0-9]{17}(?![A-Z0-9])")


@pytest.fixture(scope="module")
def browser():
    with launch_chromium() as running:
        yield running


def _table_vins(screen: str) -> set[str]:
    """VINs in the table: the lines above the first horizontal rule (the detail pane)."""
    table = screen.split("─" * 10, 1)[0]
    return set(VIN.findall(table))


def test_the_demo_fleet_works_by_keyboard(browser, served):
    page = TerminalPage.open(browser, served.url)
    try:
        _use_the_monitor(page, served)
    finally:
        page.close()


def _use_the_monitor(page: TerminalPage, served) -> None:
    assert page.page.url == served.base + "/"  # the token left the address bar
    screen = page.wait_for(lambda s: len(_table_vins(s)) >= 5, "the demo fleet's VINs")
    vin = sorted(_table_vins(screen))[3]

    page.press("/")
    page.wait_for(lambda s: "filter: text" in s, "the filter input")  # focus moved there
    page.type(vin[-7:])
    page.press("Enter")
    page.wait_for(lambda s: _table_vins(s) == {vin}, f"the table filtered to {vin}")

    page.press("Enter")  # the detail, full screen
    detail = page.wait_for(
        lambda s: "History" in s and "Back" in s and vin in s, "the full-screen detail"
    )
    assert "Next steps" in detail or "What happens next" in detail
    page.press("Escape")
    page.wait_for(lambda s: _table_vins(s) == {vin} and "Enter Detail" in s, "the table again")

    page.press("Control+p")  # the command palette
    page.wait_for(lambda s: "Search for commands" in s, "the command palette")
    page.type("help")
    page.wait_for(lambda s: "closes)" not in s and "elp" in s, "the palette's match")
    page.press("Enter")
    page.wait_for(lambda s: "closes)" in s, "the help screen, from the palette")
    page.press("Escape")  # (alone: Escape then a key at once would read as alt+key)
    page.wait_for(lambda s: "closes)" not in s, "the help screen to close")

    page.press("a")  # a dialog: the add form takes typing, Escape keeps it as a draft
    page.wait_for(lambda s: "Add vehicles" in s, "the add form")
    page.type("WBA")
    page.wait_for(lambda s: "WBA" in s.split("Add vehicles", 1)[1], "the typed VIN")
    page.press("Escape")
    page.wait_for(lambda s: "Add vehicles" not in s and "Enter Detail" in s, "the table again")

    page.press("P")  # a tab never switches to another profile of the server's config
    page.wait_for(lambda s: "Profile pinned" in s, "the pinned-profile notice")

    # No secret of the server reaches the page or the session's process.
    assert CANARY not in page.page.content()
    assert CANARY not in page.screen_text() and CANARY not in page.raw()
    pids = children_of(served.process.pid)
    for pid in pids:
        child = environ_of(pid)
        assert CANARY_VAR not in child and CANARY not in "".join(child.values())

    page.press("q")  # quitting ends the tab's session and its process
    wait_for(lambda: "-closed" in page.page.evaluate("document.body.className"), "Session ended")
    assert "Session ended" in page.page.inner_text(".closed-dialog")
    wait_for(lambda: not any(alive(pid) for pid in pids), "the session's process to end")


def _detail_vin(screen: str) -> str | None:
    """The VIN the detail pane (below the table's rule) is showing."""
    parts = screen.split("─" * 10, 1)
    found = VIN.search(parts[1]) if len(parts) == 2 else None
    return found.group(0) if found else None


def test_copy_reaches_the_browsers_clipboard_and_export_is_a_download(
    browser, served, tmp_path, isolated_dirs
):
    page = TerminalPage.open(browser, served.url, permissions=["clipboard-read", "clipboard-write"])
    try:
        screen = page.wait_for(
            lambda s: len(_table_vins(s)) >= 5 and _detail_vin(s), "the fleet and its detail pane"
        )
        vin = _detail_vin(screen)
        page.press("y")
        # The toast wraps at about 45% of the width, so its first line is what is matched.
        page.wait_for(lambda s: f"Copied {vin} to the browser's" in s, "the copy notice")
        assert wait_for(
            lambda: page.page.evaluate("navigator.clipboard.readText()") == vin,
            "the VIN in the browser's clipboard",
        )

        page.press("2")  # only approved: the export is what the filter shows

        def filtered(screen: str) -> int | None:
            found = re.search(r"(\d+)/300 shown", screen)
            return int(found.group(1)) if found and int(found.group(1)) < 300 else None

        count = filtered(page.wait_for(filtered, "the state filter"))
        with page.page.expect_download() as info:
            page.press("e")
        download = info.value
        name = download.suggested_filename
        page.wait_for(lambda s: f"Exported {count} rows" in s, "the export notice")
        assert re.fullmatch(r"fleet-\d{8}-\d{6}\.csv", name)
        saved = tmp_path / name
        download.save_as(saved)
        rows = list(csv.reader(saved.open(encoding="utf-8", newline="")))
        assert rows[0][:3] == ["vin", "brand", "status"]
        assert len(rows) == count + 1 and {r[2] for r in rows[1:]} == {"approved"}
        # Nothing was written on the server's disk.
        assert not any(Path(isolated_dirs["export"]).iterdir())
    finally:
        page.close()


def test_without_the_token_the_browser_gets_nothing(browser, served):
    context = browser.new_context()
    try:
        page = context.new_page()
        response = page.goto(served.base + "/")
        assert response.status == 401
        assert "textual" not in page.content()
        response = page.goto(served.base + "/?token=not-the-token")
        assert response.status == 403
        assert not context.cookies()
        assert children_of(served.process.pid) == []
    finally:
        context.close()


class _EvilPage(QuietHandler):
    target = ""

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        body = f"""<!DOCTYPE html><title>evil</title><script>
          window.log = [];
          const s = new WebSocket({self.target!r});
          s.onopen = () => window.log.push("open");
          s.onmessage = () => window.log.push("message");
          s.onerror = () => window.log.push("error");
          s.onclose = () => window.log.push("close");
        </script>""".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def test_a_page_from_another_origin_cannot_open_the_websocket(browser, served):
    """Even with the operator logged in (another port of 127.0.0.1 is the same *site*, so
    the SameSite cookie IS sent), the Origin check refuses the socket."""
    handler = type("Evil", (_EvilPage,), {"target": served.base.replace("http", "ws") + "/ws"})
    evil = QuietHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=evil.serve_forever, daemon=True).start()
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(served.url)
        page.wait_for_url(served.base + "/")
        assert context.cookies()  # logged in
        attacker = context.new_page()
        attacker.goto(f"http://127.0.0.1:{evil.server_address[1]}/")
        log = wait_for(
            lambda: "close" in attacker.evaluate("window.log") and attacker.evaluate("window.log"),
            "the socket to be refused",
        )
        assert "open" not in log and "message" not in log
        pids = children_of(served.process.pid)
        assert len(pids) == 1  # only the real tab's session
    finally:
        context.close()
        evil.shutdown()
        evil.server_close()
    served.stop()
    assert "A WebSocket from another site is not accepted" in served.stderr()


def test_the_token_leaves_the_address_bar_and_the_history(browser, served):
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(served.url)
        page.wait_for_url(served.base + "/")
        [cookie] = context.cookies()
        assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
        assert served.token not in cookie["value"]
        assert page.evaluate("document.cookie") == ""  # HttpOnly: no script can read it
        page.go_back()
        assert served.token not in page.url
    finally:
        context.close()
