"""The plan diff as Markdown for a pull-request comment (and the same text in a terminal).

Owns the wording and layout: a summary table of every stack, then per stack the replacements, updates
(each changed input, nested maps down to the changed key), additions, removals, changed config (a secret
by name only) and changed outputs. The
first line is the hidden marker the comment workflow finds to update the comment in place. It computes
nothing; `tools/plan_diff.py` does.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from tools.plan_diff import GITHUB, MARKER, RAILWAY, VALUE_WIDTH, Change, Modified, StackDiff

ESTIMATE_NOTE = (
    "<sub>Computed offline: the program runs under Pulumi mocks with the stack files of each revision, "
    "so no credentials are used; secrets show as `[secret]`, values only known after deployment as "
    "`(resource.output)`. Replacements are estimated from each type's immutable inputs; "
    "`pulumi preview` is authoritative.</sub>"
)


def short_type(typ: str) -> str:
    if typ.startswith(RAILWAY):
        return "railway:" + typ[len(RAILWAY) :]
    if typ.startswith(GITHUB):
        return "github:" + typ.rsplit(":", 1)[-1]
    return typ


EMPTY = "(empty)"  # the one rendering of a value that is absent or empty, in the plan and the diff


def plain_value(value: Any) -> str:
    """A value as the plan shows it: JSON, except an absent or empty one, which is EMPTY."""
    return EMPTY if value is None or value == "" else json.dumps(value, sort_keys=True)


def value_text(value: Any) -> str:
    text = value if isinstance(value, str) and value else plain_value(value)
    text = text.replace("`", "'").replace("\n", " ")
    return f"`{text[: VALUE_WIDTH - 1]}…`" if len(text) > VALUE_WIDTH else f"`{text}`"


def change_lines(change: Change, indent: str = "  ") -> Iterator[str]:
    before, after = change.before, change.after
    if isinstance(before, dict) and isinstance(after, dict):
        for key in sorted(before.keys() | after.keys()):
            if before.get(key) != after.get(key):
                yield from change_lines(
                    Change(f"{change.key}.{key}", before.get(key), after.get(key)), indent
                )
        return
    yield f"{indent}- `{change.key}`: {value_text(before)} → {value_text(after)}"


def _modified_lines(verb: str, item: Modified) -> Iterator[str]:
    why = f" (`{'`, `'.join(item.replaced_by)}` cannot change in place)" if item.replaced_by else ""
    yield f"- **{verb}** `{item.name}` ({short_type(item.type)}){why}"
    for change in item.changes:
        yield from change_lines(change)


def stack_section(diff: StackDiff) -> Iterator[str]:
    yield f"### `{diff.stack}`"
    yield ""
    if diff.error:
        yield f"**Could not compute the plan:** {diff.error}"
        return
    if diff.note:
        yield f"_Note: {diff.note}._"
        yield ""
    if diff.empty:
        yield "No change to the desired state."
        return
    for name, project_id in diff.adopted:
        yield f"- **adopt** `{name}`: takes over the existing Railway project `{project_id}` (no recreation)"
    for item in diff.replaced:
        yield from _modified_lines("replace", item)
    for item in diff.updated:
        yield from _modified_lines("update", item)
    for redeploy in diff.redeploys:
        yield f"- **redeploy** `{redeploy.name}` (railway:Deployment), because:"
        yield from (f"  - {reason}" for reason in redeploy.because)
    for typ, name in diff.added:
        yield f"- **add** `{name}` ({short_type(typ)})"
    for typ, name in diff.removed:
        yield f"- **remove** `{name}` ({short_type(typ)})"
    if diff.config:
        yield "- **config** (secrets never shown)"
        for change in diff.config:
            yield from change_lines(change)
    if diff.outputs:
        yield "- **stack outputs**"
        for change in diff.outputs:
            yield from change_lines(change)


def render(diffs: list[StackDiff], base_label: str) -> str:
    lines = [
        MARKER,
        f"## Infrastructure plan: `{base_label}` → this change",
        "",
        "| stack | add | remove | replace | update | redeploy | config |",
        "|---|---|---|---|---|---|---|",
    ]
    for d in diffs:
        if d.error:
            lines.append(f"| `{d.stack}` | ⚠ plan failed | | | | | |")
        else:
            counts = (
                len(d.added),
                len(d.removed),
                len(d.replaced),
                len(d.updated),
                len(d.redeploys),
                len(d.config),
            )
            lines.append(f"| `{d.stack}` | " + " | ".join(str(c) for c in counts) + " |")
    for d in diffs:
        lines += ["", *stack_section(d)]
    lines += ["", ESTIMATE_NOTE]
    return "\n".join(lines) + "\n"
