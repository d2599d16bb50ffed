"""A stub `pulumi` CLI for testing Automation API drivers without the real CLI (see `cli.py`).

`StubPulumi.install(tmp_path)` puts an executable `pulumi` in a fresh bin directory (run by this
interpreter, so it starts fast) and gives the environment to run a driver with; its methods script
failures and read back the recorded calls and state.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from testkit.stub_pulumi.state import DATETIME_FORMAT

REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class StubPulumi:
    bin_dir: Path
    state_dir: Path

    @classmethod
    def install(cls, root: Path) -> StubPulumi:
        bin_dir, state_dir = root / "stub-bin", root / "stub-state"
        bin_dir.mkdir()
        state_dir.mkdir()
        exe = bin_dir / "pulumi"
        exe.write_text(
            f"#!{sys.executable} -S\nimport sys\nsys.path.insert(0, {str(REPO)!r})\n"
            "from testkit.stub_pulumi.cli import main\nsys.exit(main(sys.argv[1:]))\n"
        )
        exe.chmod(0o755)
        return cls(bin_dir, state_dir)

    def calls(self) -> list[dict[str, Any]]:
        log = self.state_dir / "calls.jsonl"
        return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []

    def commands(self) -> list[str]:
        """Each call's first two words, e.g. 'stack select', 'up --yes'."""
        return [
            " ".join(c["argv"][1:3] if c["argv"][:1] == ["--non-interactive"] else c["argv"][:2])
            for c in self.calls()
        ]

    def state(self) -> dict[str, Any]:
        path = self.state_dir / "state.json"
        return json.loads(path.read_text()) if path.exists() else {"stacks": {}, "current": None}

    def script(self, **settings: Any) -> None:
        path = self.state_dir / "script.json"
        current = json.loads(path.read_text()) if path.exists() else {}
        path.write_text(json.dumps({**current, **settings}))

    def seed_stack(self, name: str, *, created_days_ago: float, resources: int = 7) -> None:
        """A stack as if a previous run had created it that long ago."""
        state = self.state()
        stamp = (datetime.now(UTC) - timedelta(days=created_days_ago)).strftime(DATETIME_FORMAT)
        entry = {
            "kind": "update",
            "startTime": stamp,
            "endTime": stamp,
            "message": "",
            "environment": {},
            "config": {},
            "result": "succeeded",
            "version": 1,
            "resourceChanges": {"create": resources},
        }
        state["stacks"][name] = {
            "config": {},
            "outputs": {"url": f"https://{name}.cartly.io"},
            "secret_outputs": [],
            "history": [entry],
            "resources": resources,
        }
        (self.state_dir / "state.json").write_text(json.dumps(state))
