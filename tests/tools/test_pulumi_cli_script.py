"""scripts/pulumi-cli: the pinned CLI found on PATH or in its cache; each failure one message with its fix.

Run on a copy of the script beside its own `.pulumi-version`, with fake `pulumi` executables that answer
`version`, so nothing is built here (tests/engine uses the real one).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PIN = (REPO / ".pulumi-version").read_text().strip()


def fake_cli(directory: Path, version: str, *, shim: bool = True) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    exe = directory / "pulumi"
    exe.write_text(f'#!/bin/sh\n[ "$1" = version ] && echo v{version}\n')
    exe.chmod(0o755)
    if shim:
        (directory / "pulumi-resource-pulumi-python").write_text("#!/bin/sh\n")
        (directory / "pulumi-resource-pulumi-python").chmod(0o755)
    return directory


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "scripts").mkdir(parents=True)
    shutil.copy(REPO / "scripts" / "pulumi-cli", root / "scripts" / "pulumi-cli")
    (root / ".pulumi-version").write_text(PIN + "\n")
    return root


def run(checkout: Path, path: list[Path], cache: Path) -> subprocess.CompletedProcess[str]:
    env = {
        "HOME": str(checkout),
        "PATH": os.pathsep.join([*map(str, path), "/usr/bin", "/bin"]),
        "CARTLY_PULUMI_CLI_CACHE": str(cache),
    }
    return subprocess.run(
        [str(checkout / "scripts" / "pulumi-cli")], capture_output=True, text=True, env=env, timeout=60
    )


def test_a_pulumi_on_path_at_the_pin_is_used_as_it_is(checkout: Path, tmp_path: Path) -> None:
    on_path = fake_cli(tmp_path / "bin", PIN)
    done = run(checkout, [on_path], tmp_path / "cache")
    assert (done.returncode, done.stdout.strip()) == (0, str(on_path))
    assert not (tmp_path / "cache").exists()  # nothing cached, nothing built


def test_a_wrong_version_on_path_is_named_and_the_cached_pin_used_instead(
    checkout: Path, tmp_path: Path
) -> None:
    cached = fake_cli(tmp_path / "cache" / f"v{PIN}" / "bin", PIN)
    done = run(checkout, [fake_cli(tmp_path / "old", "3.100.0")], tmp_path / "cache")
    assert (done.returncode, done.stdout.strip()) == (0, str(cached))
    assert f"is version '3.100.0', the pin is {PIN}" in done.stderr


def test_a_malformed_pin_is_one_message_naming_the_file(checkout: Path, tmp_path: Path) -> None:
    (checkout / ".pulumi-version").write_text("latest\n")
    done = run(checkout, [], tmp_path / "cache")
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.strip().splitlines() == [
        "scripts/pulumi-cli: .pulumi-version holds 'latest', not a version like 3.274.1: fix the file."
    ]
