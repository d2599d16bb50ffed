"""Preview stacks (`pr-<N>`) through the Pulumi Automation API: create/update, destroy, list, reap.

Owns the lifecycle of one pull request's stack on whatever backend `PULUMI_BACKEND_URL` names: which
stack a PR maps to, the one config value the driver sets (`cartly-infra:imageTag`, never a secret), and
what counts as stale. Credentials reach the `pulumi` CLI only through the inherited environment: nothing
here puts a secret on a command line, in workspace options or in a returned value (secret stack outputs
come back masked).

It deliberately does not parse arguments, print or format reports (`tools/previews.py`,
`tools/preview_report.py`), and it does not know what the program deploys: the preview URL is just a
stack output.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pulumi import automation as auto

IMAGE_TAG_KEY = "cartly-infra:imageTag"
# pr-<N>: a preview of app pull request N; infra-pr-<N>: of this repository's pull request N.
STACK_PATTERN = re.compile(r"^(infra-)?pr-([1-9][0-9]*)$")
SECRET_MASK = "[secret]"  # noqa: S105 (the CLI's mask, not a password)
URL_OUTPUTS = ("appUrl", "url", "previewUrl", "webUrl")  # appUrl: components/stack_outputs.py

OnOutput = Callable[[str], object]


def stack_name(pr: int, kind: str = "app") -> str:
    return f"pr-{pr}" if kind == "app" else f"infra-pr-{pr}"


def preview_of(name: str) -> tuple[str, int] | None:
    """(kind, PR number) of a preview stack name (`pr-12`, `infra-pr-12`, or fully qualified)."""
    match = STACK_PATTERN.match(name.split("/")[-1])
    return ("infra" if match.group(1) else "app", int(match.group(2))) if match else None


def pr_of(name: str) -> int | None:
    """The PR number of a preview stack name (`pr-12`, `infra-pr-12`, or `org/project/pr-12`)."""
    found = preview_of(name)
    return found[1] if found else None


@dataclass(frozen=True)
class UpReport:
    stack: str
    image_tag: str
    url: str | None
    result: str
    changes: dict[str, int]
    outputs: dict[str, str]  # secret outputs masked


@dataclass(frozen=True)
class PreviewInfo:
    pr: int
    stack: str
    created: datetime | None
    last_update: datetime | None
    resource_count: int | None
    update_in_progress: bool
    kind: str = "app"  # app (pr-<N>) or infra (infra-pr-<N>): whose pull request it previews

    def age(self, now: datetime) -> timedelta | None:
        return now - self.created if self.created else None


@dataclass(frozen=True)
class Reaped:
    preview: PreviewInfo
    reason: str
    error: Exception | None = None


@dataclass
class PreviewStacks:
    """One project directory's preview stacks. `command` defaults to the `pulumi` on PATH."""

    work_dir: Path
    on_output: OnOutput | None = None
    command: auto.PulumiCommand | None = None
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))

    def _pulumi(self) -> auto.PulumiCommand:
        # Raises FileNotFoundError without a CLI on PATH; the caller turns that into advice.
        if self.command is None:
            self.command = auto.PulumiCommand()
        return self.command

    def _workspace(self) -> auto.LocalWorkspace:
        return auto.LocalWorkspace(work_dir=str(self.work_dir), pulumi_command=self._pulumi())

    def up(self, pr: int, image_tag: str | None = None, url_output: str | None = None) -> UpReport:
        name = stack_name(pr)
        tag = image_tag or name
        return self.up_stack(name, {IMAGE_TAG_KEY: tag}, url_output, image_tag=tag)

    def up_stack(
        self, name: str, config: dict[str, str], url_output: str | None = None, *, image_tag: str = ""
    ) -> UpReport:
        """Create or update stack `name` with exactly `config` (plain values, never secrets)."""
        options = auto.LocalWorkspaceOptions(pulumi_command=self._pulumi())
        stack = auto.create_or_select_stack(name, work_dir=str(self.work_dir), opts=options)
        stack.set_all_config(
            {key: auto.ConfigValue(value=value, secret=False) for key, value in config.items()}
        )
        result = stack.up(on_output=self.on_output, show_secrets=False)
        outputs = {k: SECRET_MASK if v.secret else str(v.value) for k, v in sorted(result.outputs.items())}
        return UpReport(
            stack=name,
            image_tag=image_tag,
            url=_preview_url(outputs, url_output),
            result=result.summary.result,
            changes={str(k): v for k, v in (result.summary.resource_changes or {}).items()},
            outputs=outputs,
        )

    def destroy(self, pr: int, kind: str = "app") -> bool:
        """Destroys the stack's resources and removes the stack. False when there was no such stack."""
        name = stack_name(pr, kind)
        try:
            stack = auto.Stack.select(name, self._workspace())
        except auto.StackNotFoundError:
            return False
        stack.destroy(on_output=self.on_output, show_secrets=False, remove=True)
        return True

    def previews(self) -> list[PreviewInfo]:
        workspace = self._workspace()
        previews = []
        for summary in workspace.list_stacks():
            found = preview_of(summary.name)
            if found is None:
                continue
            kind, pr = found
            previews.append(
                PreviewInfo(
                    pr=pr,
                    stack=stack_name(pr, kind),
                    created=self._created(workspace, stack_name(pr, kind)),
                    last_update=_utc(summary.last_update),
                    resource_count=summary.resource_count,
                    update_in_progress=bool(summary.update_in_progress),
                    kind=kind,
                )
            )
        return sorted(previews, key=lambda p: (p.kind, p.pr))

    def _created(self, workspace: auto.LocalWorkspace, name: str) -> datetime | None:
        # The backend records no creation time; the first entry of the stack's history stands in for it.
        history = auto.Stack.select(name, workspace).history(show_secrets=False)
        starts = [_utc(entry.start_time) for entry in history]
        return min((s for s in starts if s), default=None)

    def stale(self, open_prs: Iterable[int], max_age: timedelta) -> list[tuple[PreviewInfo, str]]:
        """The previews to reap, each with why: its PR is not open, or it is older than `max_age`."""
        open_set, now, found = set(open_prs), self.now(), []
        for preview in self.previews():
            age = preview.age(now)
            if preview.pr not in open_set:
                found.append((preview, f"PR #{preview.pr} is not open"))
            elif age is not None and age > max_age:
                found.append((preview, f"older than {_days(max_age)} (created {_days(age)} ago)"))
        return found

    def reap(self, open_prs: Iterable[int], max_age: timedelta) -> list[Reaped]:
        """Destroys every stale preview; one failure does not stop the others (it is reported)."""
        reaped = []
        for preview, reason in self.stale(open_prs, max_age):
            try:
                self.destroy(preview.pr, preview.kind)
            except Exception as exc:  # reported per stack by the caller; the rest still get reaped
                reaped.append(Reaped(preview, reason, exc))
            else:
                reaped.append(Reaped(preview, reason))
        return reaped


def _preview_url(outputs: dict[str, str], preferred: str | None) -> str | None:
    for key in (preferred, *URL_OUTPUTS) if preferred else URL_OUTPUTS:
        value = outputs.get(key)
        if value and value != SECRET_MASK:
            return value
    return next((v for v in outputs.values() if v.startswith("https://")), None)


def _utc(moment: datetime | None) -> datetime | None:
    # The Automation API parses the CLI's "…Z" timestamps into naive datetimes that are UTC.
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _days(span: timedelta) -> str:
    hours = int(span.total_seconds() // 3600)
    return f"{hours // 24}d{hours % 24}h" if hours % 24 else f"{hours // 24}d"
