"""`fleettui triage`, `history`, `stats`, `record` against the simulator."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import threading

import pytest

from fleettui.history.database_file import history_path
from tests.support.cli import run

DAY = 86400.0
QUEUE_KEYS = {
    "id",
    "actor",
    "kind",
    "state",
    "reason",
    "title",
    "brand",
    "brands",
    "count",
    "oldest_since",
    "next_deadline",
    "deadline_is_estimate",
    "fix",
    "vehicles",
}


def test_triage_json_shape_and_the_queue_message(sim_profile, capsys):
    code, out, err = run(capsys, "triage", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert set(doc) == {"now", "total", "by_brand", "queues"} and doc["total"] == 60
    assert doc["queues"] and all(set(q) == QUEUE_KEYS for q in doc["queues"])
    assert len({q["id"] for q in doc["queues"]}) == len(doc["queues"])
    assert all(q["count"] == len(q["vehicles"]) for q in doc["queues"])
    actors = {q["actor"] for q in doc["queues"]}
    assert actors <= {"driver", "fleet operator", "High Mobility support", "nobody (wait)"}
    dated = [q for q in doc["queues"] if q["next_deadline"]]
    assert dated and all(q["deadline_is_estimate"] for q in dated)
    vehicle = doc["queues"][0]["vehicles"][0]
    assert set(vehicle) == {
        "vin",
        "brand",
        "status",
        "reason",
        "since",
        "rejects_by_estimate",
        "request_id",
    }

    qid = doc["queues"][0]["id"]
    code, out, _ = run(capsys, "triage", "--queue", qid)
    assert code == 0 and doc["queues"][0]["vehicles"][0]["vin"] in out
    code, out, _ = run(capsys, "triage", "--queue", qid, "--csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == doc["queues"][0]["count"]
    assert {"vin", "brand", "added", "state", "reason", "changelog"} <= set(rows[0])


def test_triage_text_and_usage_errors(sim_profile, capsys):
    code, out, _ = run(capsys, "triage")
    assert code == 0 and out.startswith("Triage: ") and "\nDriver (" in out
    code, _, err = run(capsys, "triage", "--queue", "no/such/queue")
    assert code == 2 and "no queue 'no/such/queue'; queues now: " in err
    code, _, err = run(capsys, "triage", "--csv")
    assert code == 2 and "--csv needs --queue" in err
    code, out, _ = run(capsys, "triage", "--json", "--by-brand")
    assert code == 0 and all(q["brand"] for q in json.loads(out)["queues"])


def test_history_answers_offline_from_what_was_recorded(sim_profile, capsys):
    sim = sim_profile
    assert run(capsys, "triage", "--json")[0] == 0
    sim.engine.advance(2 * DAY)
    assert run(capsys, "stats", "--json")[0] == 0  # records the two days' changes too
    vin = next(v for v in sim.engine.vehicles if len(sim.engine.vehicles[v]["changelog"]) > 1)
    sim.stop()  # no network from here on
    code, out, err = run(capsys, "history", "--vin", vin, "--json")
    assert code == 0, err
    events = json.loads(out)
    assert [e["new_state"] for e in events] == [
        e["status"] for e in sim.engine.vehicles[vin]["changelog"]
    ]
    assert set(events[0]) == {
        "vin",
        "brand",
        "old_state",
        "new_state",
        "reason",
        "at",
        "seen_at",
        "source",
    }
    code, out, _ = run(capsys, "history", "--since", "4000d", "--state", "approved", "--csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert code == 0 and rows[0] == [
        "vin",
        "brand",
        "old_state",
        "new_state",
        "reason",
        "at",
        "seen_at",
        "source",
    ]
    assert len(rows) > 5 and {r[3] for r in rows[1:]} == {"approved"}
    code, out, _ = run(capsys, "history", "--since", "4000d", "--limit", "3")
    assert code == 0 and len(out.strip().splitlines()) == 4
    code, _, err = run(capsys, "history", "--since", "yesterday-ish")
    assert code == 2 and "use a span like 90m, 12h, 1d, 2w" in err


def test_stats_json_shape(sim_profile, capsys):
    code, out, err = run(capsys, "stats", "--json", "--days", "14")
    assert code == 0, err
    doc = json.loads(out)
    assert set(doc) == {"now", "source", "brands", "pending_ages", "daily", "data"}
    assert doc["source"] == "history" and len(doc["daily"]) == 14
    assert set(doc["brands"][0]) == {
        "brand",
        "approved",
        "rejected",
        "approval_rate",
        "rejection_rate",
        "approval_seconds_median",
        "approval_seconds_p90",
        "approval_samples",
    }
    code, out, _ = run(capsys, "stats")
    assert code == 0 and "Pending vehicles by age" in out
    assert run(capsys, "stats", "--days", "0")[0] == 2


def test_record_once_fills_the_history(sim_profile, capsys):
    code, _, err = run(capsys, "record", "--once")
    assert code == 0 and "60 vehicles" in err
    assert history_path("sim").exists()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_record_daemon_stops_cleanly_on_signals(sim_profile, sig):
    sim = sim_profile
    proc = subprocess.Popen(
        [sys.executable, "-m", "fleettui", "record", "--refresh", "5"],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env=dict(os.environ),
    )
    # Read by a thread: a daemon that printed nothing cannot hold the test in a readline,
    # and every line it wrote is in the failure's message.
    lines: list[str] = []
    polled = threading.Event()

    def read() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            lines.append(line)
            if "60 vehicles" in line:
                polled.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        # (a poll that failed on a loaded machine is retried: wait for one that worked)
        assert polled.wait(60), lines
        sim.engine.advance(DAY)
        proc.send_signal(sig)
        proc.wait(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    reader.join(10)
    said = "".join(lines)
    assert (proc.returncode, f"{sig.name}: stopped" in said) == (0, True), said
    assert sim.client_secret not in said
