"""How RailwayClient reports failures: one class per kind, and messages that say what failed and where.

Rules protected: GraphQL `errors` are failures whatever the HTTP status (even beside partial data); messages
are matched case-insensitively onto RailwayAuthError, RailwayNotFound, RailwayTransientError, else
RailwayGraphQLError; each error carries the operation name, every message and every path; HTTP failures
carry the status and at most 500 characters of body; a document's kind is read correctly (a mutation must
never be mistaken for a query, or it would be re-sent).
"""

from __future__ import annotations

import pickle

import pytest
import responses

from pulumi_railway.api.client import RailwayClient, RetryPolicy
from pulumi_railway.api.document import describe_operation
from pulumi_railway.api.errors import (
    BODY_LIMIT,
    RailwayAuthError,
    RailwayError,
    RailwayGraphQLError,
    RailwayHTTPError,
    RailwayMaybeApplied,
    RailwayNotFound,
    RailwayRateLimited,
    RailwayTransientError,
    graphql_error,
)

URL = "https://railway.test/graphql/v2"
TOKEN = "tok-0123456789abcdef"
QUERY = "query Service($id: String!) { service(id: $id) { id name } }"


def failing(answer: dict[str, object], document: str = QUERY) -> RailwayError:
    """The error RailwayClient raises when Railway answers `answer` (once; retries would fail the mock)."""
    client = RailwayClient(TOKEN, endpoint=URL, retry=RetryPolicy(max_attempts=1), sleep=lambda _: None)
    with responses.RequestsMock() as api:
        api.post(URL, **answer)
        with pytest.raises(RailwayError) as caught:
            client.execute(document, {"id": "s1"})
        assert len(api.calls) == 1
    return caught.value


def errors(*messages: str, status: int = 200, data: object = None) -> dict[str, object]:
    return {
        "status": status,
        "json": {"data": data, "errors": [{"message": m, "path": ["service"]} for m in messages]},
    }


# --- The hierarchy ----------------------------------------------------------------------------------------


def test_every_client_error_is_a_railway_error() -> None:
    classes = [
        RailwayHTTPError,
        RailwayRateLimited,
        RailwayGraphQLError,
        RailwayAuthError,
        RailwayNotFound,
        RailwayTransientError,
        RailwayMaybeApplied,
    ]

    assert len(classes) == 7
    assert all(issubclass(cls, RailwayError) for cls in classes)
    assert issubclass(RailwayRateLimited, RailwayHTTPError)
    assert all(
        issubclass(cls, RailwayGraphQLError)
        for cls in (RailwayAuthError, RailwayNotFound, RailwayTransientError)
    )


@pytest.mark.parametrize(
    "error",
    [
        RailwayRateLimited("rate-limited", status=429, body="error code: 1015", retry_after=7.0),
        RailwayNotFound(
            "gone", operation_name="Service", messages=["Service not found"], paths=[["service"]]
        ),
        RailwayMaybeApplied("lost", operation_name="ProjectCreate"),
    ],
    ids=["rate-limited", "not-found", "maybe-applied"],
)
def test_errors_survive_pickling_with_their_attributes(error: RailwayError) -> None:
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 (our own bytes, just made)

    assert type(copy) is type(error)
    assert copy.args == error.args
    assert vars(copy) == vars(error)


# --- GraphQL errors, by message ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "message",
    ["Not Authorized", "Project Token not found", "Two Factor Authentication Required", "NOT AUTHORIZED"],
)
def test_refused_tokens_raise_railway_auth_error(message: str) -> None:
    error = failing(errors(message))

    assert type(error) is RailwayAuthError


@pytest.mark.parametrize("message", ["Service not found", "Deployment not found", "project NOT FOUND"])
def test_any_not_found_message_raises_railway_not_found(message: str) -> None:
    error = failing(errors(message))

    assert type(error) is RailwayNotFound


def test_an_unknown_message_raises_the_generic_graphql_error() -> None:
    error = failing(errors("Invalid input: name too long"))

    assert type(error) is RailwayGraphQLError


def test_problem_processing_request_that_never_clears_raises_railway_transient_error() -> None:
    error = failing(errors("Problem processing request"))

    assert type(error) is RailwayTransientError


def test_a_transient_message_beside_a_real_error_is_not_treated_as_transient() -> None:
    error = graphql_error(
        "ServiceCreate", [{"message": "Problem processing request"}, {"message": "Bad name"}]
    )

    assert type(error) is RailwayGraphQLError


def test_an_auth_message_wins_over_a_not_found_message() -> None:
    error = graphql_error("Service", [{"message": "Service not found"}, {"message": "Not Authorized"}])

    assert type(error) is RailwayAuthError


def test_graphql_errors_beside_partial_data_are_still_a_failure() -> None:
    error = failing(errors("Service not found", data={"service": None}))

    assert type(error) is RailwayNotFound


def test_graphql_errors_in_a_400_answer_are_mapped_by_message() -> None:
    error = failing(errors('Cannot query field "nme" on type "Service".', status=400))

    assert type(error) is RailwayGraphQLError
    assert "Cannot query field" in str(error)


def test_graphql_errors_in_a_500_answer_that_name_the_cause_are_mapped_by_message() -> None:
    error = failing(errors("Not Authorized", status=500))

    assert type(error) is RailwayAuthError


# --- What an error says -----------------------------------------------------------------------------------


def test_a_graphql_error_carries_operation_name_messages_and_paths() -> None:
    answer: dict[str, object] = {
        "json": {
            "data": None,
            "errors": [
                {"message": "Service not found", "path": ["service"]},
                {"message": "Invalid id", "path": ["service", "deployments", 0]},
            ],
        }
    }

    error = failing(answer)

    assert isinstance(error, RailwayGraphQLError)
    assert error.operation_name == "Service"
    assert error.messages == ["Service not found", "Invalid id"]
    assert error.paths == [["service"], ["service", "deployments", 0]]


def test_a_graphql_error_message_names_the_operation_each_message_and_its_path() -> None:
    error = failing(errors("Service not found"))

    assert str(error) == "Railway refused operation 'Service': Service not found (at service)"


def test_an_error_without_a_path_or_message_is_still_described() -> None:
    error = graphql_error(None, [{}])

    assert str(error) == "Railway refused an anonymous operation: (no message)"
    assert error.paths == [[]]


def test_an_http_error_carries_the_status_and_a_truncated_body() -> None:
    error = failing({"status": 403, "body": "<html>" + "x" * 2000 + "</html>"})

    assert isinstance(error, RailwayHTTPError)
    assert error.status == 403
    assert len(error.body) == BODY_LIMIT
    assert "HTTP 403" in str(error)
    assert "query 'Service'" in str(error)


def test_a_json_answer_without_data_or_errors_is_an_http_error() -> None:
    error = failing({"status": 200, "json": {"unexpected": True}})

    assert type(error) is RailwayHTTPError
    assert (
        str(error)
        == "Railway answered query 'Service' with HTTP 200 and no GraphQL data: '{\"unexpected\": true}'"
    )


# --- Reading the document's kind --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ("query Project { project(id: 1) { id } }", ("Project", False)),
        ("mutation ProjectDelete { projectDelete(id: 1) }", ("ProjectDelete", True)),
        ("# creates it\n  , mutation\nProjectCreate { projectCreate { id } }", ("ProjectCreate", True)),
        ("\ufeffmutation { projectDelete(id: 1) }", (None, True)),
        ("{ me { id } }", (None, False)),
        ("fragment F on Project { id }\nmutation M { projectCreate { ...F } }", ("M", True)),
        ('fragment F on Project { id }\nquery Q { project(id: "mutation") { ...F } }', ("Q", False)),
    ],
    ids=[
        "query",
        "mutation",
        "comments-and-commas-first",
        "anonymous-mutation",
        "query-shorthand",
        "fragment-first",
        "fragment-first-query-mentioning-mutation",
    ],
)
def test_the_first_definition_decides_name_and_kind(document: str, expected: tuple[str | None, bool]) -> None:
    assert describe_operation(document, None) == expected


@pytest.mark.parametrize(
    "document",
    ["query Project { project(id: 1) { id }", "fragment F on Project { id }"],
    ids=["unparsable", "no-operation"],
)
def test_a_document_whose_operation_cannot_be_read_counts_as_a_mutation(document: str) -> None:
    assert describe_operation(document, "Unknown") == ("Unknown", True)


def test_an_operation_name_picks_that_operation_out_of_several() -> None:
    document = "query Project { project(id: 1) { id } }\nmutation ProjectDelete { projectDelete(id: 1) }"

    assert describe_operation(document, "ProjectDelete") == ("ProjectDelete", True)
