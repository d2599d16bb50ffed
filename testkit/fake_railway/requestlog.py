"""The emulator's request log: one entry per GraphQL request received, so tests and benchmarks can count
exactly what was asked. Variables may hold secrets (test-only data): they are kept but never in a repr.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any


@dataclass
class LoggedRequest:
    operation_name: str | None
    variables: dict[str, Any] = field(repr=False)
    token_kind: str | None  # "workspace", "project", "invalid" or None (no token)
    is_mutation: bool
    time: float
    query_string: str = ""
    status: int = 200  # HTTP status answered (0: connection reset without an answer)
    fault: str | None = None  # the injected fault that answered it, if any
    root_fields: tuple[str, ...] = ()


class RequestLog:
    """LoggedRequest entries in arrival order (iterable, indexable), with counting helpers."""

    def __init__(self) -> None:
        self.entries: list[LoggedRequest] = []

    def append(self, entry: LoggedRequest) -> None:
        self.entries.append(entry)

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[LoggedRequest]:
        return iter(list(self.entries))

    def __getitem__(self, index: int) -> LoggedRequest:
        return self.entries[index]

    def __repr__(self) -> str:
        return f"RequestLog({self.operation_names()!r})"

    def count(self, operation_name: str | None = None) -> int:
        """Requests with that operation name (all requests when None)."""
        if operation_name is None:
            return len(self)
        return sum(1 for entry in self if entry.operation_name == operation_name)

    def mutations(self) -> list[LoggedRequest]:
        return [entry for entry in self if entry.is_mutation]

    def operation_names(self) -> list[str | None]:
        return [entry.operation_name for entry in self]
