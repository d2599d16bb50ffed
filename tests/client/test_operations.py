"""Every GraphQL document the project sends is one named operation that Railway's schema accepts.

Rule protected: operations.py never holds a document Railway would reject (checked against the published
schema in ../shared/railway, skipped with a reason when absent) or the emulator would answer differently
(checked against the emulator's SDL), and operation names are unique so logs and request counts are exact.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLSchema,
    OperationDefinitionNode,
    build_schema,
    parse,
    validate,
)

from pulumi_railway.api import operations
from tests.support.railway_schema import load_published_schema

EMULATOR_SDL = Path(__file__).resolve().parents[2] / "testkit" / "fake_railway" / "schema.graphql"


def _operation_constants() -> dict[str, str]:
    return {
        name: value
        for name, value in vars(operations).items()
        if isinstance(value, str) and value.lstrip().startswith(("query", "mutation"))
    }


OPERATIONS = _operation_constants()


def _operation(document: DocumentNode) -> OperationDefinitionNode:
    found = [node for node in document.definitions if isinstance(node, OperationDefinitionNode)]
    assert len(found) == 1, f"expected one operation, found {len(found)}"
    return found[0]


@functools.cache
def _emulator_schema() -> GraphQLSchema:
    return build_schema(EMULATOR_SDL.read_text(encoding="utf-8"))


def test_every_public_document_of_operations_py_is_checked() -> None:
    # A document opening with a comment or a fragment would otherwise escape every check below.
    public = sorted(n for n, v in vars(operations).items() if isinstance(v, str) and not n.startswith("_"))
    assert len(public) >= 30
    assert sorted(OPERATIONS) == public


@pytest.mark.parametrize("constant", sorted(OPERATIONS))
def test_each_document_is_a_single_named_operation(constant: str) -> None:
    document = parse(OPERATIONS[constant])
    others = [node for node in document.definitions if not isinstance(node, OperationDefinitionNode)]

    operation = _operation(document)

    assert operation.name is not None, f"{constant} is anonymous: name it after the constant"
    assert all(isinstance(node, FragmentDefinitionNode) for node in others)


def test_operation_names_are_unique() -> None:
    names = [_operation(parse(document)).name for document in OPERATIONS.values()]
    values = [name.value for name in names if name is not None]

    assert len(values) == len(OPERATIONS)
    duplicates = sorted({value for value in values if values.count(value) > 1})
    assert duplicates == []


@pytest.mark.parametrize("constant", sorted(OPERATIONS))
def test_each_operation_validates_against_railways_published_schema(constant: str) -> None:
    schema = load_published_schema()

    errors = validate(schema, parse(OPERATIONS[constant]))

    assert [error.message for error in errors] == []


@pytest.mark.parametrize("constant", sorted(OPERATIONS))
def test_each_operation_validates_against_the_emulators_sdl(constant: str) -> None:
    if not EMULATOR_SDL.is_file():
        pytest.skip(f"the emulator's SDL is not at {EMULATOR_SDL} yet")

    errors = validate(_emulator_schema(), parse(OPERATIONS[constant]))

    assert [error.message for error in errors] == []
