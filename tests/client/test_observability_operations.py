"""The post-deploy checks' documents (pulumi_railway/api/observability.py) are single named operations that
Railway's published schema and the emulator's SDL both accept; their names clash with no other document."""

from __future__ import annotations

import pytest
from graphql import OperationDefinitionNode, build_schema, parse, validate

from pulumi_railway.api import observability, operations
from tests.client.test_operations import EMULATOR_SDL
from tests.support.railway_schema import load_published_schema

DOCUMENTS = {n: v for n, v in vars(observability).items() if isinstance(v, str) and n.isupper()}


def _name(document: str) -> str:
    found = [d for d in parse(document).definitions if isinstance(d, OperationDefinitionNode)]
    assert len(found) == 1 and found[0].name is not None
    return found[0].name.value


def test_the_module_holds_the_two_documents_and_their_names_are_unique_project_wide() -> None:
    assert sorted(DOCUMENTS) == ["HTTP_LOGS", "METRICS"]
    others = {
        _name(v)
        for n, v in vars(operations).items()
        if isinstance(v, str) and v.lstrip().startswith(("query", "mutation"))
    }
    assert len(others) >= 30
    assert {_name(d) for d in DOCUMENTS.values()} & others == set()


@pytest.mark.parametrize("constant", sorted(DOCUMENTS))
def test_each_document_validates_against_railways_published_schema(constant: str) -> None:
    errors = validate(load_published_schema(), parse(DOCUMENTS[constant]))
    assert [e.message for e in errors] == []


@pytest.mark.parametrize("constant", sorted(DOCUMENTS))
def test_each_document_validates_against_the_emulators_sdl(constant: str) -> None:
    errors = validate(build_schema(EMULATOR_SDL.read_text(encoding="utf-8")), parse(DOCUMENTS[constant]))
    assert [e.message for e in errors] == []
