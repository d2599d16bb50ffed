"""The Railway token never leaves RailwayClient except in the request's auth header.

Rule protected (house rule: secrets never in plain text): not in an exception's message, body, messages or
cause chain, not in a log line (the client logs at debug level, operation names only, never variables), not
in a repr, and never pickled. Railway echoing the token back is scrubbed too.
"""

from __future__ import annotations

import copy
import logging
import pickle

import pytest
import responses

from pulumi_railway.api.client import RailwayClient, RetryPolicy
from pulumi_railway.api.errors import RailwayError, RailwayGraphQLError, RailwayHTTPError

URL = "https://railway.test/graphql/v2"
TOKEN = "tok-SECRET-0123456789abcdef"
SECRET_VALUE = "postgres://user:hunter2-value@db/cartly"
MUTATION = "mutation VariableUpsert($input: VariableUpsertInput!) { variableUpsert(input: $input) }"
VARIABLES = {"input": {"name": "DATABASE_URL", "value": SECRET_VALUE}}

FAILURES: list[dict[str, object]] = [
    {"status": 401, "body": f"bad token {TOKEN}"},
    {"status": 429, "body": "error code: 1015"},
    {"status": 500, "body": "Internal Server Error"},
    {"json": {"data": None, "errors": [{"message": f"Not Authorized: {TOKEN}", "path": ["variableUpsert"]}]}},
    {"json": {"data": None, "errors": [{"message": "Problem processing request"}]}},
]


def raised(answer: dict[str, object], kind: str = "workspace") -> RailwayError:
    client = RailwayClient(
        TOKEN,
        token_kind=kind,  # type: ignore[arg-type]
        endpoint=URL,
        retry=RetryPolicy(max_attempts=2),
        sleep=lambda _: None,
    )
    with responses.RequestsMock(assert_all_requests_are_fired=False) as api:
        api.post(URL, **answer)
        with pytest.raises(RailwayError) as caught:
            client.execute(MUTATION, VARIABLES)
    return caught.value


def everything_said(error: BaseException) -> str:
    """The error as a person could see it: messages of it and of every cause, plus its attributes."""
    said: list[str] = []
    current: BaseException | None = error
    while current is not None:
        said += [str(current), repr(current)]
        if isinstance(current, RailwayHTTPError):
            said.append(current.body)
        if isinstance(current, RailwayGraphQLError):
            said += current.messages
        current = current.__cause__ or current.__context__
    return "\n".join(said)


@pytest.mark.parametrize("answer", FAILURES, ids=["401-echo", "429", "500", "graphql-echo", "transient"])
@pytest.mark.parametrize("token_kind", ["workspace", "project"])
def test_no_error_contains_the_token(answer: dict[str, object], token_kind: str) -> None:
    said = everything_said(raised(answer, token_kind))

    assert said != ""
    assert TOKEN not in said


@pytest.mark.parametrize("answer", FAILURES, ids=["401-echo", "429", "500", "graphql-echo", "transient"])
def test_no_error_contains_a_variable_value(answer: dict[str, object]) -> None:
    said = everything_said(raised(answer))

    assert SECRET_VALUE not in said


def test_a_token_echoed_by_railway_is_replaced_by_stars() -> None:
    error = raised(FAILURES[0])

    assert isinstance(error, RailwayHTTPError)
    assert error.body == "bad token ***"


def test_log_lines_name_operations_but_never_the_token_or_variables(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    client = RailwayClient(TOKEN, endpoint=URL, sleep=lambda _: None)
    with responses.RequestsMock() as api:
        api.post(URL, status=503, body="Service Unavailable")
        api.post(URL, json={"data": {"variableUpsert": True}})

        client.execute(MUTATION, VARIABLES)

    ours = [record for record in caplog.records if record.name.startswith("pulumi_railway")]
    assert len(ours) == 3
    assert all("'VariableUpsert'" in record.getMessage() for record in ours)
    assert all(record.levelno == logging.DEBUG for record in ours)
    assert TOKEN not in caplog.text
    assert SECRET_VALUE not in caplog.text


def test_the_clients_repr_shows_endpoint_and_kind_but_not_the_token() -> None:
    client = RailwayClient(TOKEN, endpoint=URL)

    assert repr(client) == f"RailwayClient(endpoint='{URL}?source=cartly-infra', token_kind='workspace')"
    assert TOKEN not in repr(vars(client))


def test_the_client_refuses_to_be_pickled_without_quoting_the_token() -> None:
    client = RailwayClient(TOKEN, endpoint=URL)

    with pytest.raises(TypeError, match="never pickled") as caught:
        pickle.dumps(client)

    assert TOKEN not in str(caught.value)


def test_the_client_refuses_to_be_copied() -> None:
    with pytest.raises(TypeError, match="never pickled"):
        copy.copy(RailwayClient(TOKEN, endpoint=URL))
