"""The stack side of a release: what digest a stack runs, and `pulumi up` with a digest pinned for one run.

The digest reaches the program as `cartly-infra:releaseDigest`, set in the workspace for that run and removed
after it, so no stack file keeps it; between releases the program's ImagePin keeps it in state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from pulumi import automation as auto

from components.stack_outputs import DEPLOY_CHECKS, IMAGE_DIGEST
from tools.preview_report import redact

RELEASE_DIGEST_KEY = "cartly-infra:releaseDigest"
OnOutput = Callable[[str], object]


@dataclass(frozen=True)
class UpOutcome:
    """How one `pulumi up` ended: ok, or the (redacted) error; the resource changes it made; on success the
    stack's `deployChecks` output (service -> its last deploy's post-deploy check summary)."""

    ok: bool
    error: str = ""
    changes: dict[str, int] = field(default_factory=dict)
    checks: dict[str, Any] = field(default_factory=dict)


class Stacks(Protocol):
    def running_digest(self, stack: str) -> str | None:
        """The digest the stack's state says runs (its `imageDigest` output); None for a new stack."""

    def up(self, stack: str, digest: str) -> UpOutcome:
        """`pulumi up` of `stack` with `digest` pinned; failures come back as an outcome, not raised."""

    def secret(self, stack: str, key: str) -> str | None:
        """A secret config value of the stack (decrypted), or None when it is not set."""


@dataclass
class AutomationStacks:
    """The real thing: the project's stacks through the `pulumi` CLI."""

    work_dir: Path
    on_output: OnOutput | None = None
    # The program inline (tools/inline_program.py), for a CLI without the Python language host; None runs
    # the project directory's program through the CLI, as a release install does.
    program: Callable[[], None] | None = None

    def _stack(self, stack: str, *, create: bool = False) -> auto.Stack:
        if self.program is not None:
            options = auto.LocalWorkspaceOptions(work_dir=str(self.work_dir))
            project = auto.LocalWorkspace(work_dir=str(self.work_dir)).project_settings().name
            if create:
                return auto.create_or_select_stack(stack, project, self.program, opts=options)
            return auto.select_stack(stack, project, self.program, opts=options)
        if create:
            return auto.create_or_select_stack(stack, work_dir=str(self.work_dir))
        return auto.select_stack(stack, work_dir=str(self.work_dir))

    def running_digest(self, stack: str) -> str | None:
        try:
            outputs = self._stack(stack).outputs()
        except auto.StackNotFoundError:
            return None
        found = outputs.get(IMAGE_DIGEST)
        return str(found.value) if found is not None and found.value else None

    def up(self, stack: str, digest: str) -> UpOutcome:
        handle = self._stack(stack, create=True)
        handle.set_config(RELEASE_DIGEST_KEY, auto.ConfigValue(value=digest, secret=False))
        try:
            result = handle.up(on_output=self.on_output, show_secrets=False)
        except auto.CommandError as exc:
            return UpOutcome(False, redact(str(exc)))
        finally:  # the digest lives in state from now on, never in the stack file
            handle.remove_config(RELEASE_DIGEST_KEY)
        changes = {str(k): v for k, v in (result.summary.resource_changes or {}).items()}
        checks = result.outputs.get(DEPLOY_CHECKS)
        found = checks.value if checks is not None and isinstance(checks.value, dict) else {}
        return UpOutcome(True, "", changes, found)

    def secret(self, stack: str, key: str) -> str | None:
        try:
            return self._stack(stack).get_config(key).value or None
        except auto.CommandError:  # the CLI's answer for a key the stack does not set
            return None
