"""Small parsers for `settings.load`: the problem list, and integers and string arrays from config."""

from __future__ import annotations

import json
import re

from components.settings.keys import Key, is_preview_stack, set_command


class ConfigError(ValueError):
    """The stack's config breaks one or more rules; each problem names the key and the fixing command."""

    def __init__(self, stack: str, problems: tuple[str, ...]) -> None:
        self.stack = stack
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"Invalid configuration for stack '{stack}' ({len(problems)} problem(s)):\n{lines}")


class Problems:
    """Collects `<what is wrong>. Fix: <command>` lines; raises them together as one ConfigError."""

    def __init__(self, stack: str) -> None:
        self.stack = stack
        self.items: list[str] = []

    def add(self, what: str, fix: str) -> None:
        self.items.append(f"{what}. Fix: {fix}")

    def raise_if_any(self) -> None:
        if self.items:
            raise ConfigError(self.stack, tuple(self.items))


def parse_int(p: Problems, key: Key, text: str, *, minimum: int) -> int:
    """`text` as an integer >= minimum, else a problem (and the key's default, so parsing goes on)."""
    try:
        value = int(text.strip())
    except ValueError:
        p.add(f"{key.qualified}: '{text}' is not an integer", set_command(key, p.stack, str(key.default)))
        return int(str(key.default))
    if value < minimum:
        # The default is the sensible value to suggest (a 300 s health check, not a 1 s one).
        example = max(minimum, int(str(key.default)))
        p.add(f"{key.qualified}: must be >= {minimum}, got {value}", set_command(key, p.stack, str(example)))
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
