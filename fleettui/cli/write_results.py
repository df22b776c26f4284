"""What `add`, `cancel` and `revoke` share (:mod:`fleettui.cli.fleet_write`,
:mod:`fleettui.cli.fleet_remove`): the per-VIN result, the read-only refusal, the report
on stdout (text or JSON), the dry run's summary and the audit log."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass

from fleettui.cli.common import UsageError, error, plain, print_json, resolved_profile
from fleettui.config.audit import AuditResult, record_write
from fleettui.config.resolve import ResolvedProfile

#: `add`: some lines were added, others refused.
EXIT_PARTIAL = 3


@dataclass
class WriteResult:
    vin: str
    ok: bool
    sent: bool
    status: str | None
    message: str

    def to_json(self) -> dict:
        return {
            "vin": self.vin,
            "ok": self.ok,
            "sent": self.sent,
            "status": self.status,
            "message": self.message,
        }


def writable_profile(args: argparse.Namespace, what: str) -> ResolvedProfile:
    if args.dry_run:  # sends nothing: allowed read-only, and says a real run would not be
        profile = resolved_profile(args)
        if profile.read_only:
            error(f"note: profile {profile.name!r} is read-only; a real run would be refused")
        return profile
    if getattr(args, "read_only", False):
        raise UsageError(f"--read-only: refusing to {what}; nothing was sent")
    profile = resolved_profile(args)
    if profile.read_only:
        raise UsageError(
            f"profile {profile.name!r} is read-only: refusing to {what}; nothing was sent"
        )
    return profile


def report(args: argparse.Namespace, action: str, results: list[WriteResult]) -> None:
    if args.json:
        data: dict = {"action": action}
        if args.dry_run:
            data["dry_run"] = True
        data["results"] = [r.to_json() for r in results]
        print_json(data)
        return
    for r in results:
        if args.dry_run:
            label = "would send" if r.ok else "skip"
        else:
            label = "ok" if r.ok else ("refused" if r.sent else "not sent")
        print(f"{plain(r.vin)}  {label:<8}  {plain(r.message, 400)}")


def dry_run_summary(args: argparse.Namespace, results: list[WriteResult]) -> None:
    would = sum(r.ok for r in results)
    text = f"dry run: {would} would be sent, {len(results) - would} skipped; nothing was sent"
    print(text, file=sys.stderr if args.json else sys.stdout)


def audit(profile: ResolvedProfile, action: str, results: list[WriteResult]) -> None:
    if not any(r.sent for r in results):
        return
    try:
        record_write(
            profile.name,
            action,
            [r.vin for r in results],
            [AuditResult(r.vin, r.ok, r.message) for r in results],
        )
    except OSError as e:
        error(f"warning: the audit log could not be written ({e.strerror or e})")
