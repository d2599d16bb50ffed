"""A minimal GraphQL caller over plain `requests` for the emulator's self-tests (and for arranging state
over HTTP in other tests). Deliberately independent of pulumi_railway/api/client.py: no retries, no
error mapping; it returns the raw response so tests can assert on statuses and headers.
"""

from __future__ import annotations

from typing import Any

import requests


class Gql:
    def __init__(self, url: str, token: str | None = None, *, project_token: str | None = None) -> None:
        self.url = url
        self.headers: dict[str, str] = {}
        if token is not None:
            self.headers["Authorization"] = f"Bearer {token}"
        if project_token is not None:
            self.headers["Project-Access-Token"] = project_token
        self.session = requests.Session()

    def post(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        source: bool = True,
        timeout: float = 5.0,
    ) -> requests.Response:
        """POST the document; with source=True the URL carries `?source=selftest` (as clients must)."""
        url = f"{self.url}?source=selftest" if source else self.url
        body = {"query": query, "variables": variables or {}}
        return self.session.post(url, json=body, headers=self.headers, timeout=timeout)

    def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The `data` of a successful answer; AssertionError (with the errors) otherwise."""
        response = self.post(query, variables)
        body = response.json()
        assert response.status_code == 200 and not body.get("errors"), (response.status_code, body)
        data: dict[str, Any] = body["data"]
        return data

    def errors(self, query: str, variables: dict[str, Any] | None = None) -> list[str]:
        """The error messages of an answer (HTTP 200 with `errors`)."""
        response = self.post(query, variables)
        assert response.status_code == 200, (response.status_code, response.text)
        return [e["message"] for e in response.json().get("errors", [])]
