"""RailwayClient's requests: where they go, how they authenticate, what they carry, and how long they wait.

Rules protected: the endpoint comes from the argument, then RAILWAY_API_URL, then Railway's default, and
always carries `?source=cartly-infra` (without a query string Cloudflare applies a stricter limit); each token
kind uses its own header; every request has a timeout (90 s by default, like the Railway CLI); bad input is
refused before anything is sent.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import responses

from pulumi_railway.api.client import DEFAULT_ENDPOINT, RailwayClient
from pulumi_railway.api.errors import RailwayError, RailwayHTTPError

URL = "https://railway.test/graphql/v2"
TOKEN = "tok-0123456789abcdef"
QUERY = "query Me { me { id } }"


@pytest.fixture
def api() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock() as mock:
        mock.post(URL, json={"data": {"me": {"id": "u1"}}})
        yield mock


def sent_query(api: responses.RequestsMock) -> dict[str, list[str]]:
    assert len(api.calls) == 1
    url = api.calls[0].request.url
    assert url is not None
    return parse_qs(urlsplit(url).query)


# --- Endpoint ---------------------------------------------------------------------------------------------


def test_the_query_string_names_the_source_on_every_request(api: responses.RequestsMock) -> None:
    RailwayClient(TOKEN, endpoint=URL).execute(QUERY)

    assert sent_query(api) == {"source": ["cartly-infra"]}


def test_an_endpoint_with_its_own_query_keeps_it_and_gains_the_source() -> None:
    client = RailwayClient(TOKEN, endpoint=URL + "?region=eu&source=other")

    assert parse_qs(urlsplit(client.endpoint).query) == {"region": ["eu"], "source": ["cartly-infra"]}


def test_a_clients_endpoint_given_to_another_client_stays_the_same() -> None:
    endpoint = RailwayClient(TOKEN, endpoint=URL + "?region=eu").endpoint

    assert RailwayClient(TOKEN, endpoint=endpoint).endpoint == endpoint


def test_the_endpoint_comes_from_railway_api_url_when_not_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAILWAY_API_URL", "http://127.0.0.1:4000/graphql/v2")

    assert RailwayClient(TOKEN).endpoint == "http://127.0.0.1:4000/graphql/v2?source=cartly-infra"


def test_the_endpoint_argument_wins_over_railway_api_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAILWAY_API_URL", "http://127.0.0.1:4000/graphql/v2")

    assert RailwayClient(TOKEN, endpoint=URL).endpoint == URL + "?source=cartly-infra"


def test_the_endpoint_defaults_to_railways_public_api(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RAILWAY_API_URL", raising=False)

    assert RailwayClient(TOKEN).endpoint == DEFAULT_ENDPOINT + "?source=cartly-infra"


def test_an_endpoint_that_is_not_an_http_url_is_refused_with_the_fix() -> None:
    with pytest.raises(RailwayError, match="not an http\\(s\\) URL: pass endpoint= or set RAILWAY_API_URL"):
        RailwayClient(TOKEN, endpoint="backboard.railway.com/graphql/v2")


def test_a_redirect_is_not_followed_and_names_the_new_location() -> None:
    with responses.RequestsMock() as api:
        api.post(URL, status=301, headers={"Location": "https://elsewhere.test/graphql/v2"})

        moved = re.escape("redirected to https://elsewhere.test/")
        with pytest.raises(RailwayHTTPError, match=moved) as caught:
            RailwayClient(TOKEN, endpoint=URL).execute(QUERY)

        assert len(api.calls) == 1
    assert caught.value.status == 301


# --- Authentication ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["workspace", "account"])
def test_workspace_and_account_tokens_are_sent_as_bearer(api: responses.RequestsMock, kind: str) -> None:
    RailwayClient(TOKEN, token_kind=kind, endpoint=URL).execute(QUERY)  # type: ignore[arg-type]

    assert len(api.calls) == 1
    headers = api.calls[0].request.headers
    assert headers["Authorization"] == f"Bearer {TOKEN}"
    assert "Project-Access-Token" not in headers


def test_a_project_token_uses_the_project_access_token_header(api: responses.RequestsMock) -> None:
    RailwayClient(TOKEN, token_kind="project", endpoint=URL).execute(QUERY)

    assert len(api.calls) == 1
    headers = api.calls[0].request.headers
    assert headers["Project-Access-Token"] == TOKEN
    assert "Authorization" not in headers


def test_a_netrc_entry_never_replaces_the_token(
    api: responses.RequestsMock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text("machine railway.test login someone password other-secret\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))

    RailwayClient(TOKEN, endpoint=URL).execute(QUERY)

    assert len(api.calls) == 1
    assert api.calls[0].request.headers["Authorization"] == f"Bearer {TOKEN}"


def test_surrounding_whitespace_is_trimmed_from_the_token(api: responses.RequestsMock) -> None:
    RailwayClient(f"  {TOKEN}\n", endpoint=URL).execute(QUERY)

    assert api.calls[0].request.headers["Authorization"] == f"Bearer {TOKEN}"


def test_an_empty_token_is_refused_saying_how_to_set_one() -> None:
    with pytest.raises(RailwayError, match=r"cartly-infra:railwayToken .* or env RAILWAY_API_TOKEN"):
        RailwayClient("  ", endpoint=URL)


def test_a_token_with_a_space_inside_is_refused_without_quoting_it() -> None:
    with pytest.raises(RailwayError, match="copy it again, as one line") as caught:
        RailwayClient("tok-0123 456789", endpoint=URL)

    assert "0123" not in str(caught.value)


def test_an_unknown_token_kind_is_refused() -> None:
    with pytest.raises(
        ValueError, match="token_kind must be 'workspace', 'account' or 'project', not 'team'"
    ):
        RailwayClient(TOKEN, token_kind="team", endpoint=URL)  # type: ignore[arg-type]


# --- What is sent -----------------------------------------------------------------------------------------


def test_the_body_carries_query_variables_and_operation_name(api: responses.RequestsMock) -> None:
    RailwayClient(TOKEN, endpoint=URL).execute(QUERY, {"id": "p1"})

    assert len(api.calls) == 1
    body = api.calls[0].request.body
    assert body is not None
    assert json.loads(body) == {"query": QUERY, "variables": {"id": "p1"}, "operationName": "Me"}


def test_an_explicit_operation_name_is_sent_as_given(api: responses.RequestsMock) -> None:
    document = "query First { me { id } }\nquery Second { me { id } }"

    RailwayClient(TOKEN, endpoint=URL).execute(document, operation_name="Second")

    body = api.calls[0].request.body
    assert body is not None
    assert json.loads(body)["operationName"] == "Second"


def test_execute_returns_the_data_object(api: responses.RequestsMock) -> None:
    assert RailwayClient(TOKEN, endpoint=URL).execute(QUERY) == {"me": {"id": "u1"}}


def test_an_empty_document_is_refused_before_sending() -> None:
    with pytest.raises(ValueError, match="A GraphQL document is required"):
        RailwayClient(TOKEN, endpoint=URL).execute("   ")


def test_variables_that_are_not_json_are_refused_before_sending() -> None:
    with responses.RequestsMock() as api:
        with pytest.raises(ValueError, match="The variables of query 'Me' cannot be sent as JSON"):
            RailwayClient(TOKEN, endpoint=URL).execute(QUERY, {"ids": {"p1", "p2"}})

        assert len(api.calls) == 0


def test_request_count_counts_requests_sent(api: responses.RequestsMock) -> None:
    client = RailwayClient(TOKEN, endpoint=URL)

    client.execute(QUERY)
    client.execute(QUERY)

    assert client.request_count() == 2


# --- Timeouts ---------------------------------------------------------------------------------------------


def test_every_request_has_a_90_second_timeout_by_default(api: responses.RequestsMock) -> None:
    RailwayClient(TOKEN, endpoint=URL).execute(QUERY)

    assert api.calls[0].request.req_kwargs["timeout"] == 90.0  # type: ignore[attr-defined]


def test_the_timeout_can_be_set(api: responses.RequestsMock) -> None:
    RailwayClient(TOKEN, endpoint=URL, timeout=5).execute(QUERY)

    assert api.calls[0].request.req_kwargs["timeout"] == 5.0  # type: ignore[attr-defined]


@pytest.mark.parametrize("timeout", [0, -1.0])
def test_a_timeout_that_is_not_positive_is_refused(timeout: float) -> None:
    with pytest.raises(ValueError, match="timeout must be a positive number of seconds"):
        RailwayClient(TOKEN, endpoint=URL, timeout=timeout)
