"""The Sentry check: issues first seen since the deploy started count against their own threshold (SEV-2).

Without a token or a project it is skipped and says so; an unreachable Sentry is "not judged" (an outage is
no reason to roll back). The token goes in a header only: errors name just the exception's type or HTTP
status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import requests

from pulumi_railway.toolkit.check_summary import Outcome

HTTP_TIMEOUT_SECONDS = 15.0


@dataclass(frozen=True)
class SentrySettings:
    url: str = "https://sentry.io"
    organization: str = ""
    project: str = ""
    max_new_issues: int = 0


# One read of Sentry's "list a project's issues" endpoint (`GET {url}/api/0/projects/{org}/{project}/issues/
# ?query=firstSeen:>=<start>`), keeping the issues whose `firstSeen` is at or after the start.
def check_sentry(settings: SentrySettings, token: str | None, since: str) -> Outcome:
    """New issues first seen at or after `since` (ISO 8601) against `max_new_issues`."""
    threshold = f"at most {settings.max_new_issues} new issue(s)"
    if not token or not settings.organization or not settings.project:
        return Outcome(
            "sentry", "skipped", threshold=threshold, detail="no Sentry auth token or project configured"
        )
    endpoint = f"{settings.url.rstrip('/')}/api/0/projects/{settings.organization}/{settings.project}/issues/"
    try:
        response = requests.get(
            endpoint,
            params={"query": f"firstSeen:>={since}", "statsPeriod": "24h"},
            headers={"Authorization": f"Bearer {token}"},
            timeout=HTTP_TIMEOUT_SECONDS,
        )
    except requests.RequestException as exc:
        return Outcome(
            "sentry",
            "not judged",
            threshold=threshold,
            detail=f"Sentry did not answer ({type(exc).__name__})",
        )
    if response.status_code != 200:
        why = f"Sentry answered HTTP {response.status_code}"
        return Outcome("sentry", "not judged", threshold=threshold, detail=why)
    try:
        issues = [i for i in response.json() if _at_or_after(i.get("firstSeen"), since)]
    except (ValueError, AttributeError, TypeError):
        return Outcome(
            "sentry", "not judged", threshold=threshold, detail="Sentry's answer is not a list of issues"
        )
    names = ", ".join(str(i.get("shortId") or i.get("id")) for i in issues[:5])
    measured = f"{len(issues)} new issue(s)" + (f" ({names})" if names else "")
    if len(issues) > settings.max_new_issues:
        return Outcome("sentry", "breached", measured, threshold, "SEV-2")
    return Outcome("sentry", "passed", measured, threshold)


def _at_or_after(value: object, since: str) -> bool:
    if not isinstance(value, str):
        return False
    parse = datetime.fromisoformat
    return parse(value.replace("Z", "+00:00")) >= parse(since.replace("Z", "+00:00"))
