"""Proves a stack's state lock is stale before anyone removes it: `locks.py check --stack S --runs F`.

A job killed by its timeout or cancelled leaves its lock behind on a file or object-storage backend, and
every later update of the stack fails until `pulumi cancel` removes it. On such backends `pulumi cancel`
deletes every lock of the stack, a live update's included, so unlock.yml runs it only after this check:
(1) no workflow run that can update the stack is queued or in progress (the GitHub API's list, given as
a file of runs, one JSON object a line), and (2) every lock file is older than `--min-age` (a person's
`pulumi up` from a laptop is no workflow run: only its lock's age speaks for it). Exit codes: 0 stale,
safe to cancel (prints `unlock=true`); 1 not provably stale (prints why); 2 bad input.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

PROJECT = "cartly-infra"
STACK = re.compile(r"production|staging|infra-pr-([1-9][0-9]{0,8})")
DURATION = re.compile(r"([1-9][0-9]{0,4})([mhd])")
UNIT = {"m": "minutes", "h": "hours", "d": "days"}
# The workflows that take a stack's lock, and for which stacks (the PR's preview, or by branch).
DEPLOY, PR_STACKS, REAPER, UNLOCK = (
    ".github/workflows/deploy.yml",
    ".github/workflows/pr-stacks.yml",
    ".github/workflows/reap-previews.yml",
    ".github/workflows/unlock.yml",
)
DEPLOY_BRANCH = {"production": "main", "staging": "staging"}


class CheckError(Exception):
    """Bad input: nothing was checked."""


@dataclass(frozen=True)
class Lock:
    name: str
    modified: datetime


def may_touch(run: dict[str, Any], stack: str) -> bool:
    """Whether a queued or running workflow run can update `stack`; an unclear one counts as yes."""
    path = str(run.get("path", "")).split("@")[0]
    pr = STACK.fullmatch(stack)
    preview = pr.group(1) if pr else None
    if path == UNLOCK:
        return True  # another unlock of any stack: one at a time
    if path == DEPLOY:
        return preview is None and run.get("head_branch") in (DEPLOY_BRANCH[stack], None)
    if path == REAPER:
        return preview is not None
    if path == PR_STACKS:
        numbers = {str(p.get("number")) for p in run.get("pull_requests") or []}
        return preview is not None and (not numbers or preview in numbers)
    return False


def busy_runs(runs: Iterable[dict[str, Any]], stack: str, own_run_id: int) -> list[str]:
    return [
        f"run {run.get('id')} of {run.get('path')} is {run.get('status')} ({run.get('html_url', '')})"
        for run in runs
        if run.get("id") != own_run_id and may_touch(run, stack)
    ]


def lock_prefix(stack: str) -> tuple[str, str]:
    """Where a DIY backend keeps the stack's locks: project-scoped stacks, and the older flat layout."""
    return f".pulumi/locks/organization/{PROJECT}/{stack}/", f".pulumi/locks/{stack}/"


def list_locks(backend: str, stack: str) -> list[Lock]:
    url = urlparse(backend)
    if url.scheme == "file":
        root = Path(unquote(url.netloc + url.path)).expanduser()
        files = [f for prefix in lock_prefix(stack) for f in (root / prefix).glob("*.json")]
        return [Lock(f.name, datetime.fromtimestamp(f.stat().st_mtime, UTC)) for f in files]
    if url.scheme == "s3":
        base = url.path.strip("/")
        locks = []
        for prefix in lock_prefix(stack):
            key = f"{base}/{prefix}" if base else prefix
            command = ["aws", "s3api", "list-objects-v2", "--bucket", url.netloc, "--prefix", key]
            listed = subprocess.run(  # noqa: S603 (a fixed program; bucket and key from a parsed URL)
                [*command, "--output", "json"], capture_output=True, text=True, check=True
            ).stdout
            for item in (json.loads(listed) if listed.strip() else {}).get("Contents", []):
                moment = datetime.fromisoformat(item["LastModified"].replace("Z", "+00:00"))
                locks.append(Lock(item["Key"].rsplit("/", 1)[-1], moment))
        return locks
    raise CheckError(
        f"Cannot read lock files of a {url.scheme or 'bare'}:// backend here: check by hand (README, "
        "'Stale locks'), or extend tools/locks.py"
    )


def stale_reasons(locks: Sequence[Lock], busy: Sequence[str], now: datetime, min_age: timedelta) -> list[str]:
    """Why the lock is NOT provably stale; empty when it is."""
    why = [f"busy: {b}" for b in busy]
    why += [
        f"lock {lock.name} is only {int((now - lock.modified).total_seconds() // 60)} min old "
        f"(less than {int(min_age.total_seconds() // 60)}): a live update may hold it"
        for lock in locks
        if now - lock.modified < min_age
    ]
    return why


def duration(text: str) -> timedelta:
    match = DURATION.fullmatch(text.strip())
    if not match:
        raise argparse.ArgumentTypeError(f"age must look like 90m, 2h or 1d, got {text!r}")
    return timedelta(**{UNIT[match.group(2)]: int(match.group(1))})


def stack_name(text: str) -> str:
    if not STACK.fullmatch(text):
        raise argparse.ArgumentTypeError(f"stack must be production, staging or infra-pr-<N>, got {text!r}")
    return text


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="locks.py", description=__doc__.split("\n", 1)[0])
    sub = p.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="exit 0 only if the stack's lock is provably stale")
    check.add_argument("--stack", type=stack_name, required=True)
    check.add_argument("--runs", type=Path, required=True, help="queued and running runs, JSON lines")
    check.add_argument("--run-id", type=int, default=0, help="this run's id (not counted as busy)")
    check.add_argument("--min-age", type=duration, default=timedelta(hours=2), help="default 2h")
    check.add_argument("--backend", required=True, help="the state backend URL (file:// or s3://)")
    return p


def main(argv: Sequence[str] | None = None, now: datetime | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        lines = [line for line in args.runs.read_text().splitlines() if line.strip()]
        runs = [json.loads(line) for line in lines]
        locks = list_locks(args.backend, args.stack)
    except (OSError, ValueError, CheckError, subprocess.CalledProcessError) as exc:
        print(f"locks.py: {exc}", file=sys.stderr)
        return 2
    if not locks:
        print(f"No lock on {args.stack}: nothing to remove.\nunlock=false")
        return 1
    why = stale_reasons(
        locks, busy_runs(runs, args.stack, args.run_id), now or datetime.now(UTC), args.min_age
    )
    if why:
        print(
            f"Not removing the lock of {args.stack}:\n" + "\n".join(f"- {w}" for w in why) + "\nunlock=false"
        )
        return 1
    print(f"{len(locks)} lock(s) on {args.stack}, all older than {args.min_age}, no run busy.\nunlock=true")
    return 0


if __name__ == "__main__":
    sys.exit(main())
