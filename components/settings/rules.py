"""Small parsers for `settings.load`: the problem list, and integers and string arrays from config."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

import pulumi

from components.settings.keys import Key, is_preview_stack, set_command


class ConfigError(ValueError, pulumi.RunError):
    """The stack's config breaks one or more rules. The first line is the first problem in full (where the
    value came from, what is wrong, the fixing command); any others follow, one a line. A RunError, so the
    Pulumi CLI shows just this message, not a traceback of the program."""

    def __init__(self, stack: str, problems: tuple[str, ...], about: str | None = None) -> None:
        self.stack = stack
        self.problems = problems
        # `about`: what is at fault when it is not the stack's config (Pulumi.yaml, shared by all stacks).
        lines = [f"{about or f'Invalid configuration for stack {stack!r}'}: {problems[0]}"]
        if len(problems) > 1:
            lines.append(f"  and {len(problems) - 1} more problem(s):")
            lines += [f"  - {p}" for p in problems[1:]]
        super().__init__("\n".join(lines))


class Problems:
    """Collects `<where>: <key>: <what is wrong>. Fix: <command>` lines; raises them as one ConfigError.

    `where` maps a namespaced key to the file and line its value came from; a key it does not know (a value
    that is missing, or given outside the files) is placed in `fallback` (the stack file, if there is one)."""

    def __init__(self, stack: str, where: Mapping[str, str] | None = None, fallback: str = "") -> None:
        self.stack = stack
        self.where = where or {}
        self.fallback = fallback
        self.items: list[str] = []

    def add(self, what: str, fix: str) -> None:
        key = what.split(": ", 1)[0]  # every problem starts with the key it is about
        where = self.where.get(key, self.fallback)
        self.items.append(f"{where}: {what}. Fix: {fix}" if where else f"{what}. Fix: {fix}")

    def raise_if_any(self) -> None:
        if self.items:
            raise ConfigError(self.stack, tuple(self.items))


def parse_int(p: Problems, key: Key, text: str) -> int:
    """`text` as an integer within the key's bounds, else a problem (and the default, so parsing goes on)."""
    minimum, maximum = key.minimum, key.maximum
    try:
        value = int(text.strip())
    except ValueError:
        p.add(f"{key.qualified}: '{text}' is not an integer", set_command(key, p.stack, str(key.default)))
        return int(str(key.default))
    if value < minimum:
        # The default is the sensible value to suggest (a 300 s health check, not a 1 s one).
        example = max(minimum, int(str(key.default)))
        p.add(f"{key.qualified}: must be >= {minimum}, got {value}", set_command(key, p.stack, str(example)))
    elif maximum is not None and value > maximum:
        why = f" ({key.bound_reason})" if key.bound_reason else ""
        p.add(
            f"{key.qualified}: must be <= {maximum}{why}, got {value}",
            set_command(key, p.stack, str(key.default)),
        )
    return value


def parse_array(
    p: Problems, key: Key, text: str, pattern: re.Pattern[str] | None, what: str
) -> tuple[str, ...]:
    """`text` (a JSON array, as Pulumi stores arrays) as a tuple of strings each matching `pattern`."""
    try:
        items = json.loads(text)
    except json.JSONDecodeError:
        items = None
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        # `config set --path 'k[0]'` fails on a key holding a plain string: remove the value first.
        fix = set_command(key, p.stack, "<value>")
        if not is_preview_stack(p.stack):
            fix = f"pulumi config rm {key.qualified} --stack {p.stack} && {fix}"
        p.add(f"{key.qualified}: '{text}' is not a list of strings", fix)
        return ()
    for index, item in enumerate(items):
        if not item or (pattern is not None and not pattern.fullmatch(item)):
            p.add(f"{key.qualified}: '{item}' is not {what}", set_command(key, p.stack, "<value>", index))
    return tuple(items)
