"""What the preview driver says: the PR-comment summary, the list table, reap lines, and redaction.

Owns the text `tools/previews.py` prints and writes, and one safety net under all of it: `redact()`
replaces every secret value the driver knows: each credential environment variable and any variable whose
name looks like one (the runner's tokens too), and each value `remember()`ed (a stack's secret outputs,
the credentials withheld from Pulumi), so even a CLI error that echoed one would not reach a log or a PR
comment. It deliberately does not talk to Pulumi.
"""

from __future__ import annotations

import os
import re
from datetime import datetime, timedelta

from pulumi import automation as auto

from tools.credentials import looks_secret
from tools.preview_stacks import PreviewInfo, Reaped, UpReport

# The hidden marker the workflows look for to update the preview comment in place.
MARKER = "<!-- cartly-preview -->"
# Very short values would blank out ordinary words; such a value is no real credential anyway.
SHORTEST_SECRET = 6
_remembered: set[str] = set()


def remember(*values: str) -> None:
    """Secret values to redact from now on, beyond the environment's (a stack's secret outputs)."""
    _remembered.update(v for v in values if len(v) >= SHORTEST_SECRET)


def redact(text: str) -> str:
    named = {
        value: f"[{name} redacted]"
        for name, value in os.environ.items()
        if looks_secret(name, value) and len(value) >= SHORTEST_SECRET
    }
    secrets = {**{value: "[secret redacted]" for value in _remembered}, **named}
    for value in sorted(secrets, key=len, reverse=True):  # longest first: one may contain another
        text = text.replace(value, secrets[value])
    return text


def changes_text(changes: dict[str, int]) -> str:
    parts = [f"{count} {kind}" for kind, count in sorted(changes.items()) if count]
    return ", ".join(parts) or "no changes"


def up_summary(report: UpReport) -> str:
    url = f"<{report.url}>" if report.url else "(the stack exports no URL)"
    lines = [
        MARKER,
        f"### Preview `{report.stack}`: {report.result}",
        "",
        f"- **URL:** {url}",
        f"- **Image tag:** `{report.image_tag}`",
        f"- **Resources:** {changes_text(report.changes)}",
    ]
    if report.outputs:
        lines += ["", "| output | value |", "|---|---|"]
        lines += [f"| `{key}` | `{value}` |" for key, value in report.outputs.items()]
    return redact("\n".join(lines) + "\n")


def destroy_summary(stack: str, existed: bool) -> str:
    said = "destroyed and removed" if existed else "did not exist: nothing to destroy"
    return f"{MARKER}\n### Preview `{stack}` {said}\n"


def failure_summary(stack: str, message: str) -> str:
    """The PR comment after a failed run: its first line (already redacted), the details stay in the log."""
    first = message.splitlines()[0] if message else "it failed"
    return redact(
        f"{MARKER}\n### Preview `{stack}`: failed\n\n{first}\n\nThe workflow run's log has the details.\n"
    )


def _span(span: timedelta | None) -> str:
    if span is None:
        return "-"
    minutes = int(span.total_seconds() // 60)
    days, hours, mins = minutes // 1440, minutes % 1440 // 60, minutes % 60
    return f"{days}d{hours}h" if days else f"{hours}h{mins}m"


def _stamp(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "never"


def list_table(previews: list[PreviewInfo], now: datetime) -> str:
    if not previews:
        return "No preview stacks.\n"
    rows = [("STACK", "IDLE", "LAST UPDATE", "RESOURCES", "STATE")]
    for p in previews:
        state = "updating" if p.update_in_progress else "idle"
        count = "-" if p.resource_count is None else str(p.resource_count)
        rows.append((p.stack, _span(p.age(now)), _stamp(p.last_update), count, state))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "".join(
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() + "\n" for row in rows
    )


def reap_lines(reaped: list[Reaped]) -> str:
    if not reaped:
        return "Nothing to reap.\n"
    lines = []
    for item in reaped:
        if item.error is None:
            lines.append(f"removed {item.preview.stack}: {item.reason}")
        else:
            _code, why = describe_failure(item.error, "destroy", item.preview.stack)
            lines.append(f"FAILED to remove {item.preview.stack} ({item.reason}): {why}")
    return redact("\n".join(lines) + "\n")


# Exit codes: 1 an update or destroy failed, 3 the Pulumi CLI is missing or unusable, 4 the stack is locked.
EXIT_FAILED, EXIT_NO_CLI, EXIT_LOCKED = 1, 3, 4
CLI_TAIL_LINES = 15


def describe_failure(exc: BaseException, action: str, stack: str) -> tuple[int, str]:
    """An exit code and a message that says what failed, on what, and what to do: never a traceback."""
    if isinstance(exc, FileNotFoundError):
        return EXIT_NO_CLI, (
            "The Pulumi CLI was not found on PATH. Install it (https://www.pulumi.com/docs/install/, "
            "or pulumi/actions in a workflow) and run this again."
        )
    if isinstance(exc, auto.InvalidVersionError):
        return EXIT_NO_CLI, f"The Pulumi CLI on PATH cannot be used: {exc}"
    if isinstance(exc, auto.ConcurrentUpdateError):
        return EXIT_LOCKED, redact(
            f"Unable to {action} stack '{stack}': it is locked by another update. Wait for that one to "
            f"finish; if none is running (a crashed job), run `pulumi cancel --stack {stack}` and retry.\n"
            + _cli_tail(exc)
        )
    if isinstance(exc, auto.CommandError):
        code = re.search(r"code: (-?\d+)", str(exc))
        exit_code = code.group(1) if code else "?"
        return EXIT_FAILED, redact(
            f"Unable to {action} stack '{stack}': pulumi exited with code {exit_code}.\n{_cli_tail(exc)}"
        )
    return EXIT_FAILED, redact(f"Unable to {action} stack '{stack}': {type(exc).__name__}: {exc}")


def _cli_tail(exc: BaseException) -> str:
    """The last lines the CLI wrote (stderr, else stdout): where it says why."""
    text = str(exc)
    stderr = text.split("\n stderr: ", 1)[1] if "\n stderr: " in text else ""
    stdout = text.split("\n stdout: ", 1)[1].split("\n stderr: ", 1)[0] if "\n stdout: " in text else ""
    lines = [line for line in (stderr.strip() or stdout.strip()).splitlines() if line.strip()]
    return "\n".join(f"  {line}" for line in lines[-CLI_TAIL_LINES:])
