"""The package boundaries the folders promise: Railway's API knows no Pulumi, the provider no Cartly."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def modules(package: str) -> list[str]:
    found = sorted(ROOT.joinpath(package).rglob("*.py"))
    assert len(found) > 3, f"no modules found under {package}/"
    return [".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__") for p in found]


def imported_after(targets: list[str]) -> set[str]:
    """Every top-level package a fresh interpreter holds after importing `targets`."""
    code = (
        "import importlib, sys\n"
        f"for name in {targets!r}: importlib.import_module(name)\n"
        "print('\\n'.join(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return set(done.stdout.split())


def test_railways_api_imports_no_pulumi() -> None:
    loaded = imported_after(modules("pulumi_railway/api"))
    assert "requests" in loaded  # the import really happened
    assert "pulumi" not in loaded


def test_the_railway_provider_imports_nothing_of_cartly() -> None:
    loaded = imported_after(modules("pulumi_railway"))
    assert "pulumi" in loaded
    assert {"components", "tools", "tests", "testkit", "benchmarks"} & loaded == set()
