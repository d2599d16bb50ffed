"""The Railway token on its way into a request, and nowhere else."""

from __future__ import annotations

from typing import Literal, NoReturn

import requests

from pulumi_railway.api.errors import RailwayError, RailwayGraphQLError, RailwayHTTPError

REDACTED = "***"
_MIN_SCRUB_LENGTH = 6  # shorter "tokens" (tests) would turn unrelated words into ***


class TokenAuth(requests.auth.AuthBase):
    """A requests auth hook that sets the token's header; given as `auth=`, so ~/.netrc never overrides it."""

    def __init__(self, token: str, kind: Literal["workspace", "account", "project"]) -> None:
        token = token.strip() if isinstance(token, str) else ""
        if not token:
            raise RailwayError(
                "No Railway token was given: set the stack secret cartly-infra:railwayToken "
                "(pulumi config set --secret cartly-infra:railwayToken ...) or env RAILWAY_API_TOKEN"
            )
        if not (token.isascii() and token.isprintable()) or any(ch.isspace() for ch in token):
            # requests would otherwise reject the header with the token quoted in its message.
            raise RailwayError(
                "The Railway token contains spaces, control or non-ASCII characters: "
                "copy it again, as one line"
            )
        self.kind = kind
        if kind == "project":
            self._header, self._value = "Project-Access-Token", token
        else:
            self._header, self._value = "Authorization", f"Bearer {token}"
        self._token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers[self._header] = self._value
        return request

    def __repr__(self) -> str:
        return f"TokenAuth(kind={self.kind!r}, header={self._header!r}, token={REDACTED!r})"

    def __getstate__(self) -> NoReturn:
        raise TypeError("A Railway token is never pickled: build the client where it is used")

    def scrub(self, error: BaseException) -> None:
        """Replaces the token in the error's message (and body) in place: last line of defence."""
        if len(self._token) < _MIN_SCRUB_LENGTH:
            return
        error.args = tuple(self.redact(arg) if isinstance(arg, str) else arg for arg in error.args)
        if isinstance(error, RailwayHTTPError):
            error.body = self.redact(error.body)
        if isinstance(error, RailwayGraphQLError):
            error.messages = [self.redact(message) for message in error.messages]

    def redact(self, text: str) -> str:
        return text.replace(self._token, REDACTED) if len(self._token) >= _MIN_SCRUB_LENGTH else text
