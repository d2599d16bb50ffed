"""A stack's config as the Pulumi CLI assembles it from the project's files (Pulumi.yaml's defaults, then
Pulumi.<stack>.yaml's values, namespaced, as text), for the tools and tests that run the program without it.

It decrypts nothing: a `secure:` value comes back as its ciphertext, and a required secret the file does not
set comes back as `Secure("")` ("set, value unknown here"), as it will be once `scripts/init-stack` ran.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from components.settings.files import Secure
from components.settings.files import read_stack_config as read_files

__all__ = ["Secure", "config_text", "program_config", "read_stack_config"]


def read_stack_config(
    project_dir: Path, stack: str, required: Iterable[str] = ()
) -> tuple[str, dict[str, Any]]:
    """(project name, {namespaced key: value}): Pulumi.yaml's defaults, then the stack file's values, then
    `Secure("")` for each `required` secret (namespaced key) the file does not set. A malformed file raises
    ConfigError naming the file and line (components.settings.files)."""
    files = read_files(project_dir, stack)
    config = dict(files.values)
    for key in required:
        if not isinstance(config.get(key), Secure):
            config[key] = Secure("")
    return files.project, config


def config_text(value: Any) -> str:
    """A value as the CLI hands it to a program: strings as they are, booleans in lower case, numbers as
    text, anything structured as JSON."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value)


def program_config(
    config: dict[str, Any], secret: Callable[[str, Secure], str]
) -> tuple[dict[str, str], list[str]]:
    """(config as text, the secret keys), with `secret(key, value)` standing in for each `secure:` value."""
    text = {
        key: secret(key, value) if isinstance(value, Secure) else config_text(value)
        for key, value in config.items()
    }
    return text, sorted(key for key, value in config.items() if isinstance(value, Secure))
