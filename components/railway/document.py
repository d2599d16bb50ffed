"""What kind of operation a GraphQL document asks for, read without a GraphQL parser.

Owns: `describe_operation`, which tells the client the operation's name (for messages and logs) and whether
it is a mutation (a mutation whose answer is lost is never re-sent). It errs towards "mutation".

Deliberately does not: parse or validate GraphQL (graphql-core is a test-only dependency; Railway validates),
or know any particular operation (operations.py holds them).
"""

from __future__ import annotations

import re
from typing import NamedTuple


class Operation(NamedTuple):
    """The operation a document runs: its name (None if anonymous) and whether it is a mutation."""

    name: str | None
    is_mutation: bool

    @property
    def quoted(self) -> str:
        return f"'{self.name}'" if self.name else "(anonymous)"

    @property
    def label(self) -> str:
        """How messages and log lines name it, e.g. "mutation 'ProjectCreate'"."""
        return f"{'mutation' if self.is_mutation else 'query'} {self.quoted}"


# GraphQL's insignificant tokens before a definition: whitespace, commas, a byte-order mark, comments.
_IGNORED = re.compile(r"(?:[\s,\ufeff]+|#[^\r\n]*)*")
_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]*")
_COMMENT = re.compile(r"#[^\r\n]*")


def describe_operation(document: str, operation_name: str | None) -> Operation:
    """The operation to run: the one named `operation_name`, else the document's first definition.

    Errs towards "mutation" when unsure (a document opening with a fragment), since that only costs retries.
    """
    if not isinstance(document, str) or not document.strip():
        raise ValueError("A GraphQL document is required: got an empty one")
    if operation_name:
        named = re.search(
            rf"\b(query|mutation|subscription)\s+{re.escape(operation_name)}\b", _COMMENT.sub("", document)
        )
        if named:
            return Operation(operation_name, named.group(1) == "mutation")
    start = _IGNORED.match(document)
    keyword = _NAME.match(document, start.end() if start else 0)
    first = keyword.group() if keyword else "{"
    name = None
    if keyword and first in ("query", "mutation", "subscription"):
        after = _IGNORED.match(document, keyword.end())
        found = _NAME.match(document, after.end() if after else keyword.end())
        name = found.group() if found else None
    is_mutation = first == "mutation" or (
        first not in ("query", "subscription", "{")
        and bool(re.search(r"\bmutation\b", _COMMENT.sub("", document)))
    )
    return Operation(operation_name or name, is_mutation)
