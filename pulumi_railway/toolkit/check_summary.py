"""The outcome of a deploy's post-deploy checks: which passed, which breached (measured vs threshold, SEV),
which were skipped or could not be judged, and whether the deploy was rolled back.

Rendered for a Deployment output, logs, a GitHub status, Slack, and a marker line tools read back from an
error. It holds no secret: checks put none in their details."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

Status = Literal["passed", "breached", "skipped", "not judged"]
Severity = Literal["SEV-2", "SEV-3"]
ERROR_MARKER = "post-deploy-checks: "
STATUS_LIMIT = 140  # GitHub's limit on a deployment status description
ICONS = {"passed": ":white_check_mark:", "breached": ":rotating_light:", "skipped": ":fast_forward:"}


@dataclass(frozen=True)
class Outcome:
    """One check: its name, status, what was measured and against what, and the SEV a breach carries."""

    name: str
    status: Status
    measured: str = ""
    threshold: str = ""
    severity: Severity | None = None
    detail: str = ""

    @property
    def rolls_back(self) -> bool:
        return self.status == "breached" and self.severity == "SEV-2"

    def line(self) -> str:
        text = f"{self.name}: {self.status}"
        if self.measured or self.threshold:
            text += f" ({self.measured or '-'} vs threshold {self.threshold or '-'})"
        if self.status == "breached" and self.severity:
            text += f" [{self.severity}]"
        return f"{text}: {self.detail}" if self.detail else text


# Renderings: `to_output`/`from_output` (the Deployment output), `to_text` (logs and errors), a one-line
# description for a GitHub Deployment status (at most STATUS_LIMIT characters), `to_slack_blocks` (Slack Block
# Kit), and `error_line`/`from_error` (the marker line tools read back from `pulumi up`'s output).
@dataclass(frozen=True)
class Summary:
    """Every check of one deploy, in the order they ran, and what happened to the deploy."""

    deployment_id: str
    outcomes: tuple[Outcome, ...] = ()
    rolled_back: bool = False
    rolled_back_to: str | None = None
    failed: bool = False  # the deploy did not count as done (whether or not it could be rolled back)
    notes: tuple[str, ...] = field(default=())

    @property
    def breaches(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if o.status == "breached")

    @property
    def needs_rollback(self) -> bool:
        return any(o.rolls_back for o in self.outcomes)

    @property
    def severity(self) -> Severity | None:
        levels = {o.severity for o in self.breaches}
        return "SEV-2" if "SEV-2" in levels else ("SEV-3" if "SEV-3" in levels else None)

    def with_failure(self, rolled_back_to: str | None) -> Summary:
        """The deploy failed, and was rolled back to `rolled_back_to` (None: nothing was rolled back)."""
        return replace(
            self, failed=True, rolled_back=rolled_back_to is not None, rolled_back_to=rolled_back_to
        )

    def headline(self) -> str:
        if self.rolled_back:
            target = f" to {self.rolled_back_to}" if self.rolled_back_to else ""
            return f"{self.severity or 'SEV-2'}: deployment {self.deployment_id} rolled back{target}"
        if self.failed:
            return (
                f"{self.severity or 'SEV-2'}: deployment {self.deployment_id} failed; nothing was rolled back"
            )
        if self.breaches:
            return f"{self.severity}: deployment {self.deployment_id} is live with an alert"
        return f"deployment {self.deployment_id} passed its checks"

    def to_text(self) -> str:
        lines = [self.headline(), *(f"- {o.line()}" for o in self.outcomes), *self.notes]
        return "\n".join(lines)

    def to_status_description(self) -> str:
        counts = {s: sum(o.status == s for o in self.outcomes) for s in ("passed", "breached", "skipped")}
        tail = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
        names = ", ".join(o.name for o in self.breaches)
        text = f"{self.headline()} ({tail})" + (f"; breached: {names}" if names else "")
        return text if len(text) <= STATUS_LIMIT else text[: STATUS_LIMIT - 1] + "…"

    def to_slack_blocks(self) -> list[dict[str, Any]]:
        rows = "\n".join(f"{ICONS.get(o.status, ':grey_question:')} {o.line()}" for o in self.outcomes)
        blocks: list[dict[str, Any]] = [
            {"type": "header", "text": {"type": "plain_text", "text": self.headline()[:150]}},
            {"type": "section", "text": {"type": "mrkdwn", "text": rows[:3000] or "no checks ran"}},
        ]
        if self.notes:
            notes = [{"type": "mrkdwn", "text": note[:300]} for note in self.notes[:10]]
            blocks.append({"type": "context", "elements": notes})
        return blocks

    def to_output(self) -> dict[str, Any]:
        return {
            "deployment_id": self.deployment_id,
            "outcomes": [asdict(o) for o in self.outcomes],
            "rolled_back": self.rolled_back,
            "rolled_back_to": self.rolled_back_to,
            "failed": self.failed,
            "notes": list(self.notes),
            "text": self.to_text(),
        }

    @classmethod
    def from_output(cls, data: dict[str, Any]) -> Summary:
        return cls(
            deployment_id=str(data["deployment_id"]),
            outcomes=tuple(Outcome(**o) for o in data.get("outcomes", [])),
            rolled_back=bool(data.get("rolled_back")),
            rolled_back_to=data.get("rolled_back_to"),
            failed=bool(data.get("failed")),
            notes=tuple(data.get("notes", [])),
        )

    def error_line(self) -> str:
        """One line an error message ends with, which `from_error` reads back (e.g. for the Slack alert)."""
        data = {k: v for k, v in self.to_output().items() if k != "text"}
        return ERROR_MARKER + json.dumps(data, separators=(",", ":"))

    @classmethod
    def from_error(cls, message: str) -> Summary | None:
        for line in reversed(message.splitlines()):
            if line.strip().startswith(ERROR_MARKER):
                return cls.from_output(json.loads(line.strip()[len(ERROR_MARKER) :]))
        return None


@dataclass(frozen=True)
class Report:
    """One deploy's summaries, by service name: what one Slack message or one GitHub status shows."""

    summaries: tuple[tuple[str, Summary], ...]

    @classmethod
    def from_outputs(cls, checks: dict[str, Any]) -> Report:
        """From a stack output mapping service name -> a Deployment's `checks` (None: not deployed)."""
        return cls(tuple((name, Summary.from_output(data)) for name, data in sorted(checks.items()) if data))

    @classmethod
    def from_errors(cls, errors: list[str]) -> Report:
        """From a failed run's error messages (each failed Deployment's ends with its summary line)."""
        found = [(s.deployment_id, s) for s in (Summary.from_error(e) for e in errors) if s is not None]
        return cls(tuple(found))

    @property
    def severity(self) -> Severity | None:
        levels = {s.severity for _, s in self.summaries}
        return "SEV-2" if "SEV-2" in levels else ("SEV-3" if "SEV-3" in levels else None)

    def to_text(self) -> str:
        return (
            "\n\n".join(f"{name}: {s.to_text()}" for name, s in self.summaries) or "no post-deploy checks ran"
        )

    def to_status_description(self) -> str:
        text = "; ".join(f"{name}: {s.to_status_description()}" for name, s in self.summaries)
        text = text or "no post-deploy checks ran"
        return text if len(text) <= STATUS_LIMIT else text[: STATUS_LIMIT - 1] + "…"

    def to_slack_blocks(self) -> list[dict[str, Any]]:
        blocks: list[dict[str, Any]] = []
        for name, summary in self.summaries:
            for block in summary.to_slack_blocks():
                if block["type"] == "header":
                    text = f"{name}: {block['text']['text']}"[:150]
                    block = {**block, "text": {**block["text"], "text": text}}
                blocks.append(block)
        return blocks[:50]  # Slack's limit per message
