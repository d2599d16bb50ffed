"""Installs are hash-pinned: every pin of requirements*.txt is in its lock with the same version and its
sha256s, pip itself is pinned, and no script or workflow runs a `pip install` without --require-hashes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9_.-]+)==([^\s\\;]+)", re.M)
ENTRY = re.compile(r"^([A-Za-z0-9_.-]+)==([^\s\\]+)((?:\s*\\\n\s+--hash=sha256:[0-9a-f]{64})+)", re.M)


def normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked(path: Path) -> dict[str, tuple[str, int]]:
    """Package -> (version, number of hashes) in a lock file."""
    text = path.read_text()
    return {normal(n): (v, h.count("--hash=")) for n, v, h in ENTRY.findall(text)}


@pytest.mark.parametrize("requirements", ["requirements.txt", "requirements-dev.txt"])
def test_every_pin_is_locked_at_the_same_version(requirements: str) -> None:
    pins = {normal(n): v for n, v in PIN.findall((REPO / requirements).read_text())}
    lock = locked(REPO / requirements.replace(".txt", ".hashes.txt"))
    assert len(pins) >= 5
    assert {
        n: (v, lock.get(n, ("missing", 0))[0]) for n, v in pins.items() if lock.get(n, ("",))[0] != v
    } == {}


@pytest.mark.parametrize(
    "lock", ["requirements.hashes.txt", "requirements-dev.hashes.txt", "requirements-pip.hashes.txt"]
)
def test_every_locked_package_has_a_hash(lock: str) -> None:
    text = (REPO / lock).read_text()
    entries = locked(REPO / lock)
    assert len(entries) >= 1
    assert len(entries) == len(PIN.findall(text))  # no pin without its hashes
    assert [n for n, (_v, hashes) in entries.items() if hashes < 1] == []


def test_the_runtime_lock_agrees_with_the_dev_lock() -> None:
    runtime, dev = locked(REPO / "requirements.hashes.txt"), locked(REPO / "requirements-dev.hashes.txt")
    assert len(runtime) >= 20
    assert {n: (v[0], dev.get(n)) for n, v in runtime.items() if n not in dev or dev[n][0] != v[0]} == {}


def test_pip_itself_is_pinned() -> None:
    assert list(locked(REPO / "requirements-pip.hashes.txt")) == ["pip"]


def test_no_pip_install_without_require_hashes() -> None:
    files = [*sorted((REPO / "scripts").iterdir()), *sorted((REPO / ".github" / "workflows").glob("*.yml"))]
    text = "\n".join(f.read_text() for f in files if f.is_file())
    installs = re.findall(r"pip install(?:[^\n]*\\\n)*[^\n]*", text)
    # _venv.sh: pip, then the lock; scripts/lock: pip-tools into its throwaway venv, which never deploys.
    assert len(installs) == 3
    assert [i for i in installs if "--require-hashes" not in i and "pip-tools==" not in i] == []
