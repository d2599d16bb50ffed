"""The Slack message of a release, in the runbook's form: status, commit, stack, link to the logs.

`message` builds the text; `post` sends it with `chat.postMessage` to the stack's configured channel
(`cartly-infra:slackChannel`). Slack answers HTTP 200 with `ok: false` for most refusals, so both are
checked. The bot token comes from the caller and is never logged.
"""

from __future__ import annotations

from dataclasses import dataclass

import requests

TIMEOUT_SECONDS = 15
ICONS = {"succeeded": ":white_check_mark:", "rolled back": ":rewind:", "failed": ":x:", "started": ":rocket:"}


class SlackError(RuntimeError):
    """Slack refused or could not be reached (the error code Slack gave, never the token)."""


def message(
    *, status: str, stack: str, commit: str, image: str, logs: str, detail: str = "", checks: str = ""
) -> str:
    """The runbook's message: `<icon> Cartly <stack> release <status>` then commit, stack, image, logs,
    why it failed, and the post-deploy checks' summary (check_summary.Report's text)."""
    lines = [
        f"{ICONS.get(status, ':grey_question:')} Cartly {stack} release {status}",
        f"Commit: {commit[:12]}",
        f"Stack: {stack}",
        f"Image: {image}",
        f"Logs: {logs}",
    ]
    if detail:
        lines.append(f"Why: {detail[:500]}")
    if checks:
        lines += ["Checks:", checks[:3000]]
    return "\n".join(lines)


@dataclass
class Slack:
    """`chat.postMessage` with one bot token, at `api_url` (Slack's, unless a proxy is configured)."""

    token: str
    api_url: str = "https://slack.com/api"
    session: requests.Session | None = None

    def __repr__(self) -> str:
        return f"Slack(api_url={self.api_url!r})"

    def post(self, channel: str, text: str) -> None:
        http = self.session or requests.Session()
        url = f"{self.api_url.rstrip('/')}/chat.postMessage"
        headers = {"Authorization": f"Bearer {self.token}"}
        try:
            answer = http.post(
                url, json={"channel": channel, "text": text}, headers=headers, timeout=TIMEOUT_SECONDS
            )
        except requests.RequestException as exc:
            raise SlackError(f"Unable to reach Slack: {type(exc).__name__}") from None
        body = answer.json() if answer.headers.get("content-type", "").startswith("application/json") else {}
        if answer.status_code != 200 or not body.get("ok"):
            raise SlackError(
                f"Slack refused the message to {channel}: HTTP {answer.status_code} {body.get('error')}"
            )
