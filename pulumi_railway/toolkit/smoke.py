"""Smoke steps: a short list of HTTP requests against a new deployment, each with what its answer must show.

Validated for the provider's check and the program's config alike; run in one cookie-keeping session so
"log in, then place an order" works. A failure says which step and what differed, never a body, a header or
a filled-in value, so no secret can leak through it."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import requests

from pulumi_railway.toolkit.check_summary import Outcome

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
STEP_KEYS = frozenset(
    {"name", "method", "path", "body", "headers", "expectStatus", "expectFragment", "expectField", "save"}
)
PLACEHOLDER = re.compile(r"\{\{(secret|saved):([A-Za-z0-9_]+)\}\}")
HTTP_TIMEOUT_SECONDS = 15.0


# A step: method, path, optional JSON body and headers, expected status, an expected text fragment or JSON
# field, values to save for later steps. Placeholders `{{secret:NAME}}` (a value given out of band, e.g. a
# smoke user's password) and `{{saved:NAME}}` (a field saved from an earlier answer) are filled in at send
# time only.
@dataclass(frozen=True)
class Step:
    name: str
    method: str
    path: str
    body: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)
    expect_status: int = 200
    expect_fragment: str | None = None
    expect_field: str | None = None  # dotted path into the JSON answer that must be present and non-empty
    save: Mapping[str, str] = field(default_factory=dict)  # name -> dotted path, for {{saved:name}}

    @classmethod
    def parse(cls, raw: Mapping[str, Any], index: int) -> Step:
        return cls(
            name=str(raw.get("name") or f"step {index + 1}"),
            method=str(raw["method"]).upper(),
            path=str(raw["path"]),
            body=raw.get("body"),
            headers=dict(raw.get("headers") or {}),
            expect_status=int(raw.get("expectStatus", 200)),
            expect_fragment=raw.get("expectFragment"),
            expect_field=raw.get("expectField"),
            save=dict(raw.get("save") or {}),
        )


def step_problems(raw: Any, index: int) -> list[str]:
    """What is wrong with one declared step (empty when nothing is), each naming the field and the fix."""
    where = f"step {index + 1}"
    if not isinstance(raw, Mapping):
        return [f'{where} is not an object like {{"method": "GET", "path": "/health"}}']
    problems = [
        f"{where}: unknown field '{k}' (known: {', '.join(sorted(STEP_KEYS))})"
        for k in raw
        if k not in STEP_KEYS
    ]
    method = raw.get("method")
    if not isinstance(method, str) or method.upper() not in METHODS:
        problems.append(f"{where}: method {method!r} is not one of {', '.join(METHODS)}")
    path = raw.get("path")
    if not isinstance(path, str) or not path.startswith("/"):
        problems.append(f"{where}: path is missing or does not start with '/' (e.g. \"/api/auth/login\")")
    status = raw.get("expectStatus", 200)
    if isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599:
        problems.append(f"{where}: expectStatus {status!r} is not an HTTP status (100-599)")
    for key in ("expectFragment", "expectField"):
        value = raw.get(key)
        if value is not None and (not isinstance(value, str) or not value or PLACEHOLDER.search(value)):
            problems.append(f"{where}: {key} must be a non-empty string without placeholders")
    return problems


def secret_names(raw: Mapping[str, Any]) -> set[str]:
    """The `{{secret:NAME}}` names a step refers to (in its path, body or headers)."""
    text = json.dumps([raw.get("path"), raw.get("body"), raw.get("headers")])
    return {name for kind, name in PLACEHOLDER.findall(text) if kind == "secret"}


def run_steps(
    steps: list[Step],
    url_for: Callable[[str], str],
    secrets: Mapping[str, str],
    *,
    timeout: float = HTTP_TIMEOUT_SECONDS,
) -> Outcome:
    """Run every step in order in one session; the first that fails ends the run (a SEV-2 breach)."""
    saved: dict[str, str] = {}
    with requests.Session() as session:
        for step in steps:
            problem = _run(session, step, url_for, secrets, saved, timeout)
            if problem is not None:
                return Outcome("smoke", "breached", problem, "every step as declared", "SEV-2")
    return Outcome("smoke", "passed", f"{len(steps)} step(s) passed", "every step as declared")


def _run(
    session: requests.Session,
    step: Step,
    url_for: Callable[[str], str],
    secrets: Mapping[str, str],
    saved: dict[str, str],
    timeout: float,
) -> str | None:
    """None when the step passed, else what went wrong (no body, header or filled-in value)."""
    fill = _filler(secrets, saved)
    where = f"step '{step.name}' ({step.method} {step.path})"
    try:
        response = session.request(
            step.method,
            url_for(fill(step.path)),
            json=_fill_json(step.body, fill) if step.body is not None else None,
            headers={k: fill(v) for k, v in step.headers.items()},
            timeout=timeout,
            allow_redirects=False,
        )
    except requests.RequestException as exc:
        return f"{where}: no answer ({type(exc).__name__})"
    except KeyError as exc:
        return f"{where}: refers to {exc.args[0]}, which is not available"
    if response.status_code != step.expect_status:
        return f"{where}: HTTP {response.status_code}, expected {step.expect_status}"
    if step.expect_fragment is not None and step.expect_fragment not in response.text:
        return f"{where}: the answer does not contain the expected fragment {step.expect_fragment!r}"
    if step.expect_field is None and not step.save:
        return None
    try:
        body = response.json()
    except ValueError:
        return f"{where}: the answer is not JSON"
    for path in [p for p in (step.expect_field,) if p] + list(step.save.values()):
        if _field(body, path) in (None, "", [], {}):
            return f"{where}: the answer has no field {path!r}"
    saved.update({name: str(_field(body, path)) for name, path in step.save.items()})
    return None


def _filler(secrets: Mapping[str, str], saved: Mapping[str, str]) -> Callable[[str], str]:
    def fill(text: str) -> str:
        def one(match: re.Match[str]) -> str:
            source = secrets if match.group(1) == "secret" else saved
            if match.group(2) not in source:
                raise KeyError(f"{{{{{match.group(1)}:{match.group(2)}}}}}")
            return source[match.group(2)]

        return PLACEHOLDER.sub(one, text)

    return fill


def _fill_json(value: Any, fill: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return fill(value)
    if isinstance(value, list):
        return [_fill_json(v, fill) for v in value]
    if isinstance(value, dict):
        return {k: _fill_json(v, fill) for k, v in value.items()}
    return value


def _field(body: Any, path: str) -> Any:
    for part in path.split("."):
        if isinstance(body, dict):
            body = body.get(part)
        elif isinstance(body, list) and part.isdigit() and int(part) < len(body):
            body = body[int(part)]
        else:
            return None
    return body
