"""The program as an Automation API *inline* program, for a Pulumi CLI without the Python language host.

The CLI built from the Go module proxy (scripts/pulumi-cli) lacks `pulumi-language-python` (untagged, not
served); the SDK then hosts the program in the calling process. Pulumi.yaml's typechecker is skipped on this
route, so mypy runs in scripts/test; a CLI with the language host keeps the normal route.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[1]
LANGUAGE_HOST = "pulumi-language-python"


def load_program(project_dir: Path = REPO) -> ModuleType:
    """The project's `__main__.py` as a module: its `main()` is the program (importing it runs nothing)."""
    spec = importlib.util.spec_from_file_location("cartly_program", project_dir / "__main__.py")
    if spec is None or spec.loader is None:
        raise FileNotFoundError(f"no __main__.py in {project_dir}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cartly_program() -> None:
    """The inline program: exactly what `pulumi up` runs from __main__.py."""
    load_program().main()


def has_language_host(pulumi_exe: str | None = None) -> bool:
    """Whether the CLI can run the program itself: the language host on PATH or beside the `pulumi` binary."""
    exe = pulumi_exe or shutil.which("pulumi")
    beside = Path(exe).resolve().parent / LANGUAGE_HOST if exe else None
    return shutil.which(LANGUAGE_HOST) is not None or (beside is not None and beside.exists())
