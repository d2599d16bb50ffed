"""Who made a Railway object: a create replayed after a crash adopts its own object, refuses another's."""

from __future__ import annotations

import pulumi

MARK = "pulumi-owner: "


def owner_of(resource_name: str) -> str:
    """The marker of the resource `resource_name` of the running program's stack."""
    return f"{pulumi.get_project()}/{pulumi.get_stack()}/{resource_name}"


def stack_of(owner: str) -> str:
    """The "<pulumi project>/<stack>" part of an owner marker."""
    return owner.rsplit("/", 1)[0]


def marked(description: str | None, owner: str) -> str:
    """The description to send: the program's text (if any), then the owner line."""
    text = unmarked(description)
    return f"{text}\n{MARK}{owner}" if text else f"{MARK}{owner}"


def unmarked(description: str | None) -> str | None:
    """The description without the owner line: what the program manages."""
    if description is None:
        return None
    lines = [line for line in description.split("\n") if not line.startswith(MARK)]
    return "\n".join(lines)


def owner_in(description: str | None) -> str | None:
    """The owner marker a description carries, if any."""
    found = [line[len(MARK) :] for line in (description or "").split("\n") if line.startswith(MARK)]
    return found[-1] if found else None
