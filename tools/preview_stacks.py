"""Preview stacks of this repository's pull requests (`infra-pr-<N>`) through the Pulumi Automation API.

Which stack a pull request maps to (app pull requests own `pr-<N>`: neither side lists or reaps the other's),
the one config value set (`imageTag`, never a secret) and what is stale (pull request not open, or not
updated for too long; never while an update holds it). Credentials reach the CLI only by environment.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pulumi import automation as auto

IMAGE_TAG_KEY = "cartly-infra:imageTag"
PREFIX = "infra-pr-"
STACK_PATTERN = re.compile(r"infra-pr-([1-9][0-9]{0,8})")
APP_PREFIX = "pr-"  # app previews: the app repository's pull requests (tools/app_previews.py)
APP_STACK_PATTERN = re.compile(r"pr-([1-9][0-9]{0,8})")
# This repository's PR numbers are not the app's, so an app tag `pr-<N>` would be another PR's build.
DEFAULT_IMAGE_TAG = "staging"
SECRET_MASK = "[secret]"  # noqa: S105 (the CLI's mask, not a password)
URL_OUTPUTS = ("appUrl", "url", "previewUrl", "webUrl")  # appUrl: components/stack_outputs.py

OnOutput = Callable[[str], object]
OnSecret = Callable[[str], object]


def stack_name(pr: int) -> str:
    return f"{PREFIX}{pr}"


def pr_of(name: str, *, app: bool = False) -> int | None:
    """The PR number of a preview stack name (`infra-pr-12`, or `org/project/infra-pr-12`; with `app`,
    `pr-12`); None for any other stack: each name space is blind to the other's, and to long-lived stacks."""
    match = (APP_STACK_PATTERN if app else STACK_PATTERN).fullmatch(name.split("/")[-1])
    return int(match.group(1)) if match else None


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
    last_update: datetime | None
    resource_count: int | None
    update_in_progress: bool

    def age(self, now: datetime) -> timedelta | None:
        """Time since the last update: a preview pushed to yesterday is fresh, however old its PR."""
        return now - self.last_update if self.last_update else None


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
    on_secret: OnSecret | None = None  # told every secret value the driver comes to hold
    command: auto.PulumiCommand | None = None
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    # The program inline (tools/inline_program.py), for a CLI without the Python language host; None runs
    # the project directory's program through the CLI, as a release install does.
    program: Callable[[], None] | None = None

    def _pulumi(self) -> auto.PulumiCommand:
        # Raises FileNotFoundError without a CLI on PATH; the caller turns that into advice.
        if self.command is None:
            self.command = auto.PulumiCommand()
        return self.command

    def _workspace(self) -> auto.LocalWorkspace:
        return auto.LocalWorkspace(work_dir=str(self.work_dir), pulumi_command=self._pulumi())

    def _select_or_create(self, name: str) -> auto.Stack:
        if self.program is not None:  # inline: the project's settings, this process's program
            options = auto.LocalWorkspaceOptions(work_dir=str(self.work_dir), pulumi_command=self._pulumi())
            project = self._workspace().project_settings().name
            return auto.create_or_select_stack(name, project, self.program, opts=options)
        options = auto.LocalWorkspaceOptions(pulumi_command=self._pulumi())
        return auto.create_or_select_stack(name, work_dir=str(self.work_dir), opts=options)

    def up(self, pr: int, image_tag: str | None = None, url_output: str | None = None) -> UpReport:
        tag = image_tag or DEFAULT_IMAGE_TAG
        return self.up_stack(stack_name(pr), {IMAGE_TAG_KEY: tag}, url_output, image_tag=tag)

    def up_stack(
        self, name: str, config: dict[str, str], url_output: str | None = None, *, image_tag: str = ""
    ) -> UpReport:
        """Create or update stack `name` (an app preview's `pr-<N>` too) with `config`: plain values only."""
        stack = self._select_or_create(name)
        stack.set_all_config(
            {key: auto.ConfigValue(value=value, secret=False) for key, value in config.items()}
        )
        result = stack.up(on_output=self.on_output, show_secrets=False)
        for value in result.outputs.values():
            if value.secret and self.on_secret is not None:
                self.on_secret(str(value.value))
        outputs = {k: SECRET_MASK if v.secret else str(v.value) for k, v in sorted(result.outputs.items())}
        return UpReport(
            stack=name,
            image_tag=image_tag,
            url=_preview_url(outputs, url_output),
            result=result.summary.result,
            changes={str(k): v for k, v in (result.summary.resource_changes or {}).items()},
            outputs=outputs,
        )

    def destroy(self, pr: int) -> bool:
        """Destroys the stack's resources and removes the stack. False when there was no such stack."""
        return self.destroy_stack(stack_name(pr))

    def destroy_stack(self, name: str) -> bool:
        """`destroy` of any stack by name (an app preview's `pr-<N>` too)."""
        try:
            stack = auto.Stack.select(name, self._workspace())
        except auto.StackNotFoundError:
            return False
        stack.destroy(on_output=self.on_output, show_secrets=False, remove=True)
        return True

    def previews(self, only: int | None = None, *, app: bool = False) -> list[PreviewInfo]:
        """This repository's previews (`infra-pr-<N>`; with `app`, the app's `pr-<N>`; just PR `only`'s if
        given), by PR number."""
        previews = []
        for summary in self._workspace().list_stacks():
            pr = pr_of(summary.name, app=app)
            if pr is None or (only is not None and pr != only):
                continue
            previews.append(
                PreviewInfo(
                    pr=pr,
                    stack=f"{APP_PREFIX}{pr}" if app else stack_name(pr),
                    last_update=_utc(summary.last_update),
                    resource_count=summary.resource_count,
                    update_in_progress=bool(summary.update_in_progress),
                )
            )
        return sorted(previews, key=lambda p: p.pr)

    def why_stale(self, preview: PreviewInfo, open_prs: set[int], max_age: timedelta) -> str | None:
        """Why `preview` should go (its PR is not open, or no update for `max_age`), else None. Never while
        an update holds the stack: that run is alive, and destroying under it would fight it."""
        if preview.update_in_progress:
            return None
        if preview.pr not in open_prs:
            return f"PR #{preview.pr} is not open"
        age = preview.age(self.now())
        if age is not None and age > max_age:
            return f"not updated for {_days(age)} (more than {_days(max_age)})"
        return None

    def stale(
        self, open_prs: Iterable[int], max_age: timedelta, only: int | None = None
    ) -> list[tuple[PreviewInfo, str]]:
        """The previews to reap, each with why."""
        open_set, found = set(open_prs), []
        for preview in self.previews(only):
            reason = self.why_stale(preview, open_set, max_age)
            if reason is not None:
                found.append((preview, reason))
        return found

    def reap(self, open_prs: Iterable[int], max_age: timedelta, only: int | None = None) -> list[Reaped]:
        """Destroys every stale preview; one failure does not stop the others (it is reported). Each stack
        is read again right before its destroy: one updated since the list was made is left alone."""
        open_set, reaped = set(open_prs), []
        for preview, reason in self.stale(open_set, max_age, only):
            again = self.previews(preview.pr)
            if len(again) != 1 or self.why_stale(again[0], open_set, max_age) is None:
                continue
            try:
                self.destroy(preview.pr)
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
