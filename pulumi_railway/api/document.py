"""What kind of operation a GraphQL document asks for."""

from __future__ import annotations

import functools
from typing import NamedTuple

from graphql import GraphQLSyntaxError, OperationDefinitionNode, OperationType, parse


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


def describe_operation(document: str, operation_name: str | None) -> Operation:
    """The operation to run: the one named `operation_name`, else the document's first operation."""
    if not isinstance(document, str) or not document.strip():
        raise ValueError("A GraphQL document is required: got an empty one")
    return _describe(document, operation_name)


@functools.lru_cache(maxsize=512)
def _describe(document: str, operation_name: str | None) -> Operation:
    try:
        definitions = parse(document, no_location=True).definitions
    except GraphQLSyntaxError:
        return Operation(operation_name, True)
    operations = [d for d in definitions if isinstance(d, OperationDefinitionNode)]
    if not operations:
        return Operation(operation_name, True)
    named = [op for op in operations if op.name is not None and op.name.value == operation_name]
    chosen = named[0] if named else operations[0]
    name = operation_name or (chosen.name.value if chosen.name is not None else None)
    return Operation(name, chosen.operation == OperationType.MUTATION)
