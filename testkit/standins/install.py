"""Installs the stand-in plugins into a `PULUMI_HOME` plugin cache, as the CLI lays one out:
`<home>/plugins/resource-<name>-v<version>/pulumi-resource-<name>`, an executable that runs
`python -m testkit.standins <name>` with the given interpreter and this repository on PYTHONPATH.
"""

from __future__ import annotations

import importlib.util
import json
import shlex
import sys
from pathlib import Path

PLUGINS = ("github", "docker")
REPO = Path(__file__).resolve().parents[2]


def wanted_version(name: str) -> str:
    """The plugin version the installed `pulumi_<name>` wheel asks the engine for (its pulumi-plugin.json),
    so the engine finds the plugin without downloading anything
    (PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true)."""
    spec = importlib.util.find_spec(f"pulumi_{name}")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"pulumi_{name} is not installed: run scripts/test (it installs requirements.txt)")
    meta = Path(next(iter(spec.submodule_search_locations))) / "pulumi-plugin.json"
    return str(json.loads(meta.read_text())["version"])


def install(pulumi_home: Path, python: str = sys.executable) -> dict[str, Path]:
    """Install every stand-in into `pulumi_home`'s plugin cache; {name: executable}. Idempotent."""
    installed: dict[str, Path] = {}
    for name in PLUGINS:
        version = wanted_version(name)
        plugin_dir = pulumi_home / "plugins" / f"resource-{name}-v{version}"
        plugin_dir.mkdir(parents=True, exist_ok=True)
        exe = plugin_dir / f"pulumi-resource-{name}"
        exe.write_text(
            "#!/bin/sh\n"
            f"# STAND-IN for pulumi-resource-{name} v{version} (testkit/standins): creates nothing real.\n"
            f"PYTHONPATH={shlex.quote(str(REPO))}${{PYTHONPATH:+:$PYTHONPATH}}\n"
            "export PYTHONPATH\n"
            f'exec {shlex.quote(python)} -u -m testkit.standins {name} "$@"\n'
        )
        exe.chmod(0o755)
        installed[name] = exe
    return installed
