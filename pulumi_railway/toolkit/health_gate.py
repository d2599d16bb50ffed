"""The health gate after a deploy: GET the health URL until it answers 200 with JSON `{"status": "ok"}`.

A new `*.up.railway.app` domain may not answer for a while after Railway reports SUCCESS (issue 12, risk
7), so failures within a grace after the deploy are not counted; after it, `attempts` failures fail the
gate."""

from __future__ import annotations

import requests

from pulumi_railway.api.retry import Waits

HTTP_TIMEOUT_SECONDS = 10.0


# Both are bounded: the grace and the interval come from the Deployment's inputs.
def check(url: str, attempts: int, interval: float, grace: float, waits: Waits) -> str | None:
    """None once the URL answers ok; else why the gate failed (after the grace and `attempts` failures)."""
    grace_ends = waits.clock() + grace
    failed = 0
    while True:
        last = probe(url)
        if not last:
            return None
        if waits.clock() >= grace_ends:
            failed += 1
        if failed >= attempts:
            after = f", after a grace of {grace:g}s" if grace else ""
            return f"the health check {url} failed {attempts} time(s) (last: {last}){after}"
        waits.sleep(interval)


def probe(url: str) -> str:
    """One GET of the health URL: "" when it answers 200 with JSON {"status": "ok"}, else what went wrong."""
    try:
        response = requests.get(url, timeout=HTTP_TIMEOUT_SECONDS)
    except requests.RequestException as exc:
        return f"no answer ({type(exc).__name__})"
    if response.status_code != 200:
        return f"HTTP {response.status_code}"
    try:
        body = response.json()
    except ValueError:
        return "HTTP 200 with a body that is not JSON"
    status = body.get("status") if isinstance(body, dict) else None
    if status == "ok":
        return ""
    return f'HTTP 200 with JSON status {str(status)[:40]!r}, not "ok"'
