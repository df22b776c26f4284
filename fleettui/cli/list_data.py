"""`fleettui list --data`: the listing with each vehicle's recorded data state (issue 19).

The states are what the checks recorded (the monitor's checker, `fleettui data`), read
from the profile's data records, aged to now (a car whose newest data grew older than its
brand's threshold shows as silent). Nothing is asked here.

- table: `VIN BRAND STATUS DATA NEWEST FIRST-DATA WHO`;
- ``--csv``: header ``vin,brand,status,data_state,data_label,newest,first_data,checked_at,error,request_id``;
- ``--json``: each `list --json` object plus ``"data": {"state", "label", "newest",
  "first_data", "checked_at", "error", "request_id"}`` (``null`` when the clearance is not
  approved).

With a desk (`desk`: the items carry ``"claimed_by"`` from `list_desk.with_claims`) the
table gains a CLAIMED column and the CSV a ``claimed_by`` column, after the data ones.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import datetime
from typing import IO, Any

from fleettui.cli.common import plain, print_table
from fleettui.config.data_checks import DataCheckSettings
from fleettui.core.data_states import cell_text, current_state
from fleettui.core.fleet_csv import write_table
from fleettui.core.timefmt import format_ts, parse_ts
from fleettui.history.data_records import DataRecords

CSV_HEADERS = (
    "vin",
    "brand",
    "status",
    "data_state",
    "data_label",
    "newest",
    "first_data",
    "checked_at",
    "error",
    "request_id",
)


def data_of(
    item: dict[str, Any], records: DataRecords, settings: DataCheckSettings, now: datetime
) -> dict[str, Any] | None:
    if item.get("status") != "approved":
        return None
    record = records.get(str(item.get("vin")))
    brand = item.get("brand") if isinstance(item.get("brand"), str) else None
    state = current_state(record, brand, now, settings.thresholds)
    approved = parse_ts(item.get("state_since"))
    return {
        "state": state.value,
        "label": cell_text(state, record, approved, now),
        "newest": format_ts(record.newest) or None if record else None,
        "first_data": format_ts(record.first_data) or None if record else None,
        "checked_at": format_ts(record.checked_at) or None if record else None,
        "error": record.error if record else None,
        "request_id": record.request_id if record else None,
        "actor": record.info.actor.value if record else None,
    }


def write_data_list(
    items: Sequence[dict[str, Any]],
    records: DataRecords,
    settings: DataCheckSettings,
    now: datetime,
    fmt: str,
    stream: IO[str] | None = None,
    *,
    desk: bool = False,
) -> None:
    out = stream or sys.stdout
    rows = [(item, data_of(item, records, settings, now)) for item in items]
    if fmt == "json":
        from fleettui.cli.list_json import write_json

        write_json([{**item, "data": data} for item, data in rows], out)
        return
    if fmt == "csv":
        write_table(
            (*CSV_HEADERS, "claimed_by") if desk else CSV_HEADERS,
            [
                [
                    item.get("vin"),
                    item.get("brand"),
                    item.get("status"),
                    *(
                        (
                            d["state"],
                            d["label"],
                            d["newest"],
                            d["first_data"],
                            d["checked_at"],
                            d["error"],
                            d["request_id"],
                        )
                        if d
                        else ("",) * 7
                    ),
                    *((item["claimed_by"] or "",) if desk else ()),
                ]
                for item, d in rows
            ],
            out,
        )
        return
    print_table(
        ("VIN", "BRAND", "STATUS", "DATA", "NEWEST", "FIRST-DATA", "WHO")
        + (("CLAIMED",) if desk else ()),
        [
            [
                plain(item.get("vin")),
                plain(item.get("brand")),
                plain(item.get("status")),
                d["label"] if d else "",
                d["newest"] or "-" if d else "",
                d["first_data"] or "-" if d else "",
                d["actor"] or "-" if d else "",
                *((plain(item["claimed_by"] or "-"),) if desk else ()),
            ]
            for item, d in rows
        ],
        out,
    )
