"""Every GraphQL document the project sends is one named operation that Railway's schema accepts.

Rule protected: no document module of pulumi_railway/api (operations, domains, deployments, observability)
holds a document Railway would reject (checked against the published schema in ../shared/railway, skipped
with a reason when absent) or the emulator would answer differently (checked against the emulator's SDL),
and operation names are unique across all of them so logs and request counts are exact.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from pathlib import Path
from types import ModuleType

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

import pulumi_railway.api
from pulumi_railway.api import deployments, domains, observability, operations
from tests.support.railway_schema import load_published_schema

EMULATOR_SDL = Path(__file__).resolve().parents[2] / "testkit" / "fake_railway" / "schema.graphql"
DOCUMENT_MODULES = (operations, domains, deployments, observability)


def _public_strings(module: ModuleType) -> dict[str, str]:
    return {
        f"{module.__name__.rsplit('.', 1)[-1]}.{name}": value
        for name, value in vars(module).items()
        if isinstance(value, str) and not name.startswith("_")
    }


def _operation_constants() -> dict[str, str]:
    return {
        name: value
        for module in DOCUMENT_MODULES
        for name, value in _public_strings(module).items()
        if value.lstrip().startswith(("query", "mutation"))
    }


OPERATIONS = _operation_constants()


def _operation(document: DocumentNode) -> OperationDefinitionNode:
    found = [node for node in document.definitions if isinstance(node, OperationDefinitionNode)]
    assert len(found) == 1, f"expected one operation, found {len(found)}"
    return found[0]


@functools.cache
def _emulator_schema() -> GraphQLSchema:
    return build_schema(EMULATOR_SDL.read_text(encoding="utf-8"))


def test_every_public_document_of_every_document_module_is_checked() -> None:
    # A document opening with a comment or a fragment would otherwise escape every check below.
    public = sorted(name for module in DOCUMENT_MODULES for name in _public_strings(module))
    assert len(public) >= 32
    assert sorted(OPERATIONS) == public
    assert sorted(n for n in OPERATIONS if n.startswith("observability.")) == [
        "observability.HTTP_LOGS",
        "observability.METRICS",
    ]


def test_no_module_of_the_api_package_holds_documents_outside_the_checked_ones() -> None:
    modules = [
        importlib.import_module(f"pulumi_railway.api.{info.name}")
        for info in pkgutil.iter_modules(pulumi_railway.api.__path__)
    ]
    assert len(modules) > len(DOCUMENT_MODULES)
    holding = {
        module.__name__
        for module in modules
        if any(
            v.lstrip().startswith(("query", "mutation", "fragment")) for v in _public_strings(module).values()
        )
    }
    assert holding == {module.__name__ for module in DOCUMENT_MODULES}


@pytest.mark.parametrize("constant", sorted(OPERATIONS))
def test_each_document_is_a_single_named_operation(constant: str) -> None:
    document = parse(OPERATIONS[constant])
    others = [node for node in document.definitions if not isinstance(node, OperationDefinitionNode)]

    operation = _operation(document)

    assert operation.name is not None, f"{constant} is anonymous: name it after the constant"
    assert all(isinstance(node, FragmentDefinitionNode) for node in others)


def test_operation_names_are_unique_across_every_module() -> None:
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
    assert EMULATOR_SDL.is_file(), f"the emulator's SDL is not at {EMULATOR_SDL}"

    errors = validate(_emulator_schema(), parse(OPERATIONS[constant]))

    assert [error.message for error in errors] == []
