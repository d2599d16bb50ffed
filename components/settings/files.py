"""The project's YAML files read as the Pulumi CLI reads them, remembering the file and line of every value.

File-level rules only (valid YAML, no key set twice, a `config:` mapping, `secure:` holding ciphertext
alone); each refusal is a ConfigError whose first line names the file, the line and the fix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from components.settings.rules import ConfigError

PROJECT_FILE = "Pulumi.yaml"
PROJECT_FAULT = "Invalid project file"  # what a ConfigError says first when Pulumi.yaml is at fault


@dataclass(frozen=True)
class Secure:
    """A `secure:` value of a stack file: ciphertext only the CLI (with the passphrase) can decrypt."""

    ciphertext: str


@dataclass
class StackConfig:
    """A stack's config as the CLI assembles it: Pulumi.yaml's defaults, then the stack file's values."""

    project: str
    values: dict[str, Any] = field(default_factory=dict)  # namespaced key -> value (Secure if encrypted)
    where: dict[str, str] = field(default_factory=dict)  # namespaced key -> "Pulumi.<stack>.yaml:<line>"
    stack_file: str = ""  # the file name, whether or not it exists
    stack_file_exists: bool = False
    stack_file_keys: tuple[str, ...] = ()  # the namespaced keys the stack file itself sets


def stack_file_name(stack: str) -> str:
    return f"Pulumi.{stack}.yaml"


def read_stack_config(project_dir: Path, stack: str) -> StackConfig:
    """The stack's config from `project_dir`; raises ConfigError naming the file and line of any fault."""
    project, project_nodes = _load(project_dir / PROJECT_FILE, stack, required=True)
    name = _project_name(project, stack)
    result = StackConfig(name, stack_file=stack_file_name(stack))

    def qualified(key: object) -> str:
        return str(key) if ":" in str(key) else f"{name}:{key}"

    for key, spec, line in _config_items(project, project_nodes, PROJECT_FILE, stack):
        if isinstance(spec, dict) and "default" in spec:
            result.values[qualified(key)] = spec["default"]
            result.where[qualified(key)] = f"{PROJECT_FILE}:{line}"
    path = project_dir / result.stack_file
    if not path.exists():
        return result
    data, nodes = _load(path, stack, required=False)
    result.stack_file_exists = True
    items = _config_items(data, nodes, result.stack_file, stack)
    problems = [
        (line, p) for key, value, line in items if (p := _secure_problem(qualified(key), value, stack))
    ]
    if problems:
        raise ConfigError(stack, tuple(f"{result.stack_file}:{line}: {p}" for line, p in problems))
    for key, value, line in items:
        result.values[qualified(key)] = Secure(value["secure"]) if _is_secure(value) else value
        result.where[qualified(key)] = f"{result.stack_file}:{line}"
    result.stack_file_keys = tuple(qualified(key) for key, _value, _line in items)
    return result


def _error(stack: str, file: str, problem: str) -> ConfigError:
    """A refusal of `file`: the project file's faults are not blamed on the stack being read."""
    return ConfigError(stack, (problem,), PROJECT_FAULT if file == PROJECT_FILE else None)


def _load(path: Path, stack: str, *, required: bool) -> tuple[Any, yaml.Node | None]:
    """(data, node tree) of one YAML file; refuses a syntax error or a key set twice, naming file and line."""
    try:
        text = path.read_text()
    except OSError as exc:
        what = "is missing" if required else "cannot be read"
        raise _error(
            stack, path.name, f"{path.name}: {what} ({exc.strerror}). Fix: restore it from git"
        ) from exc
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        if node is not None:
            _refuse_duplicates(node, path.name, stack)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{path.name}:{mark.line + 1}:{mark.column + 1}" if mark else path.name
        problem = "; ".join(str(part) for part in (exc.context, exc.problem) if part)
        raise _error(
            stack, path.name, f"{where}: not valid YAML ({problem}). Fix: correct the YAML at that line"
        ) from None
    except yaml.YAMLError as exc:
        raise _error(
            stack, path.name, f"{path.name}: not valid YAML ({exc}). Fix: correct the YAML"
        ) from None
    return data, node


def _refuse_duplicates(node: yaml.Node, file: str, stack: str) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key, line = str(key_node.value), key_node.start_mark.line + 1
            if isinstance(key_node, yaml.ScalarNode) and key in seen:
                raise _error(
                    stack,
                    file,
                    f"{file}:{line}: {key} is set twice (first at line {seen[key]}; YAML would silently keep "
                    f"the last). Fix: delete one of lines {seen[key]} and {line} of {file}",
                )
            seen.setdefault(key, line)
            _refuse_duplicates(value_node, file, stack)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _refuse_duplicates(item, file, stack)


def _project_name(project: Any, stack: str) -> str:
    if not isinstance(project, dict) or not isinstance(project.get("name"), str) or not project["name"]:
        raise _error(
            stack,
            PROJECT_FILE,
            f"{PROJECT_FILE}:1: has no `name:` (the project's name). Fix: add `name: cartly-infra`",
        )
    return str(project["name"])


def _config_items(data: Any, node: yaml.Node | None, file: str, stack: str) -> list[tuple[Any, Any, int]]:
    """(key, value, line) of the file's `config:` mapping; refuses a file or `config:` of another shape."""
    if data is None:
        return []
    example = "cartly-infra:<key>: <value>" if file != PROJECT_FILE else "<key>: {type: string, default: ''}"
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        raise _error(
            stack, file, f"{file}:1: must be a YAML mapping, not a {_kind(data)}. Fix: rewrite {file}"
        )
    key_node, config_node = next(((k, v) for k, v in node.value if k.value == "config"), (None, None))
    config = data.get("config")
    if config is None or config_node is None or key_node is None:
        return []
    if not isinstance(config, dict) or not isinstance(config_node, yaml.MappingNode):
        line = key_node.start_mark.line + 1
        raise _error(
            stack,
            file,
            f"{file}:{line}: `config:` must be a mapping of settings, not a {_kind(config)}. "
            f"Fix: write one `{example}` line per setting under `config:` in {file}",
        )
    lines = {str(k.value): k.start_mark.line + 1 for k, _v in config_node.value}
    return [
        (key, value, lines.get(str(key), config_node.start_mark.line + 1)) for key, value in config.items()
    ]


def _kind(value: Any) -> str:
    names = {list: "list", str: "string", bool: "boolean", int: "number", float: "number"}
    return names.get(type(value), type(value).__name__)


def _is_secure(value: Any) -> bool:
    return isinstance(value, dict) and "secure" in value


def _secure_problem(key: str, value: Any, stack: str) -> str | None:
    """A `secure:` value that is not exactly one non-empty ciphertext (the CLI cannot decrypt it)."""
    if not _is_secure(value):
        return None
    fix = f"Fix: pulumi config set --secret {key} --stack {stack}"
    others = sorted(str(k) for k in value if k != "secure")
    if others:
        what = f"`secure:` must be the only key of an encrypted value (beside it: {', '.join(others)})"
        return f"{key}: {what}; delete the value and set it again encrypted. {fix}"
    if not isinstance(value["secure"], str) or not value["secure"].strip():
        return f"{key}: `secure:` holds no ciphertext (the CLI cannot decrypt it). {fix}"
    return None
