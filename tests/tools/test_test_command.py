"""The test command stops at the first failing check: a lint error is never followed by a green run."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _tool(path: Path, body: str) -> None:
    path.write_text(f"#!/usr/bin/env bash\n{body}\n", encoding="utf-8")
    path.chmod(0o755)


def test_a_lint_failure_fails_scripts_test_before_anything_else_runs(tmp_path: Path) -> None:
    (tmp_path / "scripts").mkdir()
    for name in ("test", "_venv.sh"):
        shutil.copy(REPO / "scripts" / name, tmp_path / "scripts" / name)
    requirements = sorted(REPO.glob("requirements*.txt"))
    assert len(requirements) >= 2
    for path in requirements:
        shutil.copy(path, tmp_path / path.name)
    bin_dir = tmp_path / "venv" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "python").symlink_to(sys.executable)
    # The venv is up to date (ensure_venv's stamp), so nothing is installed.
    wanted = subprocess.run(
        ["bash", "-c", "cat requirements*.txt | sha256sum | cut -d' ' -f1"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        timeout=10,
    ).stdout
    (tmp_path / "venv" / ".installed-requirements-dev.txt").write_text(wanted)
    ran = tmp_path / "ran"
    _tool(bin_dir / "ruff", f'echo "ruff $*" >> {ran}; [[ "$1" != check ]]')  # `ruff check` finds an error
    _tool(bin_dir / "mypy", f'echo "mypy $*" >> {ran}')

    done = subprocess.run(
        ["bash", str(tmp_path / "scripts" / "test")], capture_output=True, text=True, timeout=60, check=False
    )

    assert done.returncode != 0
    assert ran.read_text().splitlines() == ["ruff check ."]
